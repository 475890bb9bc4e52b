package release

import (
	"fmt"
	"github.com/zonectl/zonectl/hcl/config"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// Schema names the release document format.
const Schema = "zonectl.release/v1"

// Release is release.json: what a release is, apart from its snapshot.
type Release struct {
	Schema       string                `json:"schema"`
	Project      string                `json:"project"`
	Version      string                `json:"version"`
	Lifecycle    string                `json:"lifecycle"`
	Channel      string                `json:"channel,omitempty"`
	Notes        string                `json:"notes,omitempty"`
	Created      time.Time             `json:"created"`
	CreatedBy    string                `json:"created_by"`
	SourceRef    string                `json:"source_ref"`
	SourceCommit string                `json:"source_commit"`
	Packages     []snapshot.PackageRef `json:"packages"`
	// Snapshots counts variable re-snapshots: 0 for the release as created.
	Snapshots int `json:"snapshots"`
	// VariablesCommit is the commit of main the variables were last taken
	// from.
	VariablesCommit string `json:"variables_commit"`
	// ImportedFrom is set on a release accepted from another Space.
	ImportedFrom *Import `json:"imported_from,omitempty"`
	// Promoted is set on the copy of a release sliced for another Space.
	Promoted *Promoted `json:"promoted,omitempty"`
}

// Promoted says which Space a sliced copy of a release was made for.
type Promoted struct {
	Target            string `json:"target"`
	TargetFingerprint string `json:"target_fingerprint"`
	Revision          int    `json:"revision"`
	Sequence          uint64 `json:"sequence"`
}

// Import says where an accepted release came from.
type Import struct {
	Space       string `json:"space"`
	Fingerprint string `json:"fingerprint"`
	// Commit is the source's signed promotion commit, as imported.
	Commit    string `json:"commit"`
	Revision  int    `json:"revision"`
	Lifecycle string `json:"source_lifecycle"` // the lifecycle the source follows
}

// Loaded is a release as read from its ref: the tip commit (the latest
// variable snapshot) and its three documents.
type Loaded struct {
	Release   Release
	Process   snapshot.Process
	Variables snapshot.Variables
	Commit    plumbing.Hash
	Ref       string
	// Existing is set by Create when the release was made already, from
	// the same commit with the same packages: there was nothing to do.
	// Undeployed is set too when it was never deployed, and Resumed when
	// that means a run was interrupted before its automatic deployments,
	// which the caller then runs.
	Existing   bool
	Undeployed bool
	Resumed    bool
}

// Package returns the pinned version of the package with the given id.
func (l *Loaded) Package(id string) (snapshot.PackageRef, bool) {
	for _, p := range l.Release.Packages {
		if foldEq(p.ID, id) {
			return p, true
		}
	}
	return snapshot.PackageRef{}, false
}

// ErrNotFound is returned, wrapped, for a release that does not exist.
var ErrNotFound = fmt.Errorf("release not found")

// Load reads a release.
func Load(repo *gitstore.Repo, project, version string) (*Loaded, error) {
	ref, err := Ref(project, version)
	if err != nil {
		return nil, err
	}
	tip, ok, err := repo.Ref(ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		if hint := otherProject(repo, project); hint != "" {
			return nil, fmt.Errorf("%w: project %q has no releases in this Space.%s", ErrNotFound, project, hint)
		}
		return nil, fmt.Errorf("%w: project %q has no release %s (list them with `zonectl release list %s`)", ErrNotFound, project, version, project)
	}
	return LoadCommit(repo, ref, tip)
}

// LoadCommit reads the release documents of a commit: a release, or a
// promotion or inbox commit, which hold the same three files.
func LoadCommit(repo *gitstore.Repo, ref string, h plumbing.Hash) (*Loaded, error) {
	c, err := repo.Git().CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read release commit %s of %s: %w", h, ref, err)
	}
	l := &Loaded{Commit: h, Ref: ref}
	for name, v := range map[string]any{"release.json": &l.Release, "process.json": &l.Process, "variables.json": &l.Variables} {
		data, err := readFile(c, name)
		if err != nil {
			return nil, fmt.Errorf("release %s: %w", ref, err)
		}
		if err := canonjson.Decode(name+" of "+ref, data, v); err != nil {
			return nil, err
		}
	}
	if l.Release.Schema != Schema {
		return nil, fmt.Errorf("release %s: unknown schema %q in release.json", ref, l.Release.Schema)
	}
	return l, nil
}

func readFile(c *object.Commit, name string) ([]byte, error) {
	f, err := c.File(name)
	if err != nil {
		return nil, fmt.Errorf("commit %s has no %s", c.Hash, name)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 64<<20))
}

// Files returns a release's documents as the files of its tree.
func Files(rel Release, proc *snapshot.Process, vars *snapshot.Variables) ([]gitstore.File, error) {
	var out []gitstore.File
	for _, d := range []struct {
		name string
		v    any
	}{{"release.json", rel}, {"process.json", proc}, {"variables.json", vars}} {
		data, err := canonjson.Encode(d.v)
		if err != nil {
			return nil, err
		}
		out = append(out, gitstore.File{Path: d.name, Data: data})
	}
	return out, nil
}

// otherProject is " Did you mean "x"?" when project has no release at all
// and x, a project with releases, is a likely typo of it; else "".
func otherProject(repo *gitstore.Repo, project string) string {
	refs, err := repo.RefsUnder(RefPrefix)
	if err != nil {
		return ""
	}
	var names []string
	seen := map[string]bool{}
	for _, r := range refs {
		escaped, _, ok := strings.Cut(strings.TrimPrefix(r.Name, RefPrefix), "/")
		name, err := url.PathUnescape(escaped)
		if !ok || err != nil || seen[name] {
			continue
		}
		if strings.EqualFold(name, project) {
			return "" // it has releases, just not this version
		}
		seen[name] = true
		names = append(names, name)
	}
	return config.DidYouMean(project, names)
}
