package release

import (
	"net/url"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/semver"
)

// Versions lists the versions of a project's releases, newest first.
func Versions(repo *gitstore.Repo, project string) ([]string, error) {
	prefix := ProjectRefPrefix(project)
	var out []string
	err := eachRef(repo, prefix, func(name string, _ plumbing.Hash) error {
		v, err := url.PathUnescape(strings.TrimPrefix(name, prefix))
		if err == nil {
			out = append(out, v)
		}
		return nil
	})
	sortVersions(out)
	return out, err
}

// List reads every release of the Space (or of one project when project
// is not empty), sorted by project and then newest version first.
func List(repo *gitstore.Repo, project string) ([]*Loaded, error) {
	prefix := RefPrefix
	if project != "" {
		prefix = ProjectRefPrefix(project)
	}
	var out []*Loaded
	err := eachRef(repo, prefix, func(name string, h plumbing.Hash) error {
		l, err := LoadCommit(repo, name, h)
		if err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Release, out[j].Release
		if !strings.EqualFold(a.Project, b.Project) {
			return strings.ToLower(a.Project) < strings.ToLower(b.Project)
		}
		return semver.Newer(a.Version, b.Version)
	})
	return out, nil
}

func eachRef(repo *gitstore.Repo, prefix string, fn func(name string, h plumbing.Hash) error) error {
	refs, err := repo.RefsUnder(prefix)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if err := fn(r.Name, r.Hash); err != nil {
			return err
		}
	}
	return nil
}
