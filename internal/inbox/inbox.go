package inbox

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/release"
)

// RefPrefix is where imported releases wait.
const RefPrefix = "refs/zonectl/inbox/"

// Ref is the inbox ref of a release from source.
func Ref(source, project, version string) (string, error) {
	rel, err := release.Ref(project, version)
	if err != nil {
		return "", err
	}
	return RefPrefix + strings.ToLower(source) + "/" + strings.TrimPrefix(rel, release.RefPrefix), nil
}

// Entry is a release in the inbox.
type Entry struct {
	Source string // as the ref spells it
	*release.Loaded
}

// Find returns the inbox entry of a project's version, from whichever
// source sent it.
func Find(repo *gitstore.Repo, project, version string) (*Entry, error) {
	entries, err := List(repo)
	if err != nil {
		return nil, err
	}
	var found []*Entry
	for _, e := range entries {
		if strings.EqualFold(e.Release.Project, project) && e.Release.Version == version {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: no release %s %s is in the inbox; import its bundle with `zonectl import FILE`", release.ErrNotFound, project, version)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("release %s %s is in the inbox from %d sources; a project is imported from one Space only", project, version, len(found))
}

// List reads every release in the inbox, by source, project and version.
func List(repo *gitstore.Repo) ([]*Entry, error) {
	refs, err := repo.RefsUnder(RefPrefix)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, r := range refs {
		source, _, _ := strings.Cut(strings.TrimPrefix(r.Name, RefPrefix), "/")
		l, err := release.LoadCommit(repo, r.Name, r.Hash)
		if err != nil {
			return nil, err
		}
		out = append(out, &Entry{Source: source, Loaded: l})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if !strings.EqualFold(a.Release.Project, b.Release.Project) {
			return strings.ToLower(a.Release.Project) < strings.ToLower(b.Release.Project)
		}
		return a.Release.Version < b.Release.Version
	})
	return out, err
}
