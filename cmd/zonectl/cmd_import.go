package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/importer"
)

func newImportCommand(g *globals) *cobra.Command {
	var incoming bool
	cmd := &cobra.Command{
		Use:   "import FILE | import --incoming",
		Short: "Verify a release bundle and stage it in the inbox",
		Long: `Verify a .zbundle and stage its release in the inbox for review and accept.
The bundle is refused, exit 3, with nothing written, unless: it is signed by a
peer this Space accepts releases from, with that peer's key valid when it
signed; its schema is one this zonectl reads; it is for this Space (name and
key); it has not expired; its sequence number is not older than the last
imported from that source; every file in it is one the manifest pins, with
the hash it pins, and nothing else; and its Git bundle holds what the
manifest pins. The same bundle again is a no-op that says so.

--incoming imports, the same way, every bundle connected peers pushed to
refs/zonectl/incoming/ (zonectl promote --push); each one imported is
removed from there, each one refused stays, and the command exits 3.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if incoming == (len(a) == 1) {
				return usagef(errors.New("give a bundle FILE, or --incoming for bundles pushed by connected peers"))
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			env := &importer.Env{Repo: s.sp.Repo, Signer: signer, Store: s.store, Author: s.who(), Now: time.Now()}
			if incoming {
				return g.importIncoming(cmd, env)
			}
			file, err := g.resolve(a[0])
			if err != nil {
				return err
			}
			res, err := importer.Import(cmd.Context(), env, file)
			if err != nil {
				return err
			}
			m := res.Manifest
			if g.out.json() {
				return g.out.printJSON(map[string]any{
					"project": m.Project, "version": m.Version, "source": m.Source.Space, "revision": m.Revision,
					"sequence": m.Sequence, "inbox_ref": res.InboxRef, "already_imported": res.Again,
					"packages_written": res.PackagesWritten, "signed_by": res.Signer.Fingerprint,
				})
			}
			if res.Again {
				g.out.printf("%s %s (revision %d) from %s is imported already; nothing to do.\n", m.Project, m.Version, m.Revision, m.Source.Space)
				return nil
			}
			g.out.printf("Imported %s %s from %s (revision %d, sequence %d)\n", m.Project, m.Version, m.Source.Space, m.Revision, m.Sequence)
			g.out.printf("  signed by  %s at %s\n", res.Signer.Fingerprint, res.Signer.Created.Format(time.RFC3339))
			g.out.printf("  inbox      %s\n", res.InboxRef)
			g.out.printf("  packages   %d new in the store, %d in all\n", res.PackagesWritten, len(m.Packages))
			g.out.infof("Next: zonectl review %s %s, then zonectl accept %s %s\n", m.Project, m.Version, m.Project, m.Version)
			return nil
		},
	}
	cmd.Flags().BoolVar(&incoming, "incoming", false, "import the bundles connected peers pushed")
	return cmd
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
	for _, r := range results {
		l := line{Ref: r.Ref, Result: "imported"}
		if r.Result != nil {
			m := r.Result.Manifest
			l.Project, l.Version, l.Source = m.Project, m.Version, m.Source.Space
			if r.Result.Again {
				l.Result = "imported already"
			}
		}
		if r.Err != nil {
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
				g.out.printf("%s: refused: %s\n", l.Ref, l.Error)
				continue
			}
			g.out.printf("%s: %s %s %s from %s\n", l.Ref, l.Result, l.Project, l.Version, l.Source)
		}
	}
	if refused > 0 {
		return &failure{summary: "bundles refused", verification: true}
	}
	return nil
}
