package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/filekind"
	"github.com/zonectl/zonectl/internal/importer"
	"github.com/zonectl/zonectl/internal/parts"
)

type importOptions struct {
	incoming bool
	status   bool
	discard  bool
	publish  []string // feeds to put the imported packages on
}

func newImportCommand(g *globals) *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import FILE | import INDEX|PART... | import --incoming",
		Short: "Verify a release bundle and stage it in the inbox",
		Long: `Verify a .zbundle and stage its release in the inbox for review and accept.
The bundle is refused, exit 3, with nothing written, unless: it is signed by a
peer this Space accepts releases from, with that peer's key valid when it
signed; its schema is one this zonectl reads; it is for this Space (name and
key); it has not expired; its sequence number is not older than the last
imported from that source; every file in it is one the manifest pins, with
the hash it pins, and nothing else; and its Git bundle holds what the
manifest pins. The same bundle again is a no-op that says so.

A bundle split into parts (zonectl promote --split) is imported from its
index, NAME.index (with NAME.index.asc beside it), and its parts,
NAME.part001 and on, given in any order and from any directories: only
parts, and the index beside them (or one staged here) is used; only the
index, and the parts beside it are. The index is verified as a manifest
is, then each part against it (a part renamed on its way is known by its
bytes, when given with the index); a part that does not match is refused,
exit 3, naming it, and never kept. Good parts are kept in the package
store (.parts/) until the set is complete, so the rest can come later,
from another medium: with parts missing, import says which and where to
find them by name, and exits 1. Once every part is there, the bundle is
streamed from them through the checks above, and the staged parts are
removed. --status shows what a split bundle still lacks, staging nothing;
--discard removes the parts staged for a set that will never be complete.

--incoming imports, the same way, every bundle connected peers pushed to
refs/zonectl/incoming/ (zonectl promote --push); each one imported is
removed from there, each one refused stays, and the command exits 3.`,
		RunE: func(cmd *cobra.Command, a []string) error {
			switch {
			case opts.incoming && len(a) > 0, !opts.incoming && len(a) == 0:
				return usagef(errors.New("give a bundle FILE, the index and parts of a split bundle, or --incoming for bundles pushed by connected peers"))
			case opts.status && (opts.incoming || !isSplit(a)):
				return usagef(errors.New("--status is for a split bundle: give its index or parts"))
			case opts.discard && (opts.incoming || opts.status || !isSplit(a)):
				return usagef(errors.New("--discard is for a split bundle: give its index or one of its parts, alone"))
			case len(a) > 1 && !isSplit(a):
				return usagef(errors.New("import one bundle FILE at a time; several files are the index and parts of one split bundle (NAME.index, NAME.part001, ...)"))
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			if err := g.checkCommitted(s.sp, "import"); err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			env := &importer.Env{Repo: s.sp.Repo, Signer: signer, Store: s.store, Author: s.who(), Now: time.Now()}
			if env.Publish, err = s.publisher(opts.publish); err != nil {
				return err
			}
			if opts.incoming {
				return g.importIncoming(cmd, env)
			}
			var files []string
			for _, f := range a {
				path, err := g.resolve(f)
				if err != nil {
					return err
				}
				files = append(files, path)
			}
			if opts.discard {
				return g.discardParts(env, files)
			}
			if isSplit(a) {
				return g.importParts(cmd.Context(), env, files, opts.status)
			}
			res, err := g.importFile(cmd.Context(), env, files[0])
			if err != nil {
				s.undoLocal()
				return err
			}
			return g.printImported(res, "", nil)
		},
	}
	cmd.Flags().BoolVar(&opts.incoming, "incoming", false, "import the bundles connected peers pushed")
	cmd.Flags().BoolVar(&opts.status, "status", false, "show which parts of a split bundle are staged and which are missing")
	cmd.Flags().BoolVar(&opts.discard, "discard", false, "remove the staged parts of a split bundle that will not be completed")
	cmd.Flags().StringSliceVar(&opts.publish, "publish", nil, "also put the imported packages on `FEED`'s registry, for deployments in this zone to pull (repeatable)")
	strictFlag(g, cmd)
	return cmd
}

// isSplit reports whether the files named are an index and parts: one of
// them at least is named so. The others may be parts renamed on their way,
// which the importer knows by their bytes.
func isSplit(files []string) bool {
	for _, f := range files {
		_, isIndex := parts.IsIndexName(f)
		_, _, isPart := parts.SplitPartName(filepath.Base(f))
		if isIndex || isPart {
			return true
		}
	}
	return false
}

// importFile imports one bundle file, showing how much of it has been
// read.
func (g *globals) importFile(ctx context.Context, env *importer.Env, file string) (*importer.Result, error) {
	if err := wrongKind(file, filekind.ReleaseBundle, "a release bundle"); err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	prog := newProgress(g.out, "importing "+filepath.Base(file), info.Size())
	env.Progress = prog.steps()
	res, err := importer.ImportReader(ctx, env, &progressReader{r: f, p: prog}, filepath.Base(file))
	prog.Done()
	return res, err
}

// importJSON is what import reports of an import in JSON.
func importJSON(res *importer.Result) map[string]any {
	m := res.Manifest
	doc := map[string]any{
		"project": m.Project, "version": m.Version, "source": m.Source.Space, "revision": m.Revision,
		"sequence": m.Sequence, "inbox_ref": res.InboxRef, "already_imported": res.Again,
		"packages_written": res.PackagesWritten, "signed_by": nil, "published": res.Published,
	}
	if res.Signer != nil {
		doc["signed_by"] = res.Signer.Fingerprint
	}
	return doc
}

// printImported reports an import; note, in text, is a line about the
// parts it came in, and extra, in JSON, joins the fields.
func (g *globals) printImported(res *importer.Result, note string, extra map[string]any) error {
	m := res.Manifest
	if g.out.json() {
		doc := importJSON(res)
		for k, v := range extra {
			doc[k] = v
		}
		return g.out.printJSON(doc)
	}
	if res.Again {
		g.out.printf("%s %s (revision %d) from %s is imported already; nothing to do.\n", vis(m.Project), vis(m.Version), m.Revision, vis(m.Source.Space))
		return nil
	}
	g.out.printf("Imported %s %s from %s (revision %d, sequence %d)\n", vis(m.Project), vis(m.Version), vis(m.Source.Space), m.Revision, m.Sequence)
	g.out.printf("  signed by  %s at %s\n", res.Signer.Fingerprint, res.Signer.Created.Format(time.RFC3339))
	g.out.printf("  inbox      %s\n", vis(res.InboxRef))
	g.out.printf("  packages   %d new in the store, %d in all\n", res.PackagesWritten, len(m.Packages))
	for _, p := range res.Published {
		g.out.printf("  published  %s %s at %s@%s\n", vis(p.ID), vis(p.Version), p.Repository, p.Digest)
	}
	if note != "" {
		g.out.printf("  parts      %s\n", note)
	}
	g.out.infof("Next: zonectl review %s %s, then zonectl accept %s %s\n", m.Project, m.Version, m.Project, m.Version)
	return nil
}

// progressReader counts the bytes read through it on a progress line.
type progressReader struct {
	r io.Reader
	p *progress
}

func (c *progressReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.Add(int64(n))
	return n, err
}

// importIncoming imports what connected peers pushed and reports each.
func (g *globals) importIncoming(cmd *cobra.Command, env *importer.Env) error {
	results, err := importer.ImportIncoming(cmd.Context(), env)
	if err != nil {
		return err
	}
	type line struct {
		Ref     string `json:"ref"`
		Project string `json:"project,omitempty"`
		Version string `json:"version,omitempty"`
		Source  string `json:"source,omitempty"`
		Result  string `json:"result"`
		Error   string `json:"error,omitempty"`
	}
	lines := []line{}
	refused := 0
	var failed error // the first import this machine failed, not the bundle
	for _, r := range results {
		l := line{Ref: r.Ref, Result: "imported"}
		if r.Result != nil {
			m := r.Result.Manifest
			l.Project, l.Version, l.Source = m.Project, m.Version, m.Source.Space
			if r.Result.Again {
				l.Result = "imported already"
			}
		}
		switch {
		case r.Err != nil && diskFull(r.Err) != nil:
			l.Result, l.Error = "failed", r.Err.Error()
			if failed == nil {
				failed = r.Err
			}
		case r.Err != nil:
			l.Result, l.Error = "refused", r.Err.Error()
			refused++
		}
		lines = append(lines, l)
	}
	if g.out.json() {
		if err := g.out.printJSON(lines); err != nil {
			return err
		}
	} else {
		if len(lines) == 0 {
			g.out.printf("No pushed bundles are waiting.\n")
		}
		for _, l := range lines {
			if l.Error != "" {
				g.out.printf("%s: %s: %s\n", vis(l.Ref), l.Result, vis(l.Error))
				continue
			}
			g.out.printf("%s: %s %s %s from %s\n", vis(l.Ref), l.Result, vis(l.Project), vis(l.Version), vis(l.Source))
		}
	}
	if failed != nil {
		return failed
	}
	if refused > 0 {
		return &failure{summary: "bundles refused", verification: true}
	}
	return nil
}

// wrongKind refuses a file that is plainly another kind than want (a
// receipts file, a package, a key), naming what it is and the command
// that takes it; a file it cannot tell is left to the command's checks.
func wrongKind(file string, want filekind.Kind, wantWords string) error {
	switch k := filekind.Sniff(file); k {
	case want, filekind.Unknown, filekind.Tar:
		return nil
	default:
		return usagef(fmt.Errorf("%s is not %s: it is %s", filepath.Base(file), wantWords, k.Describe()))
	}
}
