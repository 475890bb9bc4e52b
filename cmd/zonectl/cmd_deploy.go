package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/snapshot"
)

func newDeployCommand(g *globals) *cobra.Command {
	var opts deploy.Options
	cmd := &cobra.Command{
		Use:   "deploy PROJECT VERSION --to ENV [--tenant T | --tenant-tag SET/TAG] [--dry-run] [--approve STEP]... [--skip STEP]...",
		Short: "Deploy a release to an environment through the lifecycle",
		Long: `Deploy a release to an environment of this Space. The lifecycle must allow it
(earlier phases complete); every required variable template must have a value
for the environment. Tenanted projects deploy once per chosen tenant connected
to the environment. Steps run in order as child processes, their output
streamed and recorded, masked, in the signed ledger.

A manual intervention stops the deployment in state Waiting; run the same
command with --approve STEP to resume it. --dry-run prints the plan: the steps
that would run and why others would not, and every variable with its source,
secrets masked. Exit status 1 when a deployment fails or the lifecycle
forbids it.

Absolute package destinations are prefixed with $ZONECTL_TARGET_ROOT when it
is set, to rehearse a deployment without touching the real paths.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeReleases(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.Project, opts.Version = a[0], a[1]
			if err := opts.Validate(); err != nil {
				return usagef(err)
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			if err := g.checkCommitted(s.sp, "deploy", projectScope(opts.Project)...); err != nil {
				return err
			}
			env, err := s.deployEnv(opts.DryRun)
			if err != nil {
				return err
			}
			res, err := deploy.Deploy(cmd.Context(), env, opts)
			if res != nil && g.out.json() {
				if jerr := g.out.printJSON(res); jerr != nil {
					return jerr
				}
			}
			if err != nil {
				var refused *deploy.RefusedError
				if errors.As(err, &refused) {
					return fmt.Errorf("cannot deploy %s %s to %s: %w", opts.Project, opts.Version, opts.Environment, refused.Err)
				}
				return g.releaseError(err)
			}
			if !g.out.json() {
				for _, o := range res.Outcomes {
					if o.Plan != nil {
						g.printPlan(res, o)
					} else if o.State == "Waiting" {
						g.out.printf("Deployment %s is waiting for %q.\n", o.ID, o.Waiting)
					}
				}
			}
			if err := g.reportAutomatic(res.Automatic); err != nil {
				return err
			}
			if res.Failed() {
				return &failure{summary: "deployment failed"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Environment, "to", "", "the `ENV`ironment to deploy to")
	f.StringVar(&opts.Tenant, "tenant", "", "deploy for one `TENANT`")
	f.StringVar(&opts.TenantTag, "tenant-tag", "", "deploy for every connected tenant tagged `SET/TAG`")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the plan; run nothing, write nothing")
	f.StringArrayVar(&opts.Approve, "approve", nil, "approve the manual intervention `STEP` (repeatable)")
	f.StringArrayVar(&opts.Skip, "skip", nil, "skip `STEP` (repeatable; never a required step)")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", completeEnvironments(g))
	_ = cmd.RegisterFlagCompletionFunc("tenant", completeTenants(g))
	strictFlag(g, cmd)
	return cmd
}

// printPlan writes a dry run's plan.
func (g *globals) printPlan(res *deploy.Result, o deploy.Outcome) {
	v := snapshot.Visible
	g.out.printf("Plan: deploy %s %s to %s%s\n\nSteps\n", res.Project, res.Version, o.Environment, tenantSuffix(o.Tenant))
	for i, st := range o.Plan.Steps {
		mark, why := "run ", ""
		if !st.Run {
			mark = "skip"
		}
		if st.Reason != "" {
			why = "  (" + st.Reason + ")"
		}
		g.out.printf("  %d. %s %s [%s]%s\n", i+1, mark, v(st.Name), st.Action, why)
	}
	g.out.printf("\nVariables\n")
	rows := [][]string{{"  NAME", "VALUE", "SOURCE"}}
	for _, val := range o.Plan.Variables {
		rows = append(rows, []string{"  " + v(val.Name), v(val.Value), v(val.Source)})
	}
	g.out.printTable(rows)
	g.out.printf("\n")
}
