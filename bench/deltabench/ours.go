package main

// This is the only file that calls internal/delta, so that following its
// API is a one-file change.
//
// Ours is given the basis's SHA-256, as zonectl gives it: the package
// store names blobs by their hash, so neither promote nor import hashes
// the basis again. Apply still checks the target's SHA-256, so its time
// includes that verification; zstd and xdelta3 check only their own
// checksums.

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/internal/delta"
)

// Hidden subcommands: the harness re-executes its own binary with these so
// that ours is timed and its peak memory read exactly like the other
// tools, as a child process.
const (
	oursEncodeCmd = "ours-encode" // BASIS BASIS-SHA256 TARGET OUT
	oursApplyCmd  = "ours-apply"  // BASIS BASIS-SHA256 DELTA OUT
)

// oursName is ours' name in the report.
const oursName = "ours"

// oursCodec runs internal/delta through self, the path of this binary.
func oursCodec(self string) codec {
	return codec{
		name: oursName,
		plan: func(p pair, dir string) plan {
			d, out := filepath.Join(dir, "delta"), filepath.Join(dir, "out")
			sum := hex.EncodeToString(p.basis.sum[:])
			return plan{
				encode: job{argv: []string{self, oursEncodeCmd, p.basis.path, sum, p.target.path, d}, prepare: removing(d)},
				decode: job{argv: []string{self, oursApplyCmd, p.basis.path, sum, d, out}, prepare: removing(out)},
				delta:  d,
				out:    out,
			}
		},
	}
}

// oursEncode writes the delta from basis to target at out and prints the
// encoder's statistics on stdout, which the harness shows under the table.
func oursEncode(ctx context.Context, basisPath, basisSum, targetPath, outPath string) error {
	basis, err := openBasis(basisPath, basisSum)
	if err != nil {
		return err
	}
	defer basis.R.(*os.File).Close()
	target, err := os.Open(targetPath)
	if err != nil {
		return err
	}
	defer target.Close()
	return writeFile(outPath, func(w io.Writer) error {
		st, err := delta.Encode(ctx, w, basis, bufio.NewReaderSize(target, 1<<20), delta.Options{})
		if err != nil {
			return err
		}
		fmt.Printf("copied %d B, inserted %d B in %d ops\n", st.Copied, st.Inserted, st.Ops)
		return nil
	})
}

// oursApply rebuilds the target at out. Apply checks the target's SHA-256
// itself, so the time includes verification.
func oursApply(ctx context.Context, basisPath, basisSum, deltaPath, outPath string) error {
	basis, err := openBasis(basisPath, basisSum)
	if err != nil {
		return err
	}
	defer basis.R.(*os.File).Close()
	d, err := os.Open(deltaPath)
	if err != nil {
		return err
	}
	defer d.Close()
	return writeFile(outPath, func(w io.Writer) error {
		return delta.Apply(ctx, w, basis, bufio.NewReaderSize(d, 1<<20))
	})
}

// openBasis opens the basis at p, whose SHA-256 is sum in hex.
func openBasis(p, sum string) (delta.Basis, error) {
	digest, err := hex.DecodeString(sum)
	if err != nil {
		return delta.Basis{}, fmt.Errorf("basis sha256 %q: %w", sum, err)
	}
	f, err := os.Open(p)
	if err != nil {
		return delta.Basis{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return delta.Basis{}, err
	}
	return delta.Basis{R: f, Size: fi.Size(), SHA256: digest}, nil
}

// writeFile creates p and hands fill a buffered writer to it.
func writeFile(p string, fill func(io.Writer) error) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
