package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/inbox"
)

type acceptOptions struct {
	values    string
	set       []string
	setNull   []string
	lifecycle string
	propose   bool
}

func newAcceptCommand(g *globals) *cobra.Command {
	var opts acceptOptions
	cmd := &cobra.Command{
		Use:   "accept PROJECT VERSION [--values FILE] [--set 'Name[Env]=v']... [--set-null 'Name[Env]']... [--lifecycle NAME]",
		Short: "Accept an imported release with this Space's lifecycle and values",
		Long: `Accept a release waiting in the inbox. This Space chooses the lifecycle the
project follows here (--lifecycle, or the binding's) and supplies the values
its variable templates ask for: from --values FILE (template_value blocks, as
the binding file holds them), --set 'Name[Env]=value', 'Name[Env/Tenant]=value'
or 'Name[/Tenant]=value', --set-null for an explicit no-value, and, on a
terminal, prompts for what is still missing (sensitive input hidden).

Sensitive values are encrypted to this Space's key. Accept refuses, exit 1,
while a required value is missing, listing each. It commits the binding
imports/<source>/<project>.hcl on main and the release, signed by this Space,
under refs/zonectl/releases/; the work tree must be clean.

Where main is protected (pull requests required: --propose, or
protected_main = true in the space block), accept commits the binding to a
branch of its own, zonectl/accept/<source>/<project>/<version>, pushed to
the Space's remote, and accepts nothing: open a pull request from it. Once
the binding is on main, accept (run again, as a person or a CI job on main)
finds it there, leaves main alone, and accepts the release.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeInbox(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			values, err := acceptValues(g, opts)
			if err != nil {
				return err
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			if err := g.checkCommitted(s.sp, "accept"); err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			pub, _, err := s.sp.PublicKey()
			if err != nil {
				return err
			}
			env := &inbox.Env{Name: s.name, Repo: s.sp.Repo, Signer: signer, PublicKey: pub, Author: s.who(), Now: time.Now()}
			ao := inbox.AcceptOptions{Project: a[0], Version: a[1], Lifecycle: opts.lifecycle, Values: values, Propose: opts.propose}
			if b, err := s.sp.Block(); err == nil && b.ProtectedMain {
				ao.Propose = true
			}
			res, err := inbox.Accept(cmd.Context(), env, ao)
			var missing *inbox.MissingError
			if errors.As(err, &missing) && isTerminal(g.out.stdin) && !g.out.json() {
				more, perr := promptValues(g, missing.Missing)
				if perr != nil {
					return perr
				}
				ao.Values = append(ao.Values, more...)
				res, err = inbox.Accept(cmd.Context(), env, ao)
			}
			if errors.As(err, &missing) {
				for _, m := range missing.Missing {
					g.out.infof("  missing: %s\n", m)
				}
				return withHint(err, fmt.Sprintf("give them with --set 'NAME[ENV]=VALUE' or --values FILE; see them with zonectl review %s %s", a[0], a[1]))
			}
			if err != nil {
				return g.releaseError(err)
			}
			if res.Proposed != "" {
				return g.printProposal(s, a[0], a[1], res)
			}
			return g.printAccepted(res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.values, "values", "", "read template values from `FILE` (template_value blocks)")
	f.StringArrayVar(&opts.set, "set", nil, "a template value: `Name[Env]=value` or Name[Env/Tenant]=value (repeatable)")
	f.StringArrayVar(&opts.setNull, "set-null", nil, "an explicit no-value: `Name[Env]` (repeatable)")
	f.StringVar(&opts.lifecycle, "lifecycle", "", "this Space's `LIFECYCLE` for the project")
	f.BoolVar(&opts.propose, "propose", false, "propose the binding on a branch for a pull request instead of committing it to main")
	strictFlag(g, cmd)
	return cmd
}

// printAccepted says what accept wrote.
func (g *globals) printAccepted(res *inbox.AcceptResult) error {
	if g.out.json() {
		return g.out.printJSON(map[string]any{
			"project": res.Release.Release.Project, "version": res.Release.Release.Version,
			"release_commit": res.Release.Commit.String(), "binding_file": res.BindingFile,
			"binding_commit": res.BindingCommit.String(), "lifecycle": res.Release.Release.Lifecycle,
			"values": len(res.Values), "work_tree_updated": res.WorkTree, "accepted": true,
		})
	}
	r := res.Release.Release
	g.out.printf("Accepted %s %s from %s into lifecycle %s.\n", r.Project, r.Version, r.ImportedFrom.Space, r.Lifecycle)
	g.out.printf("  release  %s (signed by this Space)\n", res.Release.Commit.String()[:12])
	if res.Settled {
		g.out.printf("  binding  %s on main as it is (%s); main did not move\n", res.BindingFile, res.BindingCommit.String()[:12])
		return nil
	}
	g.out.printf("  binding  %s on main (%s)\n", res.BindingFile, res.BindingCommit.String()[:12])
	if !res.WorkTree {
		g.out.infof("main moved; the work tree is on another branch and was left alone.\n")
	}
	return nil
}

// printProposal says where the proposed binding is, and what comes next.
func (g *globals) printProposal(s *session, project, version string, res *inbox.AcceptResult) error {
	branch := strings.TrimPrefix(res.Proposed, "refs/heads/")
	remote := s.sp.Repo.RemoteName()
	if g.out.json() {
		return g.out.printJSON(map[string]any{
			"project": project, "version": version, "accepted": false,
			"proposed_branch": branch, "pushed_to": remote, "pull_request": pullRequestURL(s.sp.Repo.RemoteURL(), branch),
			"binding_file": res.BindingFile, "binding_commit": res.BindingCommit.String(), "values": len(res.Values),
		})
	}
	g.out.printf("Proposed the binding of %s %s on branch %s (%s); nothing is accepted yet.\n", project, version, branch, res.BindingCommit.String()[:12])
	g.out.printf("  binding  %s\n", res.BindingFile)
	if remote != "" {
		g.out.printf("  pushed   to %s\n", remote)
	} else {
		g.out.printf("  push it  git push origin %s\n", branch)
	}
	if u := pullRequestURL(s.sp.Repo.RemoteURL(), branch); u != "" {
		g.out.printf("  review   %s\n", u)
	}
	g.out.printf("Open a pull request from %s into main. Once it is merged, `zonectl accept %s %s` accepts the release.\n", branch, project, version)
	return nil
}

// pullRequestURL is where a pull request from branch is opened, for the
// hosts whose address for it is known; empty otherwise.
func pullRequestURL(remoteURL, branch string) string {
	u := strings.TrimSuffix(remoteURL, ".git")
	for _, p := range []string{"git@github.com:", "ssh://git@github.com/", "https://github.com/"} {
		if rest, ok := strings.CutPrefix(u, p); ok && strings.Count(rest, "/") == 1 {
			return "https://github.com/" + rest + "/compare/main..." + branch + "?expand=1"
		}
	}
	return ""
}

// acceptValues gathers the values given on the command line: the file
// first, then --set and --set-null, later ones winning.
func acceptValues(g *globals, opts acceptOptions) ([]inbox.Value, error) {
	var out []inbox.Value
	if opts.values != "" {
		path, err := g.resolve(opts.values)
		if err != nil {
			return nil, err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, usagef(err)
		}
		vs, diags := inbox.ParseValues(opts.values, src)
		if diags.HasErrors() {
			return nil, usagef(fmt.Errorf("%s: %w", opts.values, diags))
		}
		out = append(out, vs...)
	}
	for _, s := range opts.set {
		v, err := inbox.ParseSet(s, false)
		if err != nil {
			return nil, usagef(err)
		}
		out = append(out, v)
	}
	for _, s := range opts.setNull {
		v, err := inbox.ParseSet(s, true)
		if err != nil {
			return nil, usagef(err)
		}
		out = append(out, v)
	}
	return out, nil
}

func newRejectCommand(g *globals) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:               "reject PROJECT VERSION --reason TEXT",
		Short:             "Record that an imported release is refused, and why",
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeInbox(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			s, err := g.session()
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			env := &inbox.Env{Name: s.name, Repo: s.sp.Repo, Signer: signer, Author: s.who(), Now: time.Now()}
			e, err := inbox.Reject(cmd.Context(), env, a[0], a[1], reason)
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]string{"project": e.Release.Project, "version": e.Release.Version, "source": e.Source, "reason": reason})
			}
			g.out.printf("Rejected %s %s from %s: %s\n", e.Release.Project, e.Release.Version, e.Source, reason)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the release is refused (recorded in the ledger)")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}
