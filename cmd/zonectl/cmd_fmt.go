package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/hcl/format"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/parallel"
	"github.com/zonectl/zonectl/internal/textdiff"
)

type fmtOptions struct {
	check bool
	diff  bool
}

func newFmtCommand(g *globals) *cobra.Command {
	var opts fmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [--check] [--diff] [FILE|DIR|-]...",
		Short: "Rewrite HCL files in the canonical format",
		Long: `Rewrite HCL files in the canonical format. With no arguments, every *.hcl file
of the Space; a directory means every *.hcl file under it; - formats standard
input to standard output.

A file with syntax errors is never rewritten: its errors are reported instead.
--check writes nothing and lists the files that would change, exiting 1 if
there are any (for CI). --diff prints what changes; with --check as well it
only prints.`,
		Args: args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runFmt(g, opts, a)
		},
	}
	cmd.Flags().BoolVar(&opts.check, "check", false, "write nothing; list files that are not formatted and exit 1 if any")
	cmd.Flags().BoolVar(&opts.diff, "diff", false, "print the changes as a unified diff")
	return cmd
}

// fmtResult is one file's outcome, as --output json prints it.
type fmtResult struct {
	File    string `json:"file"`
	Changed bool   `json:"changed"`
	Written bool   `json:"written"`
}

func runFmt(g *globals, opts fmtOptions, a []string) error {
	if len(a) == 1 && a[0] == "-" {
		return fmtStdin(g, opts)
	}
	files, err := fmtFiles(g, a)
	if err != nil {
		return err
	}
	results := []fmtResult{}
	var allDiags hcl.Diagnostics
	var srcs = map[string]*hcl.File{}
	changed := 0
	for i, one := range formatAll(files) {
		f, src, out, diags := files[i], one.src, one.out, one.diags
		if one.err != nil {
			return fmt.Errorf("read %s: %w", f.shown, one.err)
		}
		if diags.HasErrors() {
			allDiags = append(allDiags, diags...)
			srcs[f.shown] = &hcl.File{Bytes: src}
			continue
		}
		r := fmtResult{File: f.shown, Changed: string(out) != string(src)}
		if r.Changed {
			changed++
			if opts.diff && !g.out.json() {
				g.out.stdout.Write(textdiff.Unified(f.shown, f.shown, src, out))
			}
			if !opts.check {
				if err := atomicfile.Write(f.path, out, 0o644); err != nil {
					return fmt.Errorf("write %s: %w", f.shown, err)
				}
				r.Written = true
			}
			if !opts.diff && !g.out.json() {
				g.out.printf("%s\n", f.shown)
			}
		}
		results = append(results, r)
	}
	if g.out.json() {
		if err := g.out.printJSON(map[string]any{"files": results, "diagnostics": diagnosticsJSON(allDiags)}); err != nil {
			return err
		}
	} else {
		g.out.printDiagnostics(g.out.stderr, allDiags, srcs)
	}
	switch {
	case allDiags.HasErrors():
		if !g.out.json() {
			g.out.infof("Not formatted: %s; fix the syntax first.\n", plural(len(allDiags), "error"))
		}
		return &failure{summary: "syntax errors"}
	case opts.check && changed > 0:
		if !g.out.json() {
			g.out.infof("%s not formatted; run zonectl fmt.\n", plural(changed, "file"))
		}
		return &failure{summary: "files not formatted"}
	}
	return nil
}

func fmtStdin(g *globals, opts fmtOptions) error {
	src, err := io.ReadAll(g.out.stdin)
	if err != nil {
		return err
	}
	out, diags := format.Source("<stdin>", src)
	if diags.HasErrors() {
		g.out.printDiagnostics(g.out.stderr, diags, map[string]*hcl.File{"<stdin>": {Bytes: src}})
		return &failure{summary: "syntax errors"}
	}
	if opts.diff {
		g.out.stdout.Write(textdiff.Unified("<stdin>", "<stdin>", src, out))
	} else if !opts.check {
		g.out.stdout.Write(out)
	}
	if opts.check && string(out) != string(src) {
		return &failure{summary: "not formatted"}
	}
	return nil
}

type fmtFile struct {
	path  string // absolute
	shown string // as printed: relative to where the user is
}

// fmtFiles lists the files to format: the arguments, directories expanded
// to the *.hcl files under them, or the whole Space.
func fmtFiles(g *globals, a []string) ([]fmtFile, error) {
	wd, err := g.workDir()
	if err != nil {
		return nil, err
	}
	if len(a) == 0 {
		s, err := g.openSpace()
		if err != nil {
			return nil, err
		}
		a = []string{s.Root()}
	}
	var files []fmtFile
	seen := map[string]bool{}
	add := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		shown := p
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			shown = rel
		}
		files = append(files, fmtFile{path: p, shown: filepath.ToSlash(shown)})
	}
	for _, arg := range a {
		p := arg
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		info, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, usagef(fmt.Errorf("%s: no such file or directory", arg))
			}
			return nil, err
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".hcl") {
				add(path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].shown < files[j].shown })
	return files, nil
}

// formatted is one file read and formatted.
type formatted struct {
	src, out []byte
	diags    hcl.Diagnostics
	err      error // reading it
}

// formatAll reads and formats files on every core (each file on its
// own: fmt --check of a Space of thousands of files is mostly parsing),
// and returns the results in the files' order.
func formatAll(files []fmtFile) []formatted {
	out := make([]formatted, len(files))
	parallel.Each(len(files), func(i int) {
		r := &out[i]
		if r.src, r.err = os.ReadFile(files[i].path); r.err == nil {
			r.out, r.diags = format.Source(files[i].shown, r.src)
		}
	})
	return out
}
