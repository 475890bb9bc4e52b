package gitstore

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LockFileFound is one of Git's lock files found in the repository.
type LockFileFound struct {
	Path string        `json:"path"`
	Age  time.Duration `json:"age_ns"`
}

// LockFiles lists Git's lock files (*.lock) under the common Git
// directory and this work tree's Git directory, oldest first. One that
// stays while no git or zonectl process runs was left by a crash of git's
// (zonectl's own are removed by recovery); git refuses to touch the file
// it locks until someone removes it.
func (r *Repo) LockFiles() ([]LockFileFound, error) {
	seen := map[string]bool{}
	var out []LockFileFound
	for _, dir := range []string{r.commonDir, r.gitDir} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && p != dir && (d.Name() == "objects" || d.Name() == "worktrees" && dir == r.commonDir) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(d.Name(), ".lock") || seen[p] {
				return nil
			}
			seen[p] = true
			if info, err := d.Info(); err == nil {
				out = append(out, LockFileFound{Path: p, Age: time.Since(info.ModTime())})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Age > out[j].Age })
	return out, nil
}

// UnreadableRef is a ref that points at an object the repository does
// not hold, and why it cannot be read.
type UnreadableRef struct {
	NamedRef
	Err error
}

// UnreadableRefs lists the refs that point at an object the repository
// does not hold.
func (r *Repo) UnreadableRefs() ([]UnreadableRef, error) {
	refs, err := r.RefsUnder("refs/")
	if err != nil {
		return nil, err
	}
	var out []UnreadableRef
	for _, ref := range refs {
		if err := r.repo.Storer.HasEncodedObject(ref.Hash); err != nil {
			out = append(out, UnreadableRef{NamedRef: ref, Err: err})
		}
	}
	return out, nil
}
