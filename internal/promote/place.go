package promote

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/zonectl/zonectl/internal/atomicfile"
)

// A bundle is built in a scratch directory of the Space's store and takes
// its place in the folder --out names only when the promotion is recorded:
// as an action of the recording transaction (gitstore.Tx.After). A crash
// before the commit point leaves no bundle where the user looks (the
// scratch directory is swept), and one after it is finished by the next
// command, which moves the files into place.

// AfterPlacing is the kind of transaction action that moves a recorded
// promotion's bundle files into place.
const AfterPlacing = "promote-place"

// Placing is what an AfterPlacing action carries: each file built, and
// where it goes.
type Placing struct {
	Files []Move `json:"files"`
}

// Move is one file to put in place.
type Move struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ApplyPlacing moves the files of an AfterPlacing action into place. It
// may run again after a crash: a file already moved is left as it is.
// Across filesystems the file is copied to a fixed temporary name beside
// its place, synced and renamed, so that a crash during the copy leaves
// only that name, which the next run replaces.
func ApplyPlacing(data []byte) error {
	var pl Placing
	if err := json.Unmarshal(data, &pl); err != nil {
		return fmt.Errorf("placing the bundle: %w", err)
	}
	for _, m := range pl.Files {
		if err := place(m); err != nil {
			return fmt.Errorf("move %s to %s: %w", m.From, m.To, err)
		}
	}
	return nil
}

func place(m Move) error {
	if _, err := os.Stat(m.From); errors.Is(err, fs.ErrNotExist) {
		// Moved already; or, were the store moved since the crash, gone:
		// a recovery that could never finish would block the Space, and
		// the promotion is recorded either way (promote again to write a
		// new bundle).
		return nil
	}
	err := os.Rename(m.From, m.To)
	if errors.Is(err, syscall.EXDEV) {
		err = copyInto(m.From, m.To)
	}
	if err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(m.To))
}

// copyInto copies from to a temporary name beside to, syncs it and
// renames it into place, then removes from.
func copyInto(from, to string) error {
	tmp := filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".placing")
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, to)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Remove(from)
}
