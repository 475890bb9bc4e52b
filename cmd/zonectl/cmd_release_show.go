package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
)

func newReleaseShowCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "show PROJECT VERSION",
		Short:             "Show a release: its packages, process and variables as snapshotted",
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeReleases(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			sp, err := g.openShared()
			if err != nil {
				return err
			}
			l, err := release.Load(sp.Repo, a[0], a[1])
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(releaseJSON(l))
			}
			showRelease(g.out.stdout, l)
			return nil
		},
	}
}

// showRelease writes a release as a reader reviews it. Every string from
// the snapshot goes through snapshot.Visible, so nothing can hide in it,
// and sensitive values are masked.
func showRelease(w io.Writer, l *release.Loaded) {
	r := l.Release
	v := snapshot.Visible
	fmt.Fprintf(w, "Release %s %s\n", v(r.Project), v(r.Version))
	fmt.Fprintf(w, "  commit     %s (%s)\n", l.Commit, l.Ref)
	fmt.Fprintf(w, "  created    %s by %s\n", r.Created.Format("2006-01-02 15:04:05 MST"), v(r.CreatedBy))
	fmt.Fprintf(w, "  source     %s at %s\n", v(r.SourceRef), r.SourceCommit)
	fmt.Fprintf(w, "  lifecycle  %s\n", v(r.Lifecycle))
	if r.Snapshots > 0 {
		fmt.Fprintf(w, "  variables  re-snapshotted %d time(s), last from %s\n", r.Snapshots, r.VariablesCommit)
	}
	if r.Notes != "" {
		fmt.Fprintf(w, "  notes      %s\n", v(r.Notes))
	}
	fmt.Fprintf(w, "\nPackages\n")
	for _, p := range r.Packages {
		fmt.Fprintf(w, "  %s %s  sha256 %s  %s\n", v(p.ID), v(p.Version), p.SHA256, humanBytes(p.Size))
	}
	fmt.Fprintf(w, "\nProcess\n")
	for i, st := range l.Process.Steps {
		showStep(w, i+1, st)
	}
	showVariables(w, l.Variables)
}

// showStep writes step n of the process: its action, when it runs, and
// what it does.
func showStep(w io.Writer, n int, st snapshot.Step) {
	v := snapshot.Visible
	fmt.Fprintf(w, "  %d. %s  [%s]\n", n, v(st.Name), st.Action())
	if when := stepWhen(st); len(when) > 0 {
		fmt.Fprintf(w, "     %s\n", strings.Join(when, "; "))
	}
	switch {
	case st.RunScript != nil:
		fmt.Fprintf(w, "     %s script:\n", st.RunScript.Syntax)
		for _, line := range strings.Split(strings.TrimRight(st.RunScript.Body, "\n"), "\n") {
			fmt.Fprintf(w, "       | %s\n", v(line))
		}
	case st.DeployPackage != nil:
		fmt.Fprintf(w, "     package %s to %s", v(st.DeployPackage.Package), v(st.DeployPackage.Destination))
		if len(st.DeployPackage.Substitute) > 0 {
			fmt.Fprintf(w, ", substituting %s", v(strings.Join(st.DeployPackage.Substitute, ", ")))
		}
		fmt.Fprintln(w)
	case st.ManualIntervention != nil:
		fmt.Fprintf(w, "     instructions: %s\n", v(st.ManualIntervention.Instructions))
	}
}

// stepWhen lists what decides whether a step runs, beyond running after
// steps that succeeded.
func stepWhen(st snapshot.Step) []string {
	v := snapshot.Visible
	var when []string
	if len(st.Environments) > 0 {
		when = append(when, "environments "+v(strings.Join(st.Environments, ", ")))
	}
	if len(st.ExcludedEnvironments) > 0 {
		when = append(when, "not in "+v(strings.Join(st.ExcludedEnvironments, ", ")))
	}
	if len(st.TenantTags) > 0 {
		when = append(when, "tenants tagged "+v(strings.Join(st.TenantTags, ", ")))
	}
	if st.Condition != "success" {
		c := "condition " + st.Condition
		if st.ConditionExpression != "" {
			c += " " + v(st.ConditionExpression)
		}
		when = append(when, c)
	}
	if st.Required {
		when = append(when, "required")
	}
	if st.Disabled {
		when = append(when, "disabled")
	}
	if st.Timeout != "" {
		when = append(when, "timeout "+st.Timeout)
	}
	return when
}

// showVariables writes the release's variables, sensitive values masked,
// and the templates a target Space fills in.
func showVariables(w io.Writer, vars snapshot.Variables) {
	v := snapshot.Visible
	fmt.Fprintf(w, "\nVariables\n")
	for _, vr := range vars.Variables {
		label := v(vr.Name)
		if vr.Sensitive {
			label += " (sensitive)"
		}
		fmt.Fprintf(w, "  %s\n", label)
		for _, val := range vr.Values {
			shown := v(fmt.Sprintf("%q", val.Value))
			if vr.Sensitive {
				shown = maskText
			}
			fmt.Fprintf(w, "    %s  %s\n", shown, scopeText(val.Scope))
		}
	}
	if len(vars.Templates) == 0 {
		return
	}
	fmt.Fprintf(w, "\nVariable templates\n")
	for _, t := range vars.Templates {
		req := "required"
		if !t.Required {
			req = "optional"
		}
		fmt.Fprintf(w, "  %s  %s, per %s, %s", v(t.Name), t.Type, t.Per, req)
		if t.Default != nil && t.Type != "sensitive" {
			fmt.Fprintf(w, ", default %s", v(fmt.Sprintf("%q", *t.Default)))
		}
		fmt.Fprintln(w)
	}
}

func scopeText(s snapshot.Scope) string {
	var parts []string
	for _, d := range []struct {
		name  string
		names []string
	}{{"environment", s.Environment}, {"tenant", s.Tenant}, {"tenant tag", s.TenantTag}, {"step", s.Step}, {"channel", s.Channel}} {
		if len(d.names) > 0 {
			shown := make([]string, len(d.names))
			for i, n := range d.names {
				shown[i] = snapshot.Visible(strings.Join(strings.Fields(n), " "))
			}
			parts = append(parts, d.name+" "+strings.Join(shown, ", "))
		}
	}
	if len(parts) == 0 {
		return "(unscoped)"
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func newReleaseDiffCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "diff PROJECT V1 V2",
		Short:             "Show what differs between two releases",
		Args:              args(cobra.ExactArgs(3)),
		ValidArgsFunction: completeReleases(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			sp, err := g.openShared()
			if err != nil {
				return err
			}
			old, err := release.Load(sp.Repo, a[0], a[1])
			if err != nil {
				return err
			}
			cur, err := release.Load(sp.Repo, a[0], a[2])
			if err != nil {
				return err
			}
			d := snapshot.Compare(
				snapshot.Side{Process: &old.Process, Variables: &old.Variables, Packages: old.Release.Packages},
				snapshot.Side{Process: &cur.Process, Variables: &cur.Variables, Packages: cur.Release.Packages},
			)
			if g.out.json() {
				return g.out.printJSON(d)
			}
			if d.Empty() {
				g.out.printf("%s %s and %s do not differ.\n", old.Release.Project, a[1], a[2])
				return nil
			}
			g.out.printf("%s %s → %s\n\n", old.Release.Project, a[1], a[2])
			d.Text(g.out.stdout)
			return nil
		},
	}
}
