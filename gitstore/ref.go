package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
)

// maxSymrefDepth bounds how many symbolic refs Ref follows, as git does.
const maxSymrefDepth = 5

// RefConflictError is the compare-and-swap failure of UpdateRef and
// DeleteRef: the ref did not hold the value the caller expected, because
// someone else moved it since the caller read it. A zero hash means the ref
// did not exist (Actual) or was expected not to (Expected).
type RefConflictError struct {
	Ref      string
	Expected plumbing.Hash
	Actual   plumbing.Hash
}

func (e *RefConflictError) Error() string {
	return fmt.Sprintf("ref %q was moved by someone else: expected %s, found %s",
		e.Ref, describeRefValue(e.Expected), describeRefValue(e.Actual))
}

func describeRefValue(h plumbing.Hash) string {
	if h.IsZero() {
		return "no ref"
	}
	return h.String()
}

// Ref returns the commit (or other object) that the ref name points to, and
// whether it exists. It reads the loose ref file, else packed-refs, as git
// does, and follows symbolic refs.
func (r *Repo) Ref(name string) (plumbing.Hash, bool, error) {
	if err := ValidateRefName(name); err != nil {
		return plumbing.ZeroHash, false, err
	}
	seen := name
	for range maxSymrefDepth {
		v, err := r.readRef(name)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		if v.symbolic == "" {
			return v.hash, v.exists, nil
		}
		name = v.symbolic
		if err := ValidateRefName(name); err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("ref %q is a symbolic ref to %q: %w", seen, name, err)
		}
	}
	return plumbing.ZeroHash, false, fmt.Errorf("ref %q: more than %d levels of symbolic refs", seen, maxSymrefDepth)
}

// refValue is what a ref holds: a hash, or for a symbolic ref the name of
// its target.
type refValue struct {
	exists   bool
	hash     plumbing.Hash
	symbolic string
	loose    bool // held by a loose ref file (which may shadow a packed one)
	packed   bool // listed in packed-refs
}

// refPath is the loose ref file of name.
func (r *Repo) refPath(name string) string {
	return filepath.Join(r.commonDir, filepath.FromSlash(name))
}

// readRef reads name without following symbolic refs: the loose ref file if
// there is one, else packed-refs.
func (r *Repo) readRef(name string) (refValue, error) {
	v, err := r.readLooseRef(name)
	if err != nil {
		return refValue{}, err
	}
	packed, err := readPackedRefs(filepath.Join(r.commonDir, packedRefsName))
	if err != nil {
		return refValue{}, fmt.Errorf("ref %q: %w", name, err)
	}
	if h, ok := packed.find(name); ok {
		v.packed = true
		if !v.loose {
			v.exists, v.hash = true, h
		}
	}
	return v, nil
}

// readLooseRef reads the loose ref file of name, if there is one.
func (r *Repo) readLooseRef(name string) (refValue, error) {
	path := r.refPath(name)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return refValue{}, nil
		}
		if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
			return refValue{}, nil // refs below name exist; name does not
		}
		return refValue{}, fmt.Errorf("ref %q: %w", name, err)
	}
	s := string(data)
	if target, ok := strings.CutPrefix(s, "ref:"); ok {
		return refValue{exists: true, loose: true, symbolic: strings.TrimSpace(target)}, nil
	}
	if len(s) < 40 || !isHexHash(s[:40]) || len(s) > 40 && !strings.ContainsRune(" \t\n", rune(s[40])) {
		return refValue{}, fmt.Errorf("ref %q: malformed ref file %q", name, path)
	}
	return refValue{exists: true, loose: true, hash: plumbing.NewHash(s[:40])}, nil
}
