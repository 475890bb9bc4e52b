package gitstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// PushFileOptions says what file to send to a peer's repository, and
// where.
type PushFileOptions struct {
	URL       string // file://, git://, ssh:// or http(s)://
	Path      string // the file to send
	Name      string // its name in the commit's tree
	RemoteRef string // where it lands in the peer's repository
	LocalRef  string // a ref here that holds the commit while it is pushed
	Message   string
	Author    object.Signature
	Signer    Signer
	// Progress, if set, is told the bytes of the file read into the
	// push so far, of its size. The network half that follows reports
	// nothing: go-git packs the objects in memory and gives no count of
	// the bytes it sends.
	Progress func(done, total int64)
}

// PushFile sends one file to a peer's repository with Git: a signed commit
// whose tree holds just the file, pushed to opts.RemoteRef. It is how a
// connected Space hands over the same bundle file it would otherwise
// carry across an air gap; the local ref is removed afterwards.
func (r *Repo) PushFile(ctx context.Context, opts PushFileOptions) error {
	f, err := os.Open(opts.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	var src io.Reader = f
	if opts.Progress != nil {
		src = &countingReader{r: f, total: info.Size(), report: opts.Progress}
	}
	blob, err := r.WriteBlob(src, info.Size())
	if err != nil {
		return err
	}
	tree, err := r.TreeOf(opts.Name, blob)
	if err != nil {
		return err
	}
	commit, err := r.Commit(ctx, CommitOptions{Ref: opts.LocalRef, Tree: tree, Author: opts.Author, Signer: opts.Signer, Message: opts.Message})
	if err != nil {
		return err
	}
	defer r.DeleteRef(opts.LocalRef, commit)
	remote := git.NewRemote(r.repo.Storer, &gitconfig.RemoteConfig{Name: "zonectl-peer", URLs: []string{opts.URL}})
	err = remote.PushContext(ctx, &git.PushOptions{
		RemoteName: "zonectl-peer",
		RefSpecs:   []gitconfig.RefSpec{gitconfig.RefSpec(opts.LocalRef + ":" + opts.RemoteRef)},
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("push to %s: %w", opts.URL, err)
	}
	return nil
}

// ReadFile copies the file name from the tree of commit h to w: the
// receiving half of PushFile.
func (r *Repo) ReadFile(h plumbing.Hash, name string, w io.Writer) error {
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return fmt.Errorf("read commit %s: %w", h, err)
	}
	f, err := c.File(name)
	if err != nil {
		return fmt.Errorf("commit %s holds no %s", h, name)
	}
	rd, err := f.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	_, err = io.Copy(w, rd)
	return err
}

// countingReader reports the bytes read through it, of total.
type countingReader struct {
	r      io.Reader
	done   int64
	total  int64
	report func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.done += int64(n)
		c.report(c.done, c.total)
	}
	return n, err
}
