package store

import (
	"fmt"
	"os"
	"strings"

	"github.com/zonectl/zonectl/internal/scratch"
)

// TempDir makes a new directory .<purpose>-<random> in the store's
// directory, for work whose results end in the store (a bundle being
// imported, one being built to push): on the store's file system, so that
// they move into place without a copy. It stays safe from Sweep while
// this process lives; the caller removes it. purpose is a word in
// lowercase letters.
func (s *Store) TempDir(purpose string) (*scratch.Dir, error) {
	if err := checkPurpose(purpose); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	return s.scratch.MkdirTemp(s.dir, "."+purpose+"-")
}

// TempFile makes a new file .<purpose>-<random><suffix> in the store's
// directory, open for writing, as TempDir makes a directory.
func (s *Store) TempFile(purpose, suffix string) (*scratch.File, error) {
	if err := checkPurpose(purpose); err != nil {
		return nil, err
	}
	if strings.ContainsAny(suffix, `/\`) {
		return nil, fmt.Errorf("invalid suffix %q for a temporary file in the package store", suffix)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	return s.scratch.CreateTemp(s.dir, "."+purpose+"-*"+suffix)
}

// Sweep removes what runs of zonectl that were killed, or lost their
// machine, left in the store: the entries TempDir and TempFile made and
// the files under tmp/, once no live process holds them. It removes
// nothing that a running zonectl still uses, and it never creates the
// store. Failing to remove an entry is not fatal: it stays for the next
// Sweep, and the error says why.
func (s *Store) Sweep() ([]scratch.Removed, error) {
	removed, err := s.scratch.Sweep(s.dir, isScratchName)
	more, terr := s.scratch.Sweep(s.path(tmpDir), func(string) bool { return true })
	if err == nil {
		err = terr
	}
	return append(removed, more...), err
}

// isScratchName reports whether name, in the store's directory, is one
// TempDir or TempFile makes: a dot, a word in lowercase letters, a dash.
func isScratchName(name string) bool {
	if len(name) < 3 || name[0] != '.' {
		return false
	}
	for i := 1; i < len(name); i++ {
		switch c := name[i]; {
		case c == '-':
			return i > 1
		case c < 'a' || c > 'z':
			return false
		}
	}
	return false
}

func checkPurpose(purpose string) error {
	if !isScratchName("." + purpose + "-") {
		return fmt.Errorf("invalid purpose %q for a temporary entry in the package store: want a word in lowercase letters", purpose)
	}
	return nil
}
