package deploy

import (
	"os"
	"strings"

	"github.com/zonectl/zonectl/internal/scratch"
)

// A deployment works in a directory of its own under the work directory,
// D-<id>-<random>, locked while it runs (internal/scratch) and removed when
// it is recorded: what a step needs to keep it puts at its destination.
// The directory of a deployment that was killed is left; SweepWork
// removes it once its lock is free, so a crash leaves nothing that the
// next command does not clear.

// workArea is the scratch area of the work directory dir.
func workArea(dir string) (*scratch.Area, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return scratch.New(dir), nil
}

// newWorkDir makes the locked working directory of deployment id.
func newWorkDir(dir, id string) (*scratch.Dir, error) {
	a, err := workArea(dir)
	if err != nil {
		return nil, err
	}
	return a.MkdirTemp(dir, id+"-")
}

// SweepWork removes the working directories that killed deployments left
// in dir, and returns what it removed.
func SweepWork(dir string) ([]scratch.Removed, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, nil
	}
	return scratch.New(dir).Sweep(dir, func(name string) bool { return strings.HasPrefix(name, "D-") })
}
