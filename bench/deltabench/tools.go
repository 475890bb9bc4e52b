package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// rsyncBlock is Octodiff's default chunk size, which the rsync batch is
// run at so that its size stands for what Octopus would send.
const rsyncBlock = 2048

// octodiffSigPerBlock is what an Octodiff signature holds per block of the
// basis: a 4-byte rolling checksum, a 20-byte SHA-1 and a 2-byte length.
// A delta round trip has to send the signature one way before the delta
// can come back, so its cost belongs beside the batch size.
const octodiffSigPerBlock = 4 + 20 + 2

// octodiffSignatureSize is the signature size for a basis of n bytes.
func octodiffSignatureSize(n int64) int64 {
	return (n + rsyncBlock - 1) / rsyncBlock * octodiffSigPerBlock
}

// pair is one basis → target case.
type pair struct {
	name          string
	basis, target corpusFile
}

// A codec is one way of making and applying a delta. plan lays out the
// commands for one pair, with its files under dir.
type codec struct {
	name string
	plan func(p pair, dir string) plan
}

type plan struct {
	encode, decode job
	delta          string // the file whose size is the delta's size
	out            string // the rebuilt target
}

// result is one codec on one pair.
type result struct {
	pair           pair
	codec          string
	deltaSize      int64
	encode, decode measurement
	note           string // e.g. ours' encoder statistics

	// failedAt is the step that failed (stageEncode, stageApply or
	// stageVerify) and err why; the figures of later steps are missing.
	failedAt string
	err      error
}

const (
	stageEncode = "encode"
	stageApply  = "apply"
	stageVerify = "verify" // the rebuilt file is not the target
)

// ok reports whether the result has every figure.
func (r result) ok() bool { return r.err == nil }

// externalTools are the programs the benchmark needs, with the Debian
// package that provides each.
var externalTools = []struct{ cmd, pkg string }{
	{"zstd", "zstd"},
	{"xdelta3", "xdelta3"},
	{"rsync", "rsync"},
	{"sha256sum", "coreutils"},
}

// checkTools fails naming every missing program and how to install it.
func checkTools() error {
	var missing, pkgs []string
	for _, t := range externalTools {
		if _, err := exec.LookPath(t.cmd); err != nil {
			missing = append(missing, t.cmd)
			pkgs = append(pkgs, t.pkg)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s not found on PATH; install with: sudo apt-get install %s (or run `make bench-delta`, which does when root)",
			strings.Join(missing, ", "), strings.Join(pkgs, " "))
	}
	return nil
}

// toolVersions returns each program's version line.
func toolVersions(ctx context.Context) []string {
	queries := [][]string{
		{"zstd", "--version"},
		{"xdelta3", "-V"}, // prints on stderr
		{"rsync", "--version"},
		{"sha256sum", "--version"},
	}
	var out []string
	for _, q := range queries {
		b, _ := exec.CommandContext(ctx, q[0], q[1:]...).CombinedOutput()
		line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		out = append(out, fmt.Sprintf("%s: %s", q[0], strings.TrimSpace(line)))
	}
	return out
}

// removing returns a prepare step that deletes paths, so that no tool
// needs a force flag and each run starts from the same state.
func removing(paths ...string) func() error {
	return func() error {
		for _, p := range paths {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// zstdCodec is `zstd -3 --patch-from`. zstd sizes its window to cover the
// target by itself when compressing (and turns on long mode), but its
// decoder refuses a window larger than the reference file ("Window size
// larger than maximum"), which is always so when v2 is larger than v1.
// --long=31 on the decoder only raises that limit; it changes nothing else.
func zstdCodec() codec {
	return codec{
		name: "zstd -3 --patch-from",
		plan: func(p pair, dir string) plan {
			d, out := filepath.Join(dir, "delta.zst"), filepath.Join(dir, "out")
			return plan{
				encode: job{argv: []string{"zstd", "-q", "-3", "--patch-from=" + p.basis.path, p.target.path, "-o", d}, prepare: removing(d)},
				decode: job{argv: []string{"zstd", "-q", "-d", "--long=31", "--patch-from=" + p.basis.path, d, "-o", out}, prepare: removing(out)},
				delta:  d,
				out:    out,
			}
		},
	}
}

// xdelta3Codec is xdelta3 with its defaults (a 64 MiB source window).
func xdelta3Codec() codec {
	return codec{
		name: "xdelta3",
		plan: func(p pair, dir string) plan {
			d, out := filepath.Join(dir, "delta.vcdiff"), filepath.Join(dir, "out")
			return plan{
				encode: job{argv: []string{"xdelta3", "-e", "-s", p.basis.path, p.target.path, d}, prepare: removing(d)},
				decode: job{argv: []string{"xdelta3", "-d", "-s", p.basis.path, d, out}, prepare: removing(out)},
				delta:  d,
				out:    out,
			}
		},
	}
}

// rsyncCodec writes an rsync batch at Octodiff's block size: the basis
// sits in a directory under the target's name, as on a receiver that
// already has the previous version, and the batch records what rsync
// would send to bring it up to date. Local rsync copies whole files
// unless told not to, hence --no-whole-file; -I because size and time
// could match. Applying replays the batch against another such directory.
func rsyncCodec() codec {
	return codec{
		name: "rsync batch 2 KiB",
		plan: func(p pair, dir string) plan {
			batch := filepath.Join(dir, "batch")
			name := filepath.Base(p.target.path)
			encDir, decDir := filepath.Join(dir, "enc"), filepath.Join(dir, "dec")
			return plan{
				encode: job{
					argv: []string{"rsync", "--only-write-batch=" + batch, fmt.Sprintf("--block-size=%d", rsyncBlock),
						"--no-whole-file", "-I", p.target.path, encDir + "/"},
					prepare: func() error {
						return errors.Join(removing(batch, batch+".sh", encDir)(), linkBasis(p.basis.path, encDir, name))
					},
				},
				decode: job{
					argv: []string{"rsync", "--read-batch=" + batch, decDir + "/"},
					prepare: func() error {
						return errors.Join(removing(decDir)(), linkBasis(p.basis.path, decDir, name))
					},
				},
				delta: batch,
				out:   filepath.Join(decDir, name),
			}
		},
	}
}

// linkBasis puts the basis in dir under name. A hard link costs nothing,
// and rsync replaces the file by renaming a new one over it, so the basis
// itself is never written.
func linkBasis(basis, dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.Link(basis, filepath.Join(dir, name))
}

// runCodec encodes and applies one pair, then checks the rebuilt file. A
// tool that fails or rebuilds the wrong bytes does not stop the
// benchmark: the failure is kept in the result and reported with the
// figures of the others.
func runCodec(ctx context.Context, rn runner, c codec, p pair, workDir string) result {
	r := result{pair: p, codec: c.name}
	fail := func(stage string, err error) result {
		r.failedAt, r.err = stage, err
		return r
	}
	dir := filepath.Join(workDir, strings.ReplaceAll(p.name, " ", "-"), strings.NewReplacer(" ", "_", "/", "_").Replace(c.name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(stageEncode, err)
	}
	pl := c.plan(p, dir)
	var err error
	if r.encode, err = rn.best(ctx, pl.encode); err != nil {
		return fail(stageEncode, err)
	}
	fi, err := os.Stat(pl.delta)
	if err != nil {
		return fail(stageEncode, err)
	}
	r.deltaSize = fi.Size()
	r.note = strings.TrimSpace(r.encode.stdout)
	if r.decode, err = rn.best(ctx, pl.decode); err != nil {
		return fail(stageApply, err)
	}
	if err := sameFile(pl.out, p.target.path); err != nil {
		return fail(stageVerify, err)
	}
	// The rebuilt file is as large as the target; keep only the delta.
	if err := os.Remove(pl.out); err != nil {
		return fail(stageVerify, err)
	}
	return r
}

// sameFile compares two files byte for byte and says where they first
// differ.
func sameFile(got, want string) error {
	fg, err := os.Open(got)
	if err != nil {
		return err
	}
	defer fg.Close()
	fw, err := os.Open(want)
	if err != nil {
		return err
	}
	defer fw.Close()
	rg, rw := bufio.NewReaderSize(fg, 1<<20), bufio.NewReaderSize(fw, 1<<20)
	bg, bw := make([]byte, 1<<20), make([]byte, 1<<20)
	var off int64
	for {
		ng, eg := io.ReadFull(rg, bg)
		nw, ew := io.ReadFull(rw, bw)
		if i := firstDiff(bg[:ng], bw[:nw]); i >= 0 {
			return fmt.Errorf("%q differs from %q at byte %d", got, want, off+int64(i))
		}
		off += int64(ng)
		gEnd := eg == io.EOF || eg == io.ErrUnexpectedEOF
		wEnd := ew == io.EOF || ew == io.ErrUnexpectedEOF
		if eg != nil && !gEnd {
			return eg
		}
		if ew != nil && !wEnd {
			return ew
		}
		if gEnd || wEnd {
			return nil // equal lengths, else firstDiff would have caught it
		}
	}
}

// firstDiff returns the first index where a and b differ, counting a
// length difference, or -1.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i += 4096 {
		j := min(i+4096, n)
		if !bytes.Equal(a[i:j], b[i:j]) {
			for k := i; k < j; k++ {
				if a[k] != b[k] {
					return k
				}
			}
		}
	}
	if len(a) != len(b) {
		return n
	}
	return -1
}
