package main

// This is the only file that calls internal/delta. Its API is still
// moving (options may gain fields, Apply may gain an options argument);
// keeping every call here makes following it a one-file change.

import (
	"bufio"
	"context"
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
	oursEncodeCmd = "ours-encode" // BASIS TARGET OUT
	oursApplyCmd  = "ours-apply"  // BASIS DELTA OUT
)

// oursName is ours' name in the report.
const oursName = "ours"

// oursCodec runs internal/delta through self, the path of this binary.
func oursCodec(self string) codec {
	return codec{
		name: oursName,
		plan: func(p pair, dir string) plan {
			d, out := filepath.Join(dir, "delta"), filepath.Join(dir, "out")
			return plan{
				encode: job{argv: []string{self, oursEncodeCmd, p.basis.path, p.target.path, d}, prepare: removing(d)},
				decode: job{argv: []string{self, oursApplyCmd, p.basis.path, d, out}, prepare: removing(out)},
				delta:  d,
				out:    out,
			}
		},
	}
}

// oursEncode writes the delta from basis to target at out and prints the
// encoder's statistics on stdout, which the harness shows under the table.
func oursEncode(ctx context.Context, basisPath, targetPath, outPath string) error {
	basis, size, err := openSized(basisPath)
	if err != nil {
		return err
	}
	defer basis.Close()
	target, err := os.Open(targetPath)
	if err != nil {
		return err
	}
	defer target.Close()
	return writeFile(outPath, func(w io.Writer) error {
		st, err := delta.Encode(ctx, w, basis, size, bufio.NewReaderSize(target, 1<<20), delta.Options{})
		if err != nil {
			return err
		}
		fmt.Printf("copied %d B, inserted %d B in %d ops\n", st.Copied, st.Inserted, st.Ops)
		return nil
	})
}

// oursApply rebuilds the target at out. Apply checks the basis and the
// target SHA-256 itself, so the time includes verification.
func oursApply(ctx context.Context, basisPath, deltaPath, outPath string) error {
	basis, size, err := openSized(basisPath)
	if err != nil {
		return err
	}
	defer basis.Close()
	d, err := os.Open(deltaPath)
	if err != nil {
		return err
	}
	defer d.Close()
	return writeFile(outPath, func(w io.Writer) error {
		return delta.Apply(ctx, w, basis, size, bufio.NewReaderSize(d, 1<<20))
	})
}

func openSized(p string) (*os.File, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
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
