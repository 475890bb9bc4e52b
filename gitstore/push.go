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
	"github.com/go-git/go-git/v5/storage"
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
	// Progress, if set, is told how far each step has gone: storing the
	// file as a Git object, then sending it, each in bytes of the file's
	// size. Sending is counted as go-git reads the object to pack it for
	// the wire, a buffer ahead of what the peer has received.
	Progress func(step string, done, total int64)
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
	report := opts.Progress
	if report == nil {
		report = func(string, int64, int64) {}
	}
	src := &countingReader{r: f, total: info.Size(), report: func(done, total int64) { report("storing "+opts.Name+" for the push", done, total) }}
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
	sending := func(done, total int64) { report("sending "+opts.Name+" to "+opts.URL, done, total) }
	counted := &sendCounter{Storer: r.repo.Storer, blob: blob, size: info.Size(), report: sending}
	remote := git.NewRemote(counted, &gitconfig.RemoteConfig{Name: "zonectl-peer", URLs: []string{opts.URL}})
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

// sendCounter is the repository as a push sees it, counting the bytes of
// one blob as go-git reads them to pack them for the wire: the only
// measure of a push's progress go-git allows.
type sendCounter struct {
	storage.Storer
	blob   plumbing.Hash
	size   int64
	report func(done, total int64)
}

func (s *sendCounter) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := s.Storer.EncodedObject(t, h)
	if err != nil || h != s.blob {
		return o, err
	}
	return &countedObject{EncodedObject: o, s: s}, nil
}

type countedObject struct {
	plumbing.EncodedObject
	s *sendCounter
}

func (o *countedObject) Reader() (io.ReadCloser, error) {
	r, err := o.EncodedObject.Reader()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&countingReader{r: r, total: o.s.size, report: o.s.report}, r}, nil
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
		c.report(min(c.done, c.total), c.total)
	}
	return n, err
}
