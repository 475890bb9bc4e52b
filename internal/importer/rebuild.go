package importer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/delta"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// rebuild applies a package's delta to its basis in the store and puts
// the result in the store, where it becomes visible only once it hashes to
// what the manifest pins. A content delta applies to the basis's
// uncompressed content, unpacked to a temporary file in tmp, and the
// result is compressed back as the manifest's rebuild settings say.
func rebuild(ctx context.Context, env *Env, p zbundle.Package, deltaPath, tmp, source string) error {
	basisPath, err := env.Store.BlobPath(p.Data.Basis.SHA256)
	if err != nil {
		return err
	}
	basisFile, err := os.Open(basisPath)
	if err != nil {
		return err
	}
	defer basisFile.Close()
	d, err := os.Open(deltaPath)
	if err != nil {
		return err
	}
	defer d.Close()

	var basis delta.Basis
	switch p.Data.Kind {
	case zbundle.DataDelta:
		// The store names its blobs by hash, and the basis was picked by
		// its name: Apply need not read it twice. A blob damaged on disk
		// still cannot slip through, as the rebuilt package must hash to
		// the manifest.
		sum, err := hex.DecodeString(p.Data.Basis.SHA256)
		if err != nil {
			return fmt.Errorf("basis sha256 %q: %w", p.Data.Basis.SHA256, err)
		}
		basis = delta.Basis{R: basisFile, Size: p.Data.Basis.Size, SHA256: sum}
	case zbundle.DataContentDelta:
		content, err := os.CreateTemp(tmp, "basis-content-*")
		if err != nil {
			return err
		}
		defer content.Close()
		size, err := recompress.Decompress(content, basisFile)
		if err != nil {
			return fmt.Errorf("the delta applies to the content of %s %s, which does not decompress: %w", p.Data.Basis.ID, p.Data.Basis.Version, err)
		}
		basis = delta.Basis{R: content, Size: size}
	default:
		return fmt.Errorf("data of kind %q is not a delta", p.Data.Kind)
	}

	pr, pw := io.Pipe()
	go func() {
		if p.Data.Kind == zbundle.DataDelta {
			pw.CloseWithError(delta.Apply(ctx, pw, basis, d))
			return
		}
		cr, cw := io.Pipe()
		go func() { cw.CloseWithError(delta.Apply(ctx, cw, basis, d)) }()
		err := recompress.Rebuild(pw, cr, *p.Data.Rebuild)
		cr.CloseWithError(err)
		pw.CloseWithError(err)
	}()
	built := &meter.Reader{R: pr, Add: env.Progress.Step(fmt.Sprintf("rebuilding %s %s from %s", p.ID, p.Version, p.Data.Basis.Version), p.Size)}
	err = env.Store.PutBlob(ctx, built, p.SHA256, p.Size)
	pr.CloseWithError(err)
	var integrity *store.IntegrityError
	if p.Data.Kind == zbundle.DataContentDelta && errors.As(err, &integrity) {
		r := p.Data.Rebuild
		return fmt.Errorf("its content was rebuilt, but compressing it again here does not give the package's bytes (%w): the sender compressed with %s, and this zonectl's %s is %s; ask %s for a bundle made with --full, which carries the package whole",
			err, r.Describe(), r.Encoder, recompress.EncoderVersion(r.Encoder), source)
	}
	return err
}

// maxZstdWindow bounds the memory a compressed package may ask of the
// decoder; promote compresses with an 8 MiB window.
const maxZstdWindow = 64 << 20

// unpacker decompresses a package sent compressed with zstd as its
// bundle member is read, into a file of its own beside the extracted
// ones: the compressed member is never written, so the package's bytes
// are written once. The file counts for nothing until the member has
// passed its hash check and the package its own (store.PutFile).
type unpacker struct {
	pw   *io.PipeWriter
	done chan error
}

// newUnpacker starts decompressing into path what is written to it, at
// most size bytes of output: a frame that decodes to more, or to less,
// fails Close.
func newUnpacker(path string, size int64) (*unpacker, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	u := &unpacker{pw: pw, done: make(chan error, 1)}
	go func() {
		err := unzstd(f, pr, size)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		// On an error the writer stops at its next Write.
		pr.CloseWithError(err)
		u.done <- err
	}()
	return u, nil
}

func (u *unpacker) Write(p []byte) (int, error) { return u.pw.Write(p) }

// Close ends the input and waits for the output to be complete.
func (u *unpacker) Close() error {
	u.pw.Close()
	return <-u.done
}

// unzstd writes to w the size bytes the zstd stream r decodes to, with the
// decoder's memory bounded whatever the stream claims.
func unzstd(w io.Writer, r io.Reader, size int64) error {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderMaxMemory(uint64(size)+maxZstdWindow))
	if err != nil {
		return err
	}
	defer zr.Close()
	n, err := io.Copy(w, io.LimitReader(zr, size+1))
	switch {
	case err != nil:
		return fmt.Errorf("decompressing: %w", err)
	case n != size:
		return fmt.Errorf("it decompresses to %d bytes or more, and the package is %d", n, size)
	}
	return nil
}
