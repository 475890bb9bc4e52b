package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// AfterNaming is the kind of transaction action (gitstore.Tx.After) that
// names packages in a store once the transaction that brought them is
// published: an import's packages are listed only once its inbox ref and
// ledger event exist, and a crash between is finished by the next command.
const AfterNaming = "store-names"

// Naming is what an AfterNaming action carries: the store, and the
// packages to name in it.
type Naming struct {
	Dir      string    `json:"dir"`
	Packages []Package `json:"packages"`
}

// ApplyNaming names the packages of an AfterNaming action (see Name); it
// may run again for the same data, which changes nothing.
func ApplyNaming(data []byte) error {
	var n Naming
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("naming packages: %w", err)
	}
	s, err := Open(n.Dir)
	if err != nil {
		return err
	}
	for _, p := range n.Packages {
		opts := PushOptions{ID: p.ID, Version: p.Version, FileName: p.FileName, PushedBy: p.PushedBy, Now: p.PushedAt}
		if opts.Now.IsZero() {
			opts.Now = time.Now()
		}
		// A name another push took meanwhile, or a blob removed meanwhile,
		// is left as it is: naming is what the store shows, and a
		// recovery that could never finish would block the Space.
		var conflict *ConflictError
		if _, _, err := s.Name(p.SHA256, p.Size, opts); err != nil && !errors.As(err, &conflict) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
