package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/dashboard"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/space"
)

func newDashboardCommand(g *globals) *cobra.Command {
	var project, htmlFile string
	cmd := &cobra.Command{
		Use:   "dashboard [--project P] [--html FILE]",
		Short: "Show each project's releases across its environments",
		Long: `Show projects × environments in lifecycle order: in each cell the release
deployed there now with its state, and the previous successful release.
--output json gives the same model.

--html FILE writes the same grid as one self-contained HTML page (inline
CSS, nothing loaded from the network), coloured by state, with each
deployment's details a click away; it stacks on narrow screens. With
--html the table or JSON model is not printed, only where the page went,
so a script's stdout says what it produced.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := g.openShared()
			if err != nil {
				return err
			}
			cfg, diags := sp.Load()
			if cfg.Space == nil {
				return fmt.Errorf("cannot read the Space: %s", diags.Error())
			}
			states, err := projectStates(sp, cfg)
			if err != nil {
				return err
			}
			m := dashboard.Build(cfg, states, project)
			if err := addReceipts(sp, cfg, m); err != nil {
				return err
			}
			if htmlFile != "" {
				return g.writeDashboardHTML(m, htmlFile)
			}
			if g.out.json() {
				return g.out.printJSON(m)
			}
			g.printDashboard(m)
			return nil
		},
	}
	cmd.Flags().StringVar(&project, "project", "", "show only `PROJECT`")
	cmd.Flags().StringVar(&htmlFile, "html", "", "write the dashboard as a self-contained HTML page to `FILE`")
	_ = cmd.RegisterFlagCompletionFunc("project", func(cmd *cobra.Command, _ []string, s string) ([]string, cobra.ShellCompDirective) {
		return completeProjects(g)(cmd, nil, s)
	})
	return cmd
}

// writeDashboardHTML writes the page to file (relative to -C, like every
// file argument) atomically, so a browser or web server never reads half
// a page, and says where it went.
func (g *globals) writeDashboardHTML(m *dashboard.Model, file string) error {
	var b bytes.Buffer
	if err := m.HTML(&b, time.Now()); err != nil {
		return err
	}
	path, err := g.resolve(file)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write the dashboard page %q: %w", file, err)
	}
	if g.out.json() {
		return g.out.printJSON(map[string]string{"html": file})
	}
	g.out.printf("Wrote %s\n", file)
	return nil
}

// printDashboard writes one table per project: a column per environment,
// a row for the release deployed there (current), one for the previous
// success, and one for a release on its way to a remote environment
// (pending: promoted, accepted or rejected there, not deployed yet); then
// a legend of the marks.
func (g *globals) printDashboard(m *dashboard.Model) {
	o := g.out
	o.printf("Space %s\n", m.Space)
	if len(m.Projects) == 0 {
		o.printf("\nNo projects.\n")
		return
	}
	for _, p := range m.Projects {
		o.printf("\n%s  (lifecycle %s)\n", o.paint(o.stdout, styleBold, p.Name), p.Lifecycle)
		head := []string{""}
		cur := []string{"current"}
		prev := []string{"previous"}
		pend := []string{"pending"}
		anyPending := false
		for _, c := range p.Cells {
			name := c.Environment
			if c.Remote {
				name += " @" + c.Space
			}
			head = append(head, name)
			cur = append(cur, cellText(c.Current))
			prev = append(prev, cellText(c.Previous))
			pend = append(pend, cellText(c.Pending))
			anyPending = anyPending || c.Pending != nil
		}
		rows := [][]string{head, cur, prev}
		if anyPending {
			rows = append(rows, pend)
		}
		var b strings.Builder
		writeTable(&b, rows)
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			o.printf("  %s\n", g.colorStates(line))
		}
	}
	o.printf("\n%s\n", g.colorStates(dashboardLegend))
}

// dashboardLegend says what the marks in the tables mean.
const dashboardLegend = "✓ deployed  ✗ failed  … waiting for approval  → promoted, not accepted there yet  + accepted there, not deployed yet  ✗ rejected  - nothing\n" +
	"current: what is deployed (in a remote environment, as its Space's signed receipts report); pending: on its way there"

func cellText(d *dashboard.Deployment) string {
	if d == nil {
		return "-"
	}
	mark := dashboard.Mark(d.State)
	if d.State == receipt.StateRejected {
		mark += " rejected" // ✗ alone would read as a failed deployment
	}
	s := d.Version + " " + mark
	if d.Tenant != "" {
		s += " (" + d.Tenant + ")"
	}
	return strings.TrimSpace(s)
}

// colorStates colours the state marks of a table line on a terminal.
func (g *globals) colorStates(line string) string {
	o := g.out
	if !o.colorOn(o.stdout) {
		return line
	}
	line = strings.ReplaceAll(line, "✓", styleGreen+"✓"+styleReset)
	line = strings.ReplaceAll(line, "✗", styleRed+"✗"+styleReset)
	return strings.ReplaceAll(line, "…", styleYellow+"…"+styleReset)
}

// projectStates reads the ledger's state of each project the dashboard
// shows: one document each, whatever the length of the history.
func projectStates(sp *space.Space, cfg *config.Space) (map[string]*ledger.ProjectState, error) {
	var names []string
	for _, p := range cfg.Projects {
		names = append(names, p.Name)
	}
	for _, im := range cfg.Imports {
		names = append(names, im.Project)
	}
	return ledger.ProjectsAt(sp.Repo, names)
}
