package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newValidateCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the Space's configuration and report every problem",
		Long: `Parse every HCL file of the Space and check the whole: syntax, unknown blocks
and attributes, duplicate names, broken references, lifecycle phases, variable
values that would tie, templates, plain-text secrets and keys.

Problems are printed with file:line:column and the source line. With
--output json they are printed as a JSON array for CI annotations. Exit
status: 0 when valid (warnings allowed), 1 when not, 2 for bad usage.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			cfg, diags := s.Validate()
			if g.out.json() {
				if err := g.out.printJSON(diagnosticsJSON(diags)); err != nil {
					return err
				}
			} else {
				g.out.printDiagnostics(g.out.stderr, diags, cfg.Files)
			}
			name := cfg.Name()
			if name == "" {
				name = s.Root()
			}
			if diags.HasErrors() {
				if !g.out.json() {
					g.out.infof("%s in Space %q.\n", countDiagnostics(diags), name)
				}
				return &failure{summary: "invalid configuration"}
			}
			if !g.out.json() {
				msg := fmt.Sprintf("Space %q is valid", name)
				if len(diags) > 0 {
					msg += fmt.Sprintf(" (%s)", plural(len(diags), "warning"))
				}
				g.out.printf("%s.\n", msg)
			}
			return nil
		},
	}
}
