package receipt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/keys"
)

// IncomingPrefix is where connected peers push receipt bundles.
const IncomingPrefix = "refs/zonectl/incoming-receipts/"

const incomingFile = "receipts.zreceipts"

// Push exports the receipts for a peer and sends the bundle to the peer's
// url with Git, for `zonectl receipt import --incoming` there.
func Push(ctx context.Context, repo *gitstore.Repo, signer *keys.Signer, self, url string, opts ExportOptions) (*Manifest, error) {
	if url == "" {
		return nil, fmt.Errorf("peer %q has no url to push to; add one to its peer block, or carry a bundle written with receipt export", opts.Peer)
	}
	dir, err := os.MkdirTemp("", "zonectl-receipts-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opts.Out = filepath.Join(dir, incomingFile)
	m, err := Export(ctx, repo, signer, self, opts)
	if err != nil {
		return nil, err
	}
	err = repo.PushFile(ctx, gitstore.PushFileOptions{
		URL: url, Path: opts.Out, Name: incomingFile,
		RemoteRef: fmt.Sprintf("%s%s/%d", IncomingPrefix, strings.ToLower(self), m.Last),
		Message:   fmt.Sprintf("Receipts 1 to %d for %s\n", m.Last, opts.Peer),
		Author:    opts.Author, Signer: signer,
	})
	return m, err
}

// Incoming is the outcome of importing one pushed receipt bundle.
type Incoming struct {
	Ref    string
	Result *ImportResult
	Err    error
}

// ImportIncoming imports every receipt bundle connected peers pushed,
// oldest first, exactly as Import does for a file; each imported one's ref
// is deleted, each refused one's kept.
func ImportIncoming(ctx context.Context, env *ImportEnv) ([]Incoming, error) {
	type ref struct {
		name string
		hash plumbing.Hash
		n    int
	}
	named, err := env.Repo.RefsUnder(IncomingPrefix)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, r := range named {
		n, _ := strconv.Atoi(r.Name[strings.LastIndexByte(r.Name, '/')+1:])
		refs = append(refs, ref{r.Name, r.Hash, n})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].n < refs[j].n })
	var out []Incoming
	for _, r := range refs {
		res, err := importRef(ctx, env, r.name, r.hash)
		out = append(out, Incoming{Ref: r.name, Result: res, Err: err})
	}
	return out, nil
}

func importRef(ctx context.Context, env *ImportEnv, name string, h plumbing.Hash) (*ImportResult, error) {
	tmp, err := os.CreateTemp("", "zonectl-receipts-*.zreceipts")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	err = env.Repo.ReadFile(h, incomingFile, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, refuse(name, "%v", err)
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := Verify(env, f, name)
	if err != nil {
		return nil, err
	}
	// The incoming ref goes in the import's own transaction.
	v.consume = &gitstore.NamedRef{Name: name, Hash: h}
	return Stage(ctx, env, v)
}
