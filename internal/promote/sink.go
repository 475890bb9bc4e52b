package promote

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/parts"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// A sink is where Build streams the bundle: one file, or parts cut as they
// are written. Nothing takes its final name until commit; abort removes
// what was written and does nothing after a commit.
type sink interface {
	Write(p []byte) (int, error)
	// commit makes the bundle whose manifest m (manifest.json's bytes:
	// data) has been written appear.
	commit(m *zbundle.Manifest, data []byte) error
	abort()
}

// Validate checks that the options can be written: Out, or its set of
// parts, is not there yet, and a part is not too small. Build checks again,
// but a caller that records the promotion first calls Validate before.
func (o BuildOptions) Validate() error {
	switch {
	case o.Out == "":
		return errors.New("no file to write the bundle to")
	case o.Split > 0 && o.Split < parts.MinSize:
		return fmt.Errorf("a part must be at least %d bytes (1 MiB); %d is too small", parts.MinSize, o.Split)
	}
	// The bundle is moved there once the promotion is recorded: a folder
	// missing then would leave a recorded promotion without its bundle.
	if fi, err := os.Stat(filepath.Dir(o.Out)); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: the folder %s does not exist; create it, or choose another --out", o.Out, filepath.Dir(o.Out))
	}
	switch {
	case o.Split > 0:
		return parts.CheckFree(o.Out)
	}
	if _, err := os.Lstat(o.Out); err == nil {
		return fmt.Errorf("%s exists; choose another --out or remove it", o.Out)
	}
	return nil
}

func newSink(opts BuildOptions, signer *keys.Signer) (sink, error) {
	if opts.Split > 0 {
		w, err := parts.Create(opts.Out, opts.Split)
		if err != nil {
			return nil, err
		}
		return &splitSink{w: w, signer: signer}, nil
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(opts.Out), "."+filepath.Base(opts.Out)+".*")
	if err != nil {
		return nil, err
	}
	return &fileSink{File: f, out: opts.Out}, nil
}

// fileSink writes the bundle to a temporary file that is linked to its
// name at the end.
type fileSink struct {
	*os.File
	out  string
	done bool
}

func (s *fileSink) commit(*zbundle.Manifest, []byte) error {
	if err := s.Sync(); err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	// A hard link never replaces a file that appeared meanwhile.
	if err := os.Link(s.Name(), s.out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while the bundle was written; it was left alone", s.out)
		}
		return err
	}
	return nil
}

func (s *fileSink) abort() {
	s.Close()
	os.Remove(s.Name())
}

// splitSink cuts the bundle into parts, and at the end signs their index
// with the key that signed the manifest.
type splitSink struct {
	w      *parts.Writer
	signer *keys.Signer
}

func (s *splitSink) Write(p []byte) (int, error) { return s.w.Write(p) }

func (s *splitSink) commit(m *zbundle.Manifest, data []byte) error {
	if err := s.w.Close(); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	x := &parts.Index{
		Source: m.Source, Target: m.Target, Project: m.Project, Version: m.Version,
		Revision: m.Revision, Sequence: m.Sequence, Expires: m.Expires,
		Bundle: s.w.Bundle(), ManifestSHA256: hex.EncodeToString(sum[:]),
		PartSize: s.w.PartSize(), Parts: s.w.Parts(),
	}
	idx, sig, err := parts.SealIndex(x, s.signer)
	if err != nil {
		return err
	}
	return s.w.Commit(idx, sig)
}

func (s *splitSink) abort() { s.w.Abort() }
