package gitstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// An interrupted push that the remote had not taken when recovery asked
// may still land: the remote goes on with a push whose client was killed
// once it has all of it. Its refs then reach the clone with the next fetch,
// as anyone's; but what the transaction does outside Git (naming an
// import's packages) would be lost. So recovery keeps such a transaction's
// journal as an orphan under <common dir>/zonectl/orphans, and every catch
// up with the remote (SettleOrphans) runs the orphan's actions once its
// commits are on the remote, or forgets it once it can no longer land.

// orphanLife is how long an orphan waits for its push to land.
const orphanLife = 7 * 24 * time.Hour

func (r *Repo) orphansDir() string { return filepath.Join(r.commonDir, journalDir, "orphans") }

// keepOrphan records an undone push's journal, when it has actions
// outside Git to carry out should the push land after all.
func (r *Repo) keepOrphan(j *journal) error {
	if len(j.After) == 0 {
		return nil
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.orphansDir(), 0o777); err != nil {
		return err
	}
	return replaceFile(r.scratchDir(), filepath.Join(r.orphansDir(), j.ID+".json"), append(data, '\n'), 0o666)
}

// SettleOrphans runs the actions of each orphan whose push has landed on
// the remote as last fetched, and forgets those too old to land. It
// returns what it settled, in words.
func (r *Repo) SettleOrphans() ([]string, error) {
	entries, err := os.ReadDir(r.orphansDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var settled []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		what, err := r.settleOrphan(filepath.Join(r.orphansDir(), e.Name()))
		if err != nil {
			return settled, fmt.Errorf("interrupted push %s: %w", e.Name(), err)
		}
		if what != "" {
			settled = append(settled, what)
		}
	}
	return settled, nil
}

func (r *Repo) settleOrphan(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return "", err
	}
	landed, err := r.landed(&j)
	if err != nil {
		return "", err
	}
	if !landed {
		if info, err := os.Stat(path); err == nil && time.Since(info.ModTime()) > orphanLife {
			return "", os.Remove(path)
		}
		return "", nil
	}
	for _, a := range j.After {
		f := r.afterFunc(a.Kind)
		if f == nil {
			return "", fmt.Errorf("no handler for its %q action", a.Kind)
		}
		if err := f(a.Data); err != nil {
			return "", fmt.Errorf("%s: %w", a.Kind, err)
		}
	}
	return j.What, os.Remove(path)
}
