package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/importer"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/zbundle"
)

func newBundleCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Look inside release bundles",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newBundleInspectCommand(g))
	return cmd
}

// check is one line of an inspection.
func newBundleInspectCommand(g *globals) *cobra.Command {
	var keyFile string
	cmd := &cobra.Command{
		Use:   "inspect FILE [--key FILE]",
		Short: "Show what a .zbundle holds and whether each check passes",
		Long: `Show a release bundle's manifest and members and run the checks import would,
without touching any Space: the tar's shape, the manifest, the signature (with
the source's public key from --key, or from the peer block of the Space the
command runs in, when there is one), expiry, every member's hash, and the Git
bundle's references and prerequisites. Exit 3 when a check fails.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			path, err := g.resolve(a[0])
			if err != nil {
				return err
			}
			opts := importer.InspectOptions{Now: time.Now()}
			if keyFile != "" {
				if opts.Key, err = readKeyFile(g, keyFile); err != nil {
					return err
				}
				opts.KeyWhere = keyFile
			} else if sp, err := g.openSpace(); err == nil {
				opts.Space, _ = sp.Load()
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			in := importer.Inspect(cmd.Context(), f, filepath.Base(path), opts)
			return g.printInspection(in)
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the source Space's armored public key `FILE`")
	return cmd
}

// readKeyFile reads the public key --key names.
func readKeyFile(g *globals, keyFile string) (*openpgp.Entity, error) {
	path, err := g.resolve(keyFile)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	list, err := keys.ReadPublic(keyFile, data)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// printInspection writes the manifest's summary and the checks, and fails
// with exit 3 when one failed.
func (g *globals) printInspection(in *importer.Inspection) error {
	m, checks := in.Manifest, in.Findings
	if g.out.json() {
		if err := g.out.printJSON(map[string]any{"manifest": m, "members": in.Members, "checks": checks}); err != nil {
			return err
		}
	} else {
		if m != nil {
			g.out.printf("Release bundle: %s %s from %s to %s (revision %d, sequence %d)\n", m.Project, m.Version, m.Source.Space, m.Target.Space, m.Revision, m.Sequence)
			g.out.printf("  source key  %s\n  target key  %s\n  created     %s\n  expires     %s\n", m.Source.Fingerprint, m.Target.Fingerprint, m.Created.Format(time.RFC3339), m.Expires.Format(time.RFC3339))
			for _, r := range m.Git.Refs {
				g.out.printf("  git ref     %s %s\n", r.Name, r.Hash)
			}
			for _, p := range m.Git.Prerequisites {
				g.out.printf("  builds on   %s\n", p)
			}
			for _, p := range m.Packages {
				kind := string(p.Data.Kind)
				switch {
				case p.Data.IsDelta():
					kind = fmt.Sprintf("%s of %s against %s", kind, humanBytes(p.Data.DeltaSize), p.Data.Basis.Version)
				case p.Data.Kind == zbundle.DataZstd:
					kind = fmt.Sprintf("zstd, %s", humanBytes(p.Data.CompressedSize))
				}
				g.out.printf("  package     %s %s  sha256 %s  %s  (%s)\n", p.ID, p.Version, p.SHA256, humanBytes(p.Size), kind)
			}
			g.out.printf("\n")
		}
		for _, c := range checks {
			mark := map[string]string{"pass": "ok  ", "fail": "FAIL", "skipped": "skip"}[c.Result]
			g.out.printf("%s %s", mark, c.Check)
			if c.Detail != "" {
				g.out.printf(": %s", c.Detail)
			}
			g.out.printf("\n")
		}
	}
	if in.Failed() {
		return &failure{summary: "bundle check failed", verification: true}
	}
	return nil
}
