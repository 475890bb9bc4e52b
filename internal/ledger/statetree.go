package ledger

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
)

// Where the state's documents live in a ledger commit's tree.
const (
	stateDir  = "state"
	peersPath = "peers.json" // under stateDir; always there, so it marks a commit that carries the state
)

// maxStateDoc bounds what is read of one state document, so that a
// ledger pulled from elsewhere cannot make a read take all memory.
const maxStateDoc = 64 << 20

// releasePath is where a release's document is: the project matched in
// any case, as names are, the version exactly, as releases are.
func releasePath(project, version string) string {
	return "releases/" + pathKey(strings.ToLower(project)) + "/" + pathKey(version) + ".json"
}

func projectPath(project string) string {
	return "projects/" + pathKey(strings.ToLower(project)) + ".json"
}

// pathKey is s as a path component that means the same on every
// filesystem: anything but lower-case letters, digits, '.', '_', '+' and
// '-' escaped, upper-case letters included.
func pathKey(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.' && b.Len() > 0, c == '_', c == '+', c == '-':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}

// docs are state documents being changed, by path under stateDir.
type docs map[string]any

// touched adds to d the documents ev changes, read from the state tree
// st (zero for an empty state), and applies ev, recorded at m, to them.
func (d docs) touched(repo *gitstore.Repo, st plumbing.Hash, ev Event, m Mark) error {
	switch ev.Type {
	case Deployment, Promotion, Import:
	default:
		return nil
	}
	rel, err := docIn[ReleaseState](d, repo, st, releasePath(ev.Project, ev.Version))
	if err != nil {
		return err
	}
	rel.apply(ev, m)
	if ev.Type != Import {
		p, err := docIn[ProjectState](d, repo, st, projectPath(ev.Project))
		if err != nil {
			return err
		}
		p.apply(ev, m)
	}
	if ev.Type != Deployment {
		peers, err := docIn[PeersState](d, repo, st, peersPath)
		if err != nil {
			return err
		}
		peers.apply(ev, m)
	}
	return nil
}

// docIn returns the document at path: the one d holds, else the one in
// the tree st (a new one when st has none), now held by d.
func docIn[T any](d docs, repo *gitstore.Repo, st plumbing.Hash, path string) (*T, error) {
	if v, ok := d[path]; ok {
		return v.(*T), nil
	}
	doc := new(T)
	if _, err := readDoc(repo, st, path, doc); err != nil {
		return nil, err
	}
	d[path] = doc
	return doc, nil
}

// readDoc decodes the document at path in the state tree st into doc;
// false when it is not there.
func readDoc(repo *gitstore.Repo, st plumbing.Hash, name string, doc any) (bool, error) {
	if st.IsZero() {
		return false, nil
	}
	data, found, err := repo.FileAt(st, name, maxStateDoc)
	if err != nil {
		return false, fmt.Errorf("read the ledger's state %s: %w", name, err)
	}
	if !found {
		return false, nil
	}
	if err := json.Unmarshal(data, doc); err != nil {
		return false, fmt.Errorf("the ledger's state %s: %w", name, err)
	}
	return true, nil
}

// write stores d's documents into the state tree base and returns the
// new state tree.
func (d docs) write(repo *gitstore.Repo, base plumbing.Hash) (plumbing.Hash, error) {
	files := make([]gitstore.File, 0, len(d))
	for path, doc := range d {
		data, err := canonjson.Encode(doc)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("encode the ledger's state %s: %w", path, err)
		}
		files = append(files, gitstore.File{Path: path, Data: data})
	}
	return repo.UpdateTree(base, files)
}

// stateTree is the state tree a ledger commit carries, and whether it
// carries one (a commit written before the ledger kept its state does
// not).
func stateTree(c *object.Commit) (plumbing.Hash, bool, error) {
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	e, err := t.FindEntry(stateDir)
	if err != nil {
		return plumbing.ZeroHash, false, nil
	}
	return e.Hash, true, nil
}

// markOf is where ev, the event of commit c, stands in the ledger.
func markOf(c *object.Commit, ev Event) Mark {
	return Mark{Commit: c.Hash.String(), Time: ev.Time.UTC()}
}

// after is the state tree as it stands after commit c: the state c
// carries with c's own event applied. For a ledger written before it kept
// its state, the whole history is folded, once.
func after(repo *gitstore.Repo, c *object.Commit) (plumbing.Hash, error) {
	st, ok, err := stateTree(c)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	d := docs{}
	if !ok {
		if d, err = fold(repo, c.Hash); err != nil {
			return plumbing.ZeroHash, err
		}
	} else {
		ev, err := readEvent(repo, c)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if err := d.touched(repo, st, ev, markOf(c, ev)); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if _, err := docIn[PeersState](d, repo, st, peersPath); err != nil {
		return plumbing.ZeroHash, err
	}
	return d.write(repo, st)
}

// fold is the state after tip, from every event of the history.
func fold(repo *gitstore.Repo, tip plumbing.Hash) (docs, error) {
	g, err := readGraph(repo, tip)
	if err != nil {
		return nil, err
	}
	d := docs{}
	for _, e := range g.ordered() {
		m := Mark{Commit: e.Commit, Time: e.Event.Time.UTC()}
		if err := d.touched(repo, plumbing.ZeroHash, e.Event, m); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// docAtTip is the document at path as it stands at the ledger's tip: the
// one the tip carries with the tip's own event applied, or, on a ledger
// written before it kept its state, the fold of its history.
func docAtTip[T any](repo *gitstore.Repo, path string) (*T, error) {
	d, st, err := tipDocs(repo)
	if err != nil {
		return nil, err
	}
	return docIn[T](d, repo, st, path)
}

// tipDocs is the state at the ledger's tip, to read documents from with
// docIn: the documents the tip's event changes, with it applied, over the
// state tree the tip carries. On a ledger written before it kept its
// state, every document is folded from the history and the tree is zero;
// on an empty ledger there is nothing.
func tipDocs(repo *gitstore.Repo) (docs, plumbing.Hash, error) {
	tip, ok, err := repo.Ref(Ref)
	if err != nil || !ok {
		return docs{}, plumbing.ZeroHash, err
	}
	c, err := repo.Git().CommitObject(tip)
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("read ledger commit %s: %w", tip, err)
	}
	st, has, err := stateTree(c)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	if !has {
		d, err := fold(repo, tip)
		return d, plumbing.ZeroHash, err
	}
	ev, err := readEvent(repo, c)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	d := docs{}
	return d, st, d.touched(repo, st, ev, markOf(c, ev))
}

// ReleaseAt is what the ledger says of a release, at its tip.
func ReleaseAt(repo *gitstore.Repo, project, version string) (*ReleaseState, error) {
	return docAtTip[ReleaseState](repo, releasePath(project, version))
}

// ProjectAt is what the ledger says of a project's environments and
// promotions, at its tip.
func ProjectAt(repo *gitstore.Repo, project string) (*ProjectState, error) {
	return docAtTip[ProjectState](repo, projectPath(project))
}

// ProjectsAt is ProjectAt for each of projects (by name in lower case),
// the tip read once.
func ProjectsAt(repo *gitstore.Repo, projects []string) (map[string]*ProjectState, error) {
	d, st, err := tipDocs(repo)
	if err != nil {
		return nil, err
	}
	out := map[string]*ProjectState{}
	for _, p := range projects {
		doc, err := docIn[ProjectState](d, repo, st, projectPath(p))
		if err != nil {
			return nil, err
		}
		out[strings.ToLower(p)] = doc
	}
	return out, nil
}

// PeersAt is the sequence numbers exchanged with peers, at the ledger's
// tip.
func PeersAt(repo *gitstore.Repo) (*PeersState, error) {
	return docAtTip[PeersState](repo, peersPath)
}

// mergeState is the state trees a and b joined: each document in both
// merged by its rules (see state.go), each in one taken as it is.
func mergeState(repo *gitstore.Repo, a, b plumbing.Hash) (plumbing.Hash, error) {
	var files []gitstore.File
	if err := mergeDir(repo, a, b, "", &files); err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.UpdateTree(a, files)
}

// mergeDir collects, into files, what b's directory at prefix adds to
// a's or changes in it.
func mergeDir(repo *gitstore.Repo, a, b plumbing.Hash, prefix string, files *[]gitstore.File) error {
	if a == b || b.IsZero() {
		return nil
	}
	tb, err := repo.Git().TreeObject(b)
	if err != nil {
		return err
	}
	ours := map[string]object.TreeEntry{}
	if !a.IsZero() {
		ta, err := repo.Git().TreeObject(a)
		if err != nil {
			return err
		}
		for _, e := range ta.Entries {
			ours[e.Name] = e
		}
	}
	for _, e := range tb.Entries {
		path := prefix + e.Name
		o, both := ours[e.Name]
		switch {
		case both && o.Hash == e.Hash:
		case !e.Mode.IsFile():
			base := plumbing.ZeroHash
			if both {
				base = o.Hash
			}
			if err := mergeDir(repo, base, e.Hash, path+"/", files); err != nil {
				return err
			}
		case !both:
			data, err := repo.Blob(e.Hash, maxStateDoc)
			if err != nil {
				return err
			}
			*files = append(*files, gitstore.File{Path: path, Data: data})
		default:
			data, err := mergeDoc(repo, path, o.Hash, e.Hash)
			if err != nil {
				return err
			}
			*files = append(*files, gitstore.File{Path: path, Data: data})
		}
	}
	return nil
}

// mergeDoc merges the two versions of the document at path.
func mergeDoc(repo *gitstore.Repo, path string, a, b plumbing.Hash) ([]byte, error) {
	ours, err := repo.Blob(a, maxStateDoc)
	if err != nil {
		return nil, err
	}
	theirs, err := repo.Blob(b, maxStateDoc)
	if err != nil {
		return nil, err
	}
	switch {
	case path == peersPath:
		return mergeJSON(path, ours, theirs, func(x, y *PeersState) { x.merge(y) })
	case strings.HasPrefix(path, "releases/"):
		return mergeJSON(path, ours, theirs, func(x, y *ReleaseState) { x.merge(y) })
	case strings.HasPrefix(path, "projects/"):
		return mergeJSON(path, ours, theirs, func(x, y *ProjectState) { x.merge(y) })
	}
	return nil, fmt.Errorf("the ledger's state holds %s, which this zonectl does not know", path)
}

func mergeJSON[T any](path string, ours, theirs []byte, merge func(x, y *T)) ([]byte, error) {
	var x, y T
	if err := json.Unmarshal(ours, &x); err != nil {
		return nil, fmt.Errorf("the ledger's state %s: %w", path, err)
	}
	if err := json.Unmarshal(theirs, &y); err != nil {
		return nil, fmt.Errorf("the ledger's state %s: %w", path, err)
	}
	merge(&x, &y)
	return canonjson.Encode(&x)
}

// Deployments are the ledger entries that decide what comes next for a
// release: for each environment and tenant, its latest deployment there
// and its latest success, oldest first. They are found through the state
// at the tip: a read of each, however long the history and however often
// the release was deployed.
func Deployments(repo *gitstore.Repo, project, version string) ([]Entry, error) {
	rs, err := ReleaseAt(repo, project, version)
	if err != nil {
		return nil, err
	}
	var marks []Mark
	for _, d := range rs.Deployed {
		marks = append(marks, d.Latest)
		if d.Success != nil && *d.Success != d.Latest {
			marks = append(marks, *d.Success)
		}
	}
	slices.SortFunc(marks, func(a, b Mark) int {
		if a.after(b) {
			return 1
		}
		return -1
	})
	out := make([]Entry, 0, len(marks))
	for _, m := range marks {
		c, err := repo.Git().CommitObject(plumbing.NewHash(m.Commit))
		if err != nil {
			return nil, fmt.Errorf("read ledger commit %s: %w", m.Commit, err)
		}
		ev, err := readEvent(repo, c)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Commit: m.Commit, Event: ev})
	}
	return out, nil
}
