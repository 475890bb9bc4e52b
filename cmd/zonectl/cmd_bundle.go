package main

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/gitstore/bundle"
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
type check struct {
	Name   string `json:"check"`
	Result string `json:"result"` // pass, fail, skipped
	Detail string `json:"detail,omitempty"`
}

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
			var checks []check
			add := func(name string, err error, ok string) {
				c := check{Name: name, Result: "pass", Detail: ok}
				if err != nil {
					c.Result, c.Detail = "fail", err.Error()
				}
				checks = append(checks, c)
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			r, err := zbundle.NewReader(f)
			add("tar: manifest.json and its signature first, only bundle members", err, "")
			if err != nil {
				return g.printInspection(nil, nil, checks)
			}
			m, err := zbundle.ParseManifest(r.Manifest())
			add("manifest: well-formed, schema supported", err, "")
			if err != nil {
				return g.printInspection(nil, nil, checks)
			}
			key, where, kerr := inspectionKey(g, keyFile, m.Source.Space)
			switch {
			case kerr != nil:
				add("signature by "+m.Source.Space, kerr, "")
			case key == nil:
				checks = append(checks, check{Name: "signature by " + m.Source.Space, Result: "skipped", Detail: "no key: pass --key FILE, or run inside a Space that has " + m.Source.Space + " as a peer"})
			default:
				_, sig, err := zbundle.OpenManifest(r.Manifest(), r.Signature(), keys.NewVerifier(openpgp.EntityList{key}))
				detail := ""
				if sig != nil {
					detail = fmt.Sprintf("key %s (%s), signed %s", sig.Fingerprint, where, sig.Created.Format(time.RFC3339))
				}
				add("signature by "+m.Source.Space, err, detail)
			}
			var expired error
			if !time.Now().Before(m.Expires) {
				expired = fmt.Errorf("expired at %s", m.Expires.Format(time.RFC3339))
			}
			add("not expired", expired, "until "+m.Expires.Format(time.RFC3339))
			members, err := r.Scan()
			if err == nil {
				err = zbundle.Check(m, members)
			}
			add("every member pinned by the manifest, with its hash, and nothing else", err, fmt.Sprintf("%d members", len(members)))
			add("Git bundle: references and prerequisites as pinned", inspectGit(path, m), "")
			return g.printInspection(m, members, checks)
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the source Space's armored public key `FILE`")
	return cmd
}

// inspectionKey finds the key to check the signature with: --key, else the
// source's peer block in the Space around, if any.
func inspectionKey(g *globals, keyFile, source string) (*openpgp.Entity, string, error) {
	if keyFile != "" {
		path, err := g.resolve(keyFile)
		if err != nil {
			return nil, "", err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", err
		}
		list, err := keys.ReadPublic(keyFile, data)
		if err != nil {
			return nil, "", err
		}
		return list[0], keyFile, nil
	}
	sp, err := g.openSpace()
	if err != nil {
		return nil, "", nil
	}
	cfg, _ := sp.Load()
	p := cfg.Peer(source)
	if p == nil {
		return nil, "", nil
	}
	list, err := keys.ReadPublic("public_key of peer "+p.Name, []byte(p.PublicKey))
	if err != nil {
		return nil, "", err
	}
	return list[0], "peer " + p.Name + " of this Space", nil
}

// inspectGit reads the Git bundle's header from the bundle file and holds
// it against the manifest.
func inspectGit(path string, m *zbundle.Manifest) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := zbundle.NewReader(f)
	if err != nil {
		return err
	}
	for {
		name, _, err := r.Next()
		if err != nil {
			return fmt.Errorf("no release.bundle member: %w", err)
		}
		if name == zbundle.GitBundleName {
			break
		}
	}
	hdr, err := bundle.ReadHeader(bufio.NewReader(r))
	if err != nil {
		return err
	}
	return m.Git.CheckHeader(hdr)
}

// printInspection writes the manifest's summary and the checks, and fails
// with exit 3 when one failed.
func (g *globals) printInspection(m *zbundle.Manifest, members []zbundle.Member, checks []check) error {
	failed := false
	for _, c := range checks {
		failed = failed || c.Result == "fail"
	}
	if g.out.json() {
		if err := g.out.printJSON(map[string]any{"manifest": m, "members": members, "checks": checks}); err != nil {
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
			g.out.printf("%s %s", mark, c.Name)
			if c.Detail != "" {
				g.out.printf(": %s", c.Detail)
			}
			g.out.printf("\n")
		}
	}
	if failed {
		return &failure{summary: "bundle check failed", verification: true}
	}
	return nil
}
