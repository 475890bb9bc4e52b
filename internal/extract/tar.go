package extract

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/zonectl/zonectl/internal/ctxio"
)

// tar extracts a tar archive from r, gzip-compressed if gzipped.
func (x *extractor) tar(r io.Reader, gzipped bool) error {
	r = bufio.NewReaderSize(r, 64<<10)
	if gzipped {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("reading gzip stream: %w", err)
		}
		br := bufio.NewReaderSize(gz, 64<<10)
		head, err := br.Peek(blockSize)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading gzip stream: %w", err)
		}
		if !isTarBlock(head) {
			return fmt.Errorf("%w: gzip-compressed, but not a tar archive; the content looks like %s", ErrUnknownFormat, describe(head))
		}
		r = br
	}
	tr := tar.NewReader(r)
	for {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading tar: %w", err)
		}
		if err := x.tarEntry(hdr, tr); err != nil {
			return err
		}
	}
	if gzipped {
		// Read to the end of the gzip stream, which is where its checksum
		// is checked: a stream cut after the end of the tar archive, or
		// corrupted anywhere, is an error too.
		if _, err := io.Copy(io.Discard, ctxio.NewReader(x.ctx, r)); err != nil {
			return fmt.Errorf("reading gzip stream: %w", err)
		}
	}
	return nil
}

func (x *extractor) tarEntry(hdr *tar.Header, r io.Reader) error {
	mode := fs.FileMode(hdr.Mode).Perm()
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeCont:
		if isSparse(hdr) {
			return unsafeEntry(hdr.Name, "is a sparse file")
		}
		return x.file(hdr.Name, mode, hdr.Size, r)
	case tar.TypeDir:
		return x.dir(hdr.Name, mode)
	case tar.TypeSymlink:
		return x.symlink(hdr.Name, hdr.Linkname)
	case tar.TypeLink:
		return x.hardlink(hdr.Name, hdr.Linkname)
	case tar.TypeXGlobalHeader:
		return nil
	case tar.TypeGNUSparse:
		return unsafeEntry(hdr.Name, "is a sparse file")
	case tar.TypeChar, tar.TypeBlock:
		return unsafeEntry(hdr.Name, "is a device file")
	case tar.TypeFifo:
		return unsafeEntry(hdr.Name, "is a FIFO")
	}
	return unsafeEntry(hdr.Name, "has the unsupported tar entry type %q", hdr.Typeflag)
}

// isSparse reports whether hdr describes a PAX-format GNU sparse file,
// whose holes the tar reader would fill with zeros: a small archive could
// then claim terabytes.
func isSparse(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}
