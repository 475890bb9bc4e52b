package promote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zonectl/zonectl/internal/delta"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// packageData decides how a package the target lacks travels, taking the
// smallest of:
//
//   - a delta against the newest version of the same package the target
//     has, when that is in the store. When both versions are gzip files
//     and this zonectl can rebuild the new one byte for byte from its
//     content, the delta is of their content: a raw delta of compressed
//     bytes finds little after the first change;
//   - the package compressed on its own with zstd, when it is not
//     compressed already and no delta is a quarter of its size or less;
//   - the package whole.
//
// A delta or compressed package is only used when under 90% of the
// package's size: otherwise the target rebuilds it for little gain. Its
// bytes are in a temporary file in dir, whose name is returned.
func packageData(ctx context.Context, st *store.Store, pk snapshot.PackageRef, known map[string]snapshot.PackageRef, dir string, progress meter.Progress) (zbundle.PackageData, string, error) {
	c := &choice{best: zbundle.PackageData{Kind: zbundle.DataWhole, Path: zbundle.PackagePath(pk.SHA256)}, bestSize: pk.Size, limit: pk.Size * 9 / 10}
	var basis *snapshot.PackageRef
	for _, k := range known {
		if strings.EqualFold(k.ID, pk.ID) && st.Has(k.SHA256) && (basis == nil || semver.Newer(k.Version, basis.Version)) {
			k := k
			basis = &k
		}
	}
	if basis != nil && pk.Size > 0 {
		d := &deltaJob{st: st, pk: pk, basis: *basis, dir: dir, progress: progress}
		defer d.close()
		data, file, err := d.content(ctx)
		if err != nil {
			return zbundle.PackageData{}, "", err
		}
		if file == "" {
			if data, file, err = d.raw(ctx); err != nil {
				return zbundle.PackageData{}, "", err
			}
		}
		c.consider(data, file, data.DeltaSize)
	}
	if c.file == "" || c.bestSize*4 > pk.Size {
		data, file, err := compressWhole(ctx, st, pk, dir, progress)
		if err != nil {
			c.drop()
			return zbundle.PackageData{}, "", err
		}
		c.consider(data, file, data.CompressedSize)
	}
	return c.best, c.file, nil
}

// choice keeps the smallest way for a package to travel, removing the
// temporary files of the others.
type choice struct {
	best     zbundle.PackageData
	file     string
	bestSize int64
	limit    int64 // the most a delta or compressed package may be
}

func (c *choice) consider(data zbundle.PackageData, file string, size int64) {
	if file == "" {
		return
	}
	if size > c.limit || size >= c.bestSize {
		os.Remove(file)
		return
	}
	c.drop()
	c.best, c.file, c.bestSize = data, file, size
}

func (c *choice) drop() {
	if c.file != "" {
		os.Remove(c.file)
	}
}

// deltaJob makes the delta of one package against its basis.
type deltaJob struct {
	st        *store.Store
	pk, basis snapshot.PackageRef
	dir       string
	progress  meter.Progress
	temps     []string // removed by close
}

// name says what the delta is for, in progress steps.
func (d *deltaJob) name() string {
	return fmt.Sprintf("%s %s against %s", d.pk.ID, d.pk.Version, d.basis.Version)
}

func (d *deltaJob) close() {
	for _, t := range d.temps {
		os.Remove(t)
	}
}

// raw makes a delta of the package's bytes as they are.
func (d *deltaJob) raw(ctx context.Context) (zbundle.PackageData, string, error) {
	bf, err := d.open(d.basis.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	defer bf.Close()
	target, err := d.open(d.pk.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	defer target.Close()
	basisSum, err := hex.DecodeString(d.basis.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", fmt.Errorf("package %s %s: bad sha256 %q in the store", d.basis.ID, d.basis.Version, d.basis.SHA256)
	}
	// The store names blobs by their hash, so the basis need not be
	// hashed again; Apply checks the target's own hash anyway.
	counted := &meter.Reader{R: target, Add: d.progress.Step("delta of "+d.name(), d.pk.Size)}
	return d.encode(ctx, zbundle.DataDelta, delta.Basis{R: bf, Size: d.basis.Size, SHA256: basisSum}, counted, nil)
}

// content makes a delta of the uncompressed contents, when both versions
// are gzip files and the new one can be rebuilt exactly; it returns no
// file when they cannot.
func (d *deltaJob) content(ctx context.Context) (zbundle.PackageData, string, error) {
	target, err := d.open(d.pk.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	defer target.Close()
	bf, err := d.open(d.basis.SHA256)
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	defer bf.Close()
	var magic [3]byte
	if _, err := bf.ReadAt(magic[:], 0); err != nil || !recompress.IsGzip(magic[:]) {
		return zbundle.PackageData{}, "", nil
	}
	d.progress.Step(fmt.Sprintf("looking for the encoder that made %s %s", d.pk.ID, d.pk.Version), 0)
	params, ok, err := recompress.Detect(ctx, target, d.pk.Size)
	if err != nil || !ok {
		// A package that does not decompress cleanly still travels, as
		// raw bytes; the receiver never needs to read inside it.
		return zbundle.PackageData{}, "", ctx.Err()
	}
	// The basis content is read at random by the matcher: unpack it to a
	// temporary file. A basis that is not a clean gzip gives no content.
	bc, err := os.CreateTemp(d.dir, ".basis-content-*")
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	d.temps = append(d.temps, bc.Name())
	defer bc.Close()
	unpacking := &meter.Reader{R: io.NewSectionReader(bf, 0, d.basis.Size), Add: d.progress.Step(fmt.Sprintf("unpacking %s %s", d.basis.ID, d.basis.Version), d.basis.Size)}
	size, err := recompress.Decompress(bc, unpacking)
	if err != nil {
		return zbundle.PackageData{}, "", nil
	}
	// Progress counts the compressed bytes read: the content's size is
	// known only at its end.
	compressed := &meter.Reader{R: io.NewSectionReader(target, 0, d.pk.Size), Add: d.progress.Step("content delta of "+d.name(), d.pk.Size)}
	pr, pw := io.Pipe()
	go func() {
		_, err := recompress.Decompress(pw, compressed)
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return d.encode(ctx, zbundle.DataContentDelta, delta.Basis{R: bc, Size: size}, pr, &params)
}

// encode writes the delta of target against basis to a temporary file.
func (d *deltaJob) encode(ctx context.Context, kind zbundle.DataKind, basis delta.Basis, target io.Reader, rebuild *recompress.Params) (zbundle.PackageData, string, error) {
	tmp, err := os.CreateTemp(d.dir, ".delta-*")
	if err != nil {
		return zbundle.PackageData{}, "", err
	}
	h := sha256.New()
	stats, err := delta.Encode(ctx, io.MultiWriter(tmp, h), basis, target, delta.Options{})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return zbundle.PackageData{}, "", fmt.Errorf("delta of package %s %s against %s: %w", d.pk.ID, d.pk.Version, d.basis.Version, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return zbundle.PackageData{
		Kind: kind, Path: zbundle.PackagePath(sum), DeltaSize: stats.DeltaSize, DeltaSHA256: sum,
		Basis:   &zbundle.Basis{ID: d.basis.ID, Version: d.basis.Version, SHA256: d.basis.SHA256, Size: d.basis.Size},
		Rebuild: rebuild,
	}, tmp.Name(), nil
}

func (d *deltaJob) open(sum string) (*os.File, error) {
	path, err := d.st.BlobPath(sum)
	if err != nil {
		return nil, err
	}
	return os.Open(path)
}
