package extract

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxLinkTarget bounds the target of a symbolic link stored in a zip,
// where it is the entry's content.
const maxLinkTarget = 4096

// zip extracts the zip archive f. Names with backslashes, as some Windows
// tools write them, are read with the backslashes as separators.
func (x *extractor) zip(f *os.File) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, info.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // insecure paths are refused below
		return fmt.Errorf("reading zip: %w", err)
	}
	for _, zf := range zr.File {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if err := x.zipEntry(zf); err != nil {
			return err
		}
	}
	return nil
}

func (x *extractor) zipEntry(zf *zip.File) error {
	name := strings.ReplaceAll(zf.Name, `\`, "/")
	mode := zf.Mode()
	switch {
	case mode.IsDir() || strings.HasSuffix(name, "/"):
		return x.dir(name, mode)
	case mode&fs.ModeSymlink != 0:
		target, err := readZip(zf, maxLinkTarget)
		if err != nil {
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
		return x.symlink(name, string(target))
	case mode.IsRegular():
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
		defer rc.Close()
		return x.file(name, mode, int64(min(zf.UncompressedSize64, 1<<62)), rc)
	case mode&fs.ModeNamedPipe != 0:
		return unsafeEntry(zf.Name, "is a FIFO")
	case mode&fs.ModeDevice != 0:
		return unsafeEntry(zf.Name, "is a device file")
	}
	return unsafeEntry(zf.Name, "has the unsupported file mode %v", mode)
}

// readZip reads the content of zf, at most limit bytes of it.
func readZip(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("symbolic link target longer than %d bytes", limit)
	}
	return b, nil
}
