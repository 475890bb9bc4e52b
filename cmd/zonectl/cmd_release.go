package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

func newReleaseCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Create, list, show and compare releases",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newReleaseCreateCommand(g), newReleaseListCommand(g), newReleaseShowCommand(g),
		newReleaseDiffCommand(g), newReleaseSnapshotCommand(g))
	return cmd
}

type releaseCreateOptions struct {
	version  string
	packages []string
	notes    string
	ref      string
	noDeploy bool
}

func newReleaseCreateCommand(g *globals) *cobra.Command {
	var opts releaseCreateOptions
	cmd := &cobra.Command{
		Use:   "create PROJECT --version V [--package ID=VERSION]... [--notes TEXT] [--ref REF]",
		Short: "Snapshot a project as a new signed release",
		Long: `Snapshot a project as a new release: its process and variables as REF (default
main) has them, and every package it deploys pinned by hash — the version
given with --package, else the highest in the package store. The release is a
signed commit at refs/zonectl/releases/PROJECT/VERSION. A version is never
created twice: the same version from the same commit with the same packages
(a CI job run again) is a no-op that says so; from anything else, an error
naming who made it and when. The lifecycle's automatic environments are then
deployed, here, unless --no-deploy leaves them to zonectl deploy (in CI, on
the runners of each environment).`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeProjects(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			if _, err := semver.Parse(opts.version); err != nil {
				return usagef(fmt.Errorf("release version %q: %w", opts.version, err))
			}
			pins := map[string]string{}
			for _, p := range opts.packages {
				id, v, ok := strings.Cut(p, "=")
				if !ok || id == "" || v == "" {
					return usagef(fmt.Errorf("--package %q is not ID=VERSION", p))
				}
				pins[id] = v
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			if err := g.checkCommitted(s.sp, "release create", projectScope(a[0])...); err != nil {
				return err
			}
			env, err := s.releaseEnv()
			if err != nil {
				return err
			}
			// The claim is held until the automatic deployments end: a run
			// that finds it free and the release made but never deployed
			// knows the run that made it was interrupted, and finishes it.
			unclaim, err := release.Claim(cmd.Context(), env.Repo, a[0], opts.version)
			if err != nil {
				return err
			}
			defer unclaim()
			l, err := release.Create(cmd.Context(), env, release.CreateOptions{
				Project: a[0], Version: opts.version, Ref: opts.ref, Packages: pins, Notes: opts.notes,
				Now: time.Now(), Author: s.who(), Resume: true,
			})
			if err != nil {
				return g.releaseError(err)
			}
			g.printCreated(l, opts.noDeploy)
			return g.deployCreated(cmd.Context(), s, l, opts.noDeploy)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.version, "version", "", "the release's SemVer `VERSION`")
	f.StringArrayVar(&opts.packages, "package", nil, "pin a package: `ID=VERSION` (repeatable)")
	f.StringVar(&opts.notes, "notes", "", "release notes")
	f.StringVar(&opts.ref, "ref", "main", "the branch, tag or commit to snapshot")
	f.BoolVar(&opts.noDeploy, "no-deploy", false, "leave the automatic deployments to zonectl deploy")
	_ = cmd.MarkFlagRequired("version")
	strictFlag(g, cmd)
	return cmd
}

// deployCreated runs the automatic deployments of a release create made,
// or of one an interrupted run made, unless --no-deploy leaves them to
// zonectl deploy.
func (g *globals) deployCreated(ctx context.Context, s *session, l *release.Loaded, noDeploy bool) error {
	if noDeploy {
		return g.printNoDeploy(l)
	}
	if l.Existing && !l.Resumed {
		// Made by another run, which deployed it, or may be deploying it
		// now: this run does nothing.
		if l.Undeployed && !g.out.json() {
			g.out.infof("zonectl: note: it has not been deployed yet; the run that made it may be deploying it now, else: zonectl deploy %s %s --to ENV\n", l.Release.Project, l.Release.Version)
		}
		return g.printNoDeploy(l)
	}
	denv, err := s.deployEnv(false)
	if err != nil {
		return err
	}
	auto, err := deploy.Automatic(ctx, denv, l.Release.Project, l.Release.Version)
	if g.out.json() {
		if jerr := g.out.printJSON(map[string]any{"release": releaseJSON(l), "created": !l.Existing, "automatic": auto}); jerr != nil {
			return jerr
		}
	}
	if err != nil {
		return automaticError(l.Release.Project, l.Release.Version, err)
	}
	return g.reportAutomatic(auto)
}

// printCreated says what release create made, or found made.
func (g *globals) printCreated(l *release.Loaded, noDeploy bool) {
	switch {
	case l.Resumed && !noDeploy:
		g.out.infof("zonectl: note: release %s %s was created by a run that was interrupted before its automatic deployments; running them now\n", l.Release.Project, l.Release.Version)
	case g.out.json():
	case l.Existing:
		g.out.printf("Release %s %s exists already, made from the same commit with the same packages by %s at %s: nothing to create (%s)\n",
			l.Release.Project, l.Release.Version, l.Release.CreatedBy, l.Release.Created.UTC().Format("2006-01-02 15:04:05 UTC"), l.Commit.String()[:12])
	}
	if !g.out.json() && !l.Existing {
		g.out.printf("Created release %s %s (%s)\n", l.Release.Project, l.Release.Version, l.Commit.String()[:12])
		for _, p := range l.Release.Packages {
			g.out.printf("  package %s %s  sha256 %s  %s\n", p.ID, p.Version, p.SHA256[:12], humanBytes(p.Size))
		}
	}
}

// printNoDeploy reports a release whose automatic deployments this run
// does not run: --no-deploy, or a release made already.
func (g *globals) printNoDeploy(l *release.Loaded) error {
	if g.out.json() {
		return g.out.printJSON(map[string]any{"release": releaseJSON(l), "created": !l.Existing, "automatic": []deploy.Outcome{}})
	}
	if !l.Existing {
		g.out.printf("Automatic deployments left to zonectl deploy %s %s --to ENV\n", l.Release.Project, l.Release.Version)
	}
	return nil
}

// automaticError says that the release exists and only its automatic
// deployment was refused, with the likely remedy.
func automaticError(project, version string, err error) error {
	err = fmt.Errorf("release %s %s was created, but its automatic deployment was refused: %w", project, version, err)
	var missing *variables.MissingTemplateError
	if errors.As(err, &missing) {
		return withHint(err, missingTemplateHint(missing, project, version))
	}
	return err
}

// missingTemplateHint is the way out of a refused deployment that works:
// the release took its variables when it was made, so the value, once set
// and committed, reaches it only when the release takes them again.
func missingTemplateHint(m *variables.MissingTemplateError, project, version string) string {
	name := "NAME"
	if len(m.Templates) > 0 {
		name = m.Templates[0]
	}
	tenant := ""
	if m.Tenant != "" {
		tenant = fmt.Sprintf(" --tenant %q", m.Tenant)
	}
	return fmt.Sprintf("give %s a value for %s in projects/%s (for a sensitive one: zonectl secret set %s --env %s%s --project %s), commit it, then take the release's variables again and deploy: zonectl release snapshot %s %s && zonectl deploy %s %s --to %s%s",
		name, m.Environment, strings.ToLower(project), name, m.Environment, tenant, project, project, version, project, version, m.Environment, tenant)
}

// reportAutomatic prints the automatic deployments a release or a
// deployment triggered, and fails when one failed.
func (g *globals) reportAutomatic(auto []deploy.Outcome) error {
	failed := false
	for _, o := range auto {
		if !g.out.json() {
			g.out.printf("Automatic deployment to %s%s: %s\n", o.Environment, tenantSuffix(o.Tenant), o.State)
		}
		failed = failed || o.State == "Failed"
	}
	if failed {
		return &failure{summary: "an automatic deployment failed"}
	}
	return nil
}

func tenantSuffix(t string) string {
	if t == "" {
		return ""
	}
	return " for " + t
}

func newReleaseListCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:               "list [PROJECT]",
		Short:             "List releases, newest first",
		Args:              args(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeProjects(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			sp, err := g.openShared()
			if err != nil {
				return err
			}
			project := ""
			if len(a) == 1 {
				project = a[0]
			}
			rels, err := release.List(sp.Repo, project)
			if err != nil {
				return err
			}
			if g.out.json() {
				out := []any{}
				for _, l := range rels {
					out = append(out, releaseJSON(l))
				}
				return g.out.printJSON(out)
			}
			if len(rels) == 0 {
				g.out.infof("No releases yet; create one with `zonectl release create PROJECT --version V`.\n")
				return nil
			}
			rows := [][]string{{"PROJECT", "VERSION", "CREATED", "BY", "PACKAGES", "SNAPSHOTS"}}
			for _, l := range rels {
				r := l.Release
				var pk []string
				for _, p := range r.Packages {
					pk = append(pk, p.ID+" "+p.Version)
				}
				rows = append(rows, []string{r.Project, r.Version, r.Created.Local().Format("2006-01-02 15:04"), r.CreatedBy, strings.Join(pk, ", "), fmt.Sprint(r.Snapshots + 1)})
			}
			return g.out.printTable(rows)
		},
	}
}

// releaseJSON is a release as --output json prints it; sensitive values
// are masked like everywhere else.
func releaseJSON(l *release.Loaded) map[string]any {
	return map[string]any{
		"release":   l.Release,
		"commit":    l.Commit.String(),
		"ref":       l.Ref,
		"process":   l.Process,
		"variables": maskedVariables(l.Variables),
	}
}

func maskedVariables(v snapshot.Variables) snapshot.Variables {
	out := snapshot.Variables{Templates: v.Templates, Variables: []snapshot.Variable{}}
	for _, vr := range v.Variables {
		if vr.Sensitive {
			vals := make([]snapshot.Value, len(vr.Values))
			for i, val := range vr.Values {
				vals[i] = snapshot.Value{Value: maskText, Scope: val.Scope}
			}
			vr.Values = vals
		}
		out.Variables = append(out.Variables, vr)
	}
	return out
}

const maskText = "********"

func newReleaseSnapshotCommand(g *globals) *cobra.Command {
	var ref string
	cmd := &cobra.Command{
		Use:   "snapshot PROJECT VERSION [--ref REF]",
		Short: "Re-snapshot a release's variables (never its process)",
		Long: `Take a release's variables and variable templates again from REF (default
main), as a new signed commit on top of the release. The process is never
re-snapshotted; the release commit itself is never rewritten.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeReleases(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			s, err := g.session()
			if err != nil {
				return err
			}
			env, err := s.releaseEnv()
			if err != nil {
				return err
			}
			l, changed, err := release.Snapshot(cmd.Context(), env, release.SnapshotOptions{
				Project: a[0], Version: a[1], Ref: ref, Author: s.who(),
			})
			if err != nil {
				return g.releaseError(err)
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"changed": changed, "release": releaseJSON(l)})
			}
			if !changed {
				g.out.printf("The variables of %s %s are unchanged at %s; nothing to do.\n", l.Release.Project, l.Release.Version, ref)
				return nil
			}
			g.out.printf("Re-snapshotted the variables of %s %s from %s (%s, snapshot %d).\n", l.Release.Project, l.Release.Version, ref, l.Commit.String()[:12], l.Release.Snapshots+1)
			return nil
		},
	}
	cmd.Flags().StringVar(&ref, "ref", "main", "the branch, tag or commit to take the variables from")
	return cmd
}

// releaseError shows an invalid configuration's diagnostics in full.
func (g *globals) releaseError(err error) error {
	if ic, ok := err.(*release.InvalidConfigError); ok {
		g.out.printDiagnostics(g.out.stderr, ic.Diags, ic.Files)
		return withHint(err, "fix the configuration on "+ic.Ref+" first; zonectl validate shows the same problems")
	}
	return err
}
