package importer

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
)

// IncomingPrefix is where connected peers push bundles (see
// promote.Push).
const IncomingPrefix = "refs/zonectl/incoming/"

// incomingFile is the bundle's name in an incoming commit's tree.
const incomingFile = "release.zbundle"

// Incoming is the outcome of importing one pushed bundle.
type Incoming struct {
	Ref    string
	Result *Result
	Err    error
}

// ImportIncoming imports every bundle that connected peers pushed, oldest
// sequence first, exactly as Import does for a file. A bundle imported (or
// found imported already) has its incoming ref deleted; one refused keeps
// it, for inspection, and its error is reported.
func ImportIncoming(ctx context.Context, env *Env) ([]Incoming, error) {
	refs, err := incomingRefs(env)
	if err != nil {
		return nil, err
	}
	var out []Incoming
	for _, r := range refs {
		res, err := importRef(ctx, env, r.name, r.hash)
		out = append(out, Incoming{Ref: r.name, Result: res, Err: err})
	}
	return out, nil
}

type ref struct {
	name string
	hash plumbing.Hash
	seq  uint64
}

func incomingRefs(env *Env) ([]ref, error) {
	named, err := env.Repo.RefsUnder(IncomingPrefix)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, r := range named {
		var seq uint64
		fmt.Sscanf(r.Name[strings.LastIndexByte(r.Name, '/')+1:], "%d", &seq)
		refs = append(refs, ref{name: r.Name, hash: r.Hash, seq: seq})
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].seq != refs[j].seq {
			return refs[i].seq < refs[j].seq
		}
		return refs[i].name < refs[j].name
	})
	return refs, err
}

// importRef copies the bundle out of an incoming commit and imports it.
func importRef(ctx context.Context, env *Env, name string, h plumbing.Hash) (*Result, error) {
	tmp, err := env.Store.TempFile("incoming", ".zbundle")
	if err != nil {
		return nil, err
	}
	defer tmp.Remove()
	err = env.Repo.ReadFile(h, incomingFile, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, refuseOrFail(name, "", err)
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := Verify(ctx, env, f, name)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	// The incoming ref goes in the import's own transaction: a crash
	// never leaves the bundle imported and still waiting.
	v.consume = &gitstore.NamedRef{Name: name, Hash: h}
	return Stage(ctx, env, v)
}
