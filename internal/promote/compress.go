package promote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/ctxio"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// ZstdWindow is the window promote compresses packages with: the target
// needs that much memory to decompress, whatever the package's size.
const ZstdWindow = 8 << 20

// compressedMagic lists the openings of formats already compressed,
// which zstd would only make larger: gzip, zip (and .nupkg), zstd, xz,
// bzip2 and 7z.
var compressedMagic = [][]byte{
	{0x1f, 0x8b}, []byte("PK\x03\x04"), {0x28, 0xb5, 0x2f, 0xfd},
	{0xfd, '7', 'z', 'X', 'Z', 0}, []byte("BZh"), {'7', 'z', 0xbc, 0xaf, 0x27, 0x1c},
}

// compressWhole compresses a package that is not compressed already with
// zstd into a temporary file in dir. It returns no file for a package
// that is.
func compressWhole(ctx context.Context, st *store.Store, pk snapshot.PackageRef, dir string, progress meter.Progress) (zbundle.PackageData, string, error) {
	path, err := st.BlobPath(pk.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	src, err := os.Open(path)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	defer src.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(src, head)
	for _, m := range compressedMagic {
		if bytes.HasPrefix(head[:n], m) {
			return zbundle.PackageData{}, "", nil
		}
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return zbundle.PackageData{}, "", err
	}
	tmp, err := os.CreateTemp(dir, ".zstd-*")
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	h := sha256.New()
	cw := &meter.Writer{W: io.MultiWriter(tmp, h)}
	err = compressTo(ctx, cw, &meter.Reader{R: src, Add: progress.Step(fmt.Sprintf("compressing %s %s with zstd", pk.ID, pk.Version), pk.Size)})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return zbundle.PackageData{}, "", fmt.Errorf("compress package %s %s: %w", pk.ID, pk.Version, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return zbundle.PackageData{Kind: zbundle.DataZstd, Path: zbundle.PackagePath(sum), CompressedSize: cw.N, CompressedSHA256: sum}, tmp.Name(), nil
}

func compressTo(ctx context.Context, w io.Writer, r io.Reader) error {
	zw, err := zstd.NewWriter(w, zstd.WithWindowSize(ZstdWindow), zstd.WithEncoderConcurrency(2))
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, ctxio.NewReader(ctx, r)); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}
