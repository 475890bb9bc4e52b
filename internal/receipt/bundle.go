package receipt

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/gitstore/bundle"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/ustar"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// ManifestSchema is the receipt bundle manifest's schema version.
var ManifestSchema = envelope.Schema{Major: 1, Minor: 0}

// Member names of a receipt bundle, an uncompressed tar like a release
// bundle, checkable with the same stock tools.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.json.asc"
	GitBundleName = "receipts.bundle"
)

// Manifest is the signed root of a receipt bundle: who reports to whom,
// how far the chain goes, and the Git bundle that carries it.
type Manifest struct {
	Source  zbundle.Peer `json:"source"` // the Space that deployed and signed the receipts
	Target  zbundle.Peer `json:"target"` // the Space whose releases they are
	Created time.Time    `json:"created"`
	// Tip is the newest receipt commit, at Position Last.
	Tip  string      `json:"tip"`
	Last int         `json:"last"`
	Git  zbundle.Git `json:"git"`
}

// ExportOptions says where a receipt bundle goes.
type ExportOptions struct {
	Peer        string // the source Space the receipts are for
	Fingerprint string // its key
	Out         string // the file to create; it must not exist
	// From is the ref whose chain is exported, Ref(Peer) when empty. A
	// Space shared by a team exports the chain as its remote holds it, so
	// that a receipt this clone recorded alone, which may yet be replayed
	// after others' (Replay), never leaves.
	From   string
	Now    time.Time
	Author object.Signature // who pushes, for Push
}

// Export writes the chain of receipts for a peer as a signed receipt
// bundle. The chain is small, so the Git bundle is always full: the
// source takes what it has not seen and ignores the rest.
func Export(ctx context.Context, repo *gitstore.Repo, signer *keys.Signer, self string, opts ExportOptions) (*Manifest, error) {
	from := opts.From
	if from == "" {
		from = Ref(opts.Peer)
	}
	chain, err := chainFrom(repo, from)
	if err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("no deployment of a release from %q has happened here: there are no receipts for it", opts.Peer)
	}
	if _, err := os.Lstat(opts.Out); err == nil {
		return nil, fmt.Errorf("%s exists; choose another --out or remove it", opts.Out)
	}
	tip := chain[len(chain)-1]
	var gitBuf bytes.Buffer
	hdr, err := bundle.Create(ctx, &gitBuf, repo.Git().Storer, bundle.CreateOptions{
		Refs: []bundle.Reference{{Name: Ref(opts.Peer), Hash: tip.Commit}},
	})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(gitBuf.Bytes())
	m := &Manifest{
		Source:  zbundle.Peer{Space: self, Fingerprint: signer.Fingerprint()},
		Target:  zbundle.Peer{Space: opts.Peer, Fingerprint: opts.Fingerprint},
		Created: opts.Now.UTC().Truncate(time.Second),
		Tip:     tip.Commit.String(), Last: tip.Position,
		Git: zbundle.Git{BundleSHA256: hex.EncodeToString(sum[:]), BundleSize: int64(gitBuf.Len()), ObjectFormat: "sha1",
			Refs: []zbundle.GitRef{}, Prerequisites: []string{}},
	}
	for _, r := range hdr.References {
		m.Git.Refs = append(m.Git.Refs, zbundle.GitRef{Name: r.Name, Hash: r.Hash.String()})
	}
	data, sig, err := envelope.Seal(m, envelope.TypeReceiptManifest, ManifestSchema, signer)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestName, data}, {SignatureName, sig}, {GitBundleName, gitBuf.Bytes()}} {
		if err := tw.WriteHeader(ustar.Header(f.name, int64(len(f.data)), m.Created)); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteNew(opts.Out, out.Bytes(), 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s appeared while the bundle was written; it was left alone", opts.Out)
		}
		return nil, err
	}
	return m, nil
}

// members reads a receipt bundle strictly: exactly its three members, in
// order, regular files of bounded size, in zonectl's tar dialect (package
// ustar), so that no byte of it can change unnoticed. It returns their
// bytes and their modification time, which is the manifest's creation
// time in a bundle as Export writes it.
func members(r io.Reader, name string) (map[string][]byte, time.Time, error) {
	tr := ustar.NewReader(r)
	out := map[string][]byte{}
	limits := map[string]int64{ManifestName: envelope.MaxSize, SignatureName: envelope.MaxSignatureSize, GitBundleName: 64 << 20}
	order := []string{ManifestName, SignatureName, GitBundleName}
	for i := 0; ; i++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, time.Time{}, tarRefusal(name, err)
		}
		if i >= len(order) || h.Name != order[i] {
			return nil, time.Time{}, refuse(name, "member %q is not one a receipt bundle holds, in its place (%s)", h.Name, order)
		}
		if h.Typeflag != tar.TypeReg || h.Size > limits[h.Name] {
			return nil, time.Time{}, refuse(name, "member %q is not a regular file within %d bytes", h.Name, limits[h.Name])
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, time.Time{}, tarRefusal(name, err)
		}
		out[h.Name] = data
	}
	if len(out) != len(order) {
		return nil, time.Time{}, refuse(name, "it lacks members: a receipt bundle holds %s", order)
	}
	return out, tr.ModTime(), nil
}

// tarRefusal refuses a bundle that is not a tar in zonectl's dialect; an
// error reading the file is returned as it is.
func tarRefusal(name string, err error) error {
	var te *ustar.Error
	if errors.As(err, &te) {
		return refuse(name, "not a receipt bundle as zonectl writes it: %v", err)
	}
	return err
}

func refuse(file, format string, args ...any) error {
	return refusal.Newf("receipt bundle "+file, format, args...)
}
