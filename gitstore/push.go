package gitstore

import (
	"bufio"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"

	"github.com/zonectl/zonectl/gitstore/packfmt"
)

// PushFileOptions says what file to send to a peer's repository, and
// where.
type PushFileOptions struct {
	URL       string // file://, git://, ssh:// or http(s)://
	Path      string // the file to send
	Name      string // its name in the commit's tree
	RemoteRef string // where it lands in the peer's repository
	Message   string
	Author    object.Signature
	Signer    Signer
	// Progress, if set, is told how far each step has gone: storing the
	// file as a Git object, then sending it, each in bytes of the file's
	// size. Sending is counted as the pack is written to the wire, a
	// buffer ahead of what the peer has received.
	Progress func(step string, done, total int64)
}

// PushFile sends one file to a peer's repository with Git: a signed commit
// whose tree holds just the file, pushed to opts.RemoteRef. It is how a
// connected Space hands over the same bundle file it would otherwise
// carry across an air gap. The commit is on no local ref.
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
	// The commit goes on no local ref: it exists to be sent, and a ref
	// would be one more thing a crash could leave behind.
	commit, err := r.WriteCommit(CommitOptions{Ref: opts.RemoteRef, Tree: tree, Author: opts.Author, Signer: opts.Signer, Message: opts.Message}, plumbing.ZeroHash)
	if err != nil {
		return err
	}
	sending := func(done, total int64) { report("sending "+opts.Name+" to "+opts.URL, done, total) }
	if err := r.sendFile(ctx, opts.URL, opts.RemoteRef, []plumbing.Hash{commit, tree, blob}, info.Size(), sending); err != nil {
		return fmt.Errorf("push to %s: %w", opts.URL, err)
	}
	return nil
}

// sendFile updates ref at url to objs[0], sending objs (a commit, its
// tree and the one blob that tree holds, whose size is blobSize) in a
// pack of its own rather than go-git's: go-git deflates every entry at
// zlib's default level, 20 MB/s on this machine, for bundles whose
// packages are compressed already. Here each entry is a stored zlib
// stream, so a push runs at the speed of the disk and the wire, and the
// blob streams from disk as it is sent.
func (r *Repo) sendFile(ctx context.Context, url, ref string, objs []plumbing.Hash, blobSize int64, report func(done, total int64)) error {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return err
	}
	c, err := client.NewClient(ep)
	if err != nil {
		return err
	}
	sess, err := c.NewReceivePackSession(ep, nil)
	if err != nil {
		return err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return err
	}
	refs, err := adv.AllReferences()
	if err != nil {
		return err
	}
	old := plumbing.ZeroHash
	if have, err := refs.Reference(plumbing.ReferenceName(ref)); err == nil {
		old = have.Hash()
	}
	if old == objs[0] {
		return nil
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	req.Commands = []*packp.Command{{Name: plumbing.ReferenceName(ref), Old: old, New: objs[0]}}
	pr, pw := io.Pipe()
	req.Packfile = pr
	done := make(chan error, 1)
	go func() {
		err := r.writePack(pw, objs, blobSize, report)
		pw.CloseWithError(err)
		done <- err
	}()
	status, err := sess.ReceivePack(ctx, req)
	pr.CloseWithError(errors.New("the push ended"))
	packErr := <-done
	if err != nil {
		return err
	}
	if packErr != nil {
		return packErr
	}
	if status != nil {
		return status.Error()
	}
	return nil
}

// writePack writes a pack of objs, each entry a stored zlib stream; the
// blob's bytes are counted to report as they go.
func (r *Repo) writePack(w io.Writer, objs []plumbing.Hash, blobSize int64, report func(done, total int64)) error {
	sum := sha1.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 256<<10)
	if _, err := bw.Write(packfmt.Header(uint32(len(objs)))); err != nil {
		return err
	}
	zw, err := zlib.NewWriterLevel(bw, zlib.NoCompression)
	if err != nil {
		return err
	}
	for _, h := range objs {
		o, err := r.repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return fmt.Errorf("object %s: %w", h, err)
		}
		rd, err := o.Reader()
		if err != nil {
			return fmt.Errorf("object %s: %w", h, err)
		}
		var src io.Reader = rd
		if o.Type() == plumbing.BlobObject {
			src = &countingReader{r: rd, total: blobSize, report: report}
		}
		if _, err := bw.Write(packfmt.EntryHeader(o.Type(), o.Size())); err != nil {
			rd.Close()
			return err
		}
		zw.Reset(bw)
		_, err = io.Copy(zw, src)
		rd.Close()
		if err != nil {
			return fmt.Errorf("object %s: %w", h, err)
		}
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(sum.Sum(nil))
	return err
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
		c.report(min(c.done, c.total), c.total)
	}
	return n, err
}
