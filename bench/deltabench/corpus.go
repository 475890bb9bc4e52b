package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// The corpus is built from what every Go installation has, so that it is
// realistic (real machine code, real source text) without shipping
// hundreds of MiB: the toolchain's binaries and its source tree are the
// same bytes for a given Go version and platform. Everything else comes
// from seeded PRNGs. The SHA-256s printed with the results say whether two
// runs used the same corpus.

// Shares of the corpus size, as a release of a service might look.
const (
	binaryShare = 0.35
	textShare   = 0.35 // assets take the rest
)

// changedShare is the fraction of files that differ in v2.
const changedShare = 0.02

// patchStride is the distance between patched spots in a patched binary:
// relinking changes addresses all through the file, a few bytes at a time.
const patchStride = 64 << 10

// fixedTime is every entry's mtime, so that archives are reproducible.
var fixedTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

type entryKind int

const (
	kindBinary entryKind = iota
	kindText
	kindAsset
)

// entry is one file of a package version. Unchanged entries of v2 share
// their data with v1.
type entry struct {
	name string
	mode int64
	kind entryKind
	data []byte
}

// corpusOptions say what to build. goroot and toolDir are the sources of
// real files (`go env GOROOT`, `go env GOTOOLDIR`).
type corpusOptions struct {
	size    int64
	seed    uint64
	goroot  string
	toolDir string
}

func (o corpusOptions) Validate() error {
	if o.size < 64<<10 {
		return fmt.Errorf("corpus size %d is below the 64 KiB minimum", o.size)
	}
	if o.goroot == "" || o.toolDir == "" {
		return errors.New("corpus needs GOROOT and GOTOOLDIR")
	}
	return nil
}

// changes describe how v2 differs from v1.
type changes struct {
	filesV1, filesV2 int
	textEdited       int
	binariesPatched  []string
	patchedSpots     int
	assetsReplaced   int
	assetsInserted   int
}

func (c changes) changedFiles() int {
	return c.textEdited + len(c.binariesPatched) + c.assetsReplaced + c.assetsInserted
}

// corpusFile is one generated archive.
type corpusFile struct {
	name string // v1.tar, v2.tar, ...
	path string
	size int64
	sum  [sha256.Size]byte
}

type corpus struct {
	dir     string
	files   []corpusFile
	changes changes
}

// file returns the generated archive called name.
func (c *corpus) file(name string) corpusFile {
	for _, f := range c.files {
		if f.name == name {
			return f
		}
	}
	panic("corpus has no " + name)
}

// generateCorpus writes v1.tar, v2.tar, v2-reversed.tar, v1.zip and
// v2.zip into dir.
func generateCorpus(opts corpusOptions, dir string) (*corpus, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	v1, err := buildV1(opts)
	if err != nil {
		return nil, err
	}
	v2, ch := buildV2(v1, opts.seed)
	v2r := slices.Clone(v2)
	slices.Reverse(v2r)

	outputs := []struct {
		name    string
		entries []entry
		write   func(io.Writer, []entry) error
	}{
		{"v1.tar", v1, writeTar},
		{"v2.tar", v2, writeTar},
		{"v2-reversed.tar", v2r, writeTar},
		{"v1.zip", v1, writeZip},
		{"v2.zip", v2, writeZip},
	}
	// Deflate dominates generation time; the archives are independent.
	c := &corpus{dir: dir, changes: ch, files: make([]corpusFile, len(outputs))}
	errs := make([]error, len(outputs))
	var wg sync.WaitGroup
	for i, o := range outputs {
		wg.Go(func() {
			c.files[i], errs[i] = writeArchive(filepath.Join(dir, o.name), o.entries, o.write)
			c.files[i].name = o.name
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// buildV1 assembles the first version: binaries, then assets, then source,
// as a package's directory tree would list them.
func buildV1(opts corpusOptions) ([]entry, error) {
	binBudget := int64(float64(opts.size) * binaryShare)
	textBudget := int64(float64(opts.size) * textShare)
	assetBudget := opts.size - binBudget - textBudget

	bins, err := binaries(opts.goroot, opts.toolDir, binBudget)
	if err != nil {
		return nil, err
	}
	text, err := sourceText(filepath.Join(opts.goroot, "src"), textBudget)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.seed, 1))
	assets := randomAssets(rng, assetBudget)
	return slices.Concat(bins, assets, text), nil
}

// binaries takes the Go toolchain's executables in a fixed order, repeating
// them when the budget is larger than the toolchain and truncating the last
// one to fit.
func binaries(goroot, toolDir string, budget int64) ([]entry, error) {
	var paths []string
	for _, dir := range []string{filepath.Join(goroot, "bin"), toolDir} {
		des, err := os.ReadDir(dir) // sorted by name
		if err != nil {
			return nil, err
		}
		for _, de := range des {
			if de.Type().IsRegular() {
				paths = append(paths, filepath.Join(dir, de.Name()))
			}
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no binaries in %q or %q", filepath.Join(goroot, "bin"), toolDir)
	}
	var out []entry
	var total int64
	for round := 0; total < budget; round++ {
		for _, p := range paths {
			if total >= budget {
				break
			}
			data, err := readUpTo(p, budget-total)
			if err != nil {
				return nil, err
			}
			name := path.Join("app/bin", filepath.Base(p))
			if round > 0 {
				name = fmt.Sprintf("%s-%d", name, round+1)
			}
			out = append(out, entry{name: name, mode: 0o755, kind: kindBinary, data: data})
			total += int64(len(data))
		}
	}
	return out, nil
}

// readUpTo reads at most n bytes of the file at p.
func readUpTo(p string, n int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// sourceText takes text files from the Go source tree in lexical walk
// order until the budget is spent. Files that are not UTF-8 or hold a NUL
// (test fixtures, archives) are skipped: they are not source text.
func sourceText(srcDir string, budget int64) ([]entry, error) {
	var out []entry
	var total int64
	for round := 0; total < budget; round++ {
		before := total
		err := filepath.WalkDir(srcDir, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if total >= budget {
				return fs.SkipAll
			}
			if !de.Type().IsRegular() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if len(data) == 0 || !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
				return nil
			}
			if total+int64(len(data)) > budget {
				return fs.SkipAll
			}
			rel, _ := filepath.Rel(srcDir, p)
			name := path.Join("app/src", filepath.ToSlash(rel))
			if round > 0 {
				name = path.Join(fmt.Sprintf("app/src-%d", round+1), filepath.ToSlash(rel))
			}
			out = append(out, entry{name: name, mode: 0o644, kind: kindText, data: data})
			total += int64(len(data))
			return nil
		})
		if err != nil {
			return nil, err
		}
		if total == before {
			break // budget smaller than the next file: close enough
		}
	}
	return out, nil
}

// randomAssets fills the budget with assets of 1/16 to 1 times the largest
// size (an eighth of the budget, at most 4 MiB), half of them noise (like
// already-compressed media) and half semi-compressible.
func randomAssets(rng *rand.Rand, budget int64) []entry {
	maxSize := min(max(budget/8, 4<<10), 4<<20)
	var out []entry
	var total int64
	for i := 0; total < budget; i++ {
		n := min(maxSize/16+rng.Int64N(maxSize-maxSize/16), budget-total)
		out = append(out, newAsset(rng, fmt.Sprintf("app/share/assets/asset-%04d", i), n))
		total += n
	}
	return out
}

// newAsset makes an asset of n bytes named base plus an extension that
// says which kind it is: noise (.bin) or low-entropy (.dat), at random.
func newAsset(rng *rand.Rand, base string, n int64) entry {
	if rng.IntN(2) == 0 {
		return entry{name: base + ".bin", mode: 0o644, kind: kindAsset, data: noise(rng, n)}
	}
	return entry{name: base + ".dat", mode: 0o644, kind: kindAsset, data: lowEntropy(rng, n)}
}

// replaceAsset gives e new content of the same kind and size, as a new
// build of the same image would.
func replaceAsset(rng *rand.Rand, e *entry) {
	if path.Ext(e.name) == ".bin" {
		e.data = noise(rng, int64(len(e.data)))
	} else {
		e.data = lowEntropy(rng, int64(len(e.data)))
	}
}

// noise is incompressible: ChaCha8 output seeded from rng.
func noise(rng *rand.Rand, n int64) []byte {
	var seed [32]byte
	for i := range 4 {
		putUint64(seed[i*8:], rng.Uint64())
	}
	b := make([]byte, n)
	rand.NewChaCha8(seed).Read(b)
	return b
}

// lowEntropy draws every byte from a 16-symbol alphabet: 4 bits of entropy
// per byte, so any entropy coder halves it but LZ matching finds little.
func lowEntropy(rng *rand.Rand, n int64) []byte {
	var alphabet [16]byte
	for i := range alphabet {
		alphabet[i] = byte(rng.IntN(256))
	}
	b := make([]byte, n)
	for i := 0; i < len(b); {
		v := rng.Uint64()
		for j := 0; j < 16 && i < len(b); j, i = j+1, i+1 {
			b[i] = alphabet[v&15]
			v >>= 4
		}
	}
	return b
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// buildV2 derives the next version: about changedShare of the text files
// edited, the largest binary patched every patchStride bytes, some assets
// replaced and new ones inserted. Everything else is identical and in the
// same order.
func buildV2(v1 []entry, seed uint64) ([]entry, changes) {
	rng := rand.New(rand.NewPCG(seed, 2))
	v2 := slices.Clone(v1)
	ch := changes{filesV1: len(v1)}
	share := func(n int) int { return max(1, int(float64(n)*changedShare+0.5)) }

	byKind := func(k entryKind) []int {
		var idx []int
		for i, e := range v2 {
			if e.kind == k {
				idx = append(idx, i)
			}
		}
		return idx
	}

	if text := byKind(kindText); len(text) > 0 {
		for _, j := range pick(rng, len(text), share(len(text))) {
			e := &v2[text[j]]
			e.data = editText(rng, e.data)
			ch.textEdited++
		}
	}

	if bins := byKind(kindBinary); len(bins) > 0 {
		largest := bins[0]
		for _, i := range bins {
			if len(v2[i].data) > len(v2[largest].data) {
				largest = i
			}
		}
		e := &v2[largest]
		var spots int
		e.data, spots = patchBinary(rng, e.data)
		ch.binariesPatched = append(ch.binariesPatched, path.Base(e.name))
		ch.patchedSpots += spots
	}

	if assets := byKind(kindAsset); len(assets) > 0 {
		for _, j := range pick(rng, len(assets), share(len(assets))) {
			replaceAsset(rng, &v2[assets[j]])
			ch.assetsReplaced++
		}
		// Insert after randomly chosen assets, last position first so
		// that earlier indexes stay valid.
		at := pick(rng, len(assets), share(len(assets)))
		slices.Sort(at)
		maxSize := len(v2[assets[0]].data)
		for _, i := range assets {
			maxSize = max(maxSize, len(v2[i].data))
		}
		for k := len(at) - 1; k >= 0; k-- {
			i := assets[at[k]] + 1
			e := newAsset(rng, fmt.Sprintf("app/share/assets/asset-new-%04d", k), int64(1+rng.IntN(maxSize)))
			v2 = slices.Insert(v2, i, e)
			ch.assetsInserted++
		}
	}
	ch.filesV2 = len(v2)
	return v2, ch
}

// pick returns k distinct indexes below n.
func pick(rng *rand.Rand, n, k int) []int {
	return rng.Perm(n)[:min(k, n)]
}

// editText inserts a few lines at one place and deletes a few at another,
// so that everything after the first edit moves.
func editText(rng *rand.Rand, data []byte) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	var added [][]byte
	for range 1 + rng.IntN(5) {
		added = append(added, fmt.Appendf(nil, "\t// changed in v2: %016x\n", rng.Uint64()))
	}
	lines = slices.Insert(lines, rng.IntN(len(lines)+1), added...)
	if n := 1 + rng.IntN(5); len(lines) > n+len(added) {
		at := rng.IntN(len(lines) - n)
		lines = slices.Delete(lines, at, at+n)
	}
	return bytes.Join(lines, nil)
}

// patchBinary changes two 4-byte words in every patchStride bytes, as
// relinking moves addresses. It returns the new bytes and the number of
// words changed.
func patchBinary(rng *rand.Rand, data []byte) ([]byte, int) {
	out := bytes.Clone(data)
	spots := 0
	for off := 0; off < len(out); off += patchStride {
		end := min(off+patchStride, len(out))
		for range 2 {
			if end-off < 4 {
				break
			}
			p := off + rng.IntN(end-off-3)
			for i := range 4 {
				out[p+i] ^= byte(1 + rng.IntN(255))
			}
			spots++
		}
	}
	return out, spots
}
