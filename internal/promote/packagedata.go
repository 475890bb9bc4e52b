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
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// packageData decides how a package the target lacks travels: as a delta
// against the newest version of the same package the target has, when
// one is in the store and the delta is clearly smaller, else whole. When
// both versions are gzip files and this zonectl can rebuild the new one
// byte for byte from its content, the delta is of their content: a raw
// delta of compressed bytes finds little after the first change. A delta
// is written to a temporary file in dir, whose name is returned.
func packageData(ctx context.Context, st *store.Store, pk snapshot.PackageRef, known map[string]snapshot.PackageRef, dir string) (zbundle.PackageData, string, error) {
	whole := zbundle.PackageData{Kind: zbundle.DataWhole, Path: zbundle.PackagePath(pk.SHA256)}
	var basis *snapshot.PackageRef
	for _, k := range known {
		if strings.EqualFold(k.ID, pk.ID) && st.Has(k.SHA256) && (basis == nil || semver.Newer(k.Version, basis.Version)) {
			k := k
			basis = &k
		}
	}
	if basis == nil || pk.Size == 0 {
		return whole, "", nil
	}
	d := &deltaJob{st: st, pk: pk, basis: *basis, dir: dir}
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
	// Not worth it unless clearly smaller: the target then rebuilds the
	// package from its basis for little gain.
	if data.DeltaSize*10 >= pk.Size*9 {
		os.Remove(file)
		return whole, "", nil
	}
	return data, file, nil
}

// deltaJob makes the delta of one package against its basis.
type deltaJob struct {
	st        *store.Store
	pk, basis snapshot.PackageRef
	dir       string
	temps     []string // removed by close
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
	return d.encode(ctx, zbundle.DataDelta, delta.Basis{R: bf, Size: d.basis.Size, SHA256: basisSum}, target, nil)
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
	size, err := recompress.Decompress(bc, io.NewSectionReader(bf, 0, d.basis.Size))
	if err != nil {
		return zbundle.PackageData{}, "", nil
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := recompress.Decompress(pw, io.NewSectionReader(target, 0, d.pk.Size))
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
