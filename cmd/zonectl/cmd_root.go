package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/promote"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

// globals are the options every command takes.
type globals struct {
	dir string // -C: where to start looking for the Space
	out *output
	ctx context.Context
	// keepJournal leaves an interrupted transaction for the command to
	// look at (doctor) instead of finishing it as the Space opens.
	keepJournal bool
	// remote and offline choose the Space's remote (see remote.go).
	remote  string
	offline bool
	// strict refuses to read main while the work tree's configuration
	// differs from it (see committed.go).
	strict bool
}

// context is the command's context.
func (g *globals) context() context.Context {
	if g.ctx == nil {
		return context.Background()
	}
	return g.ctx
}

// workDir is the directory commands work from: -C, else the current one.
func (g *globals) workDir() (string, error) {
	if g.dir != "" {
		return filepath.Abs(g.dir)
	}
	return os.Getwd()
}

// resolve makes a path given on the command line absolute against -C, as
// git -C does.
func (g *globals) resolve(p string) (string, error) {
	if filepath.IsAbs(p) {
		return p, nil
	}
	wd, err := g.workDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(wd, p), nil
}

// openSpace opens the Space that holds the working directory.
func (g *globals) openSpace() (*space.Space, error) {
	wd, err := g.workDir()
	if err != nil {
		return nil, err
	}
	s, err := space.Open(wd)
	if err != nil {
		return nil, withHint(err, "run zonectl inside a Space, pass -C DIR, or create one with `zonectl init NAME`")
	}
	// A transaction a crash interrupted is finished, or undone, before
	// anything reads the Space, and the user is told.
	ctx := g.context()
	s.Repo.HandleAfter(store.AfterNaming, store.ApplyNaming)
	s.Repo.HandleAfter(promote.AfterPlacing, promote.ApplyPlacing)
	if g.keepJournal {
		return s, nil
	}
	rec, err := s.Repo.Recover(ctx)
	if readOnly(err) {
		// An auditor's read-only copy: nothing can be finished here, and
		// audit reports the interrupted transaction it finds.
		g.out.infof("zonectl: note: cannot finish an interrupted transaction in a read-only repository: %v\n", err)
		return s, nil
	}
	var unresolved *gitstore.UnresolvedPushError
	if errors.As(err, &unresolved) {
		// Reading goes on; a command that writes waits for the answer.
		g.out.infof("zonectl: warning: %v\n", err)
		return s, nil
	}
	if err != nil {
		return nil, withHint(err, "a zonectl command was interrupted in the middle of changing this Space; see docs/transactions.md")
	}
	if rec != nil {
		g.out.infof("zonectl: note: %s\n", rec)
	}
	return s, nil
}

// readOnly reports whether err says the repository cannot be written.
func readOnly(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}

func newRootCommand(out *output) *cobra.Command {
	g := &globals{out: out}
	root := &cobra.Command{
		Use:   "zonectl",
		Short: "Promote releases between isolated deployment Spaces",
		Long: `zonectl promotes releases between isolated deployment Spaces. Each Space is a
Git repository of HCL files; a release is a signed snapshot in Git, carried to
another Space as a signed bundle, by push or across an air gap.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			g.ctx = cmd.Context()
			return out.validate()
		},
	}
	root.SetOut(out.stdout)
	root.SetErr(out.stderr)
	root.SetIn(out.stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef(err) })

	flags := root.PersistentFlags()
	flags.StringVarP(&g.dir, "dir", "C", "", "run as if zonectl was started in `DIR`")
	flags.StringVar(&out.format, "output", "text", "output format: text or json")
	flags.BoolVar(&out.noColor, "no-color", false, "never colour the output")
	flags.StringVar(&g.remote, "remote", "", "use the Git remote `NAME` as the Space's remote (default: ZONECTL_REMOTE, else the space block's remote)")
	flags.BoolVar(&g.offline, "offline", false, "work on this clone alone: fetch nothing and push nothing (zonectl sync pushes later)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		newInitCommand(g),
		newValidateCommand(g),
		newFmtCommand(g),
		newKeysCommand(g),
		newPeerCommand(g),
		newPackageCommand(g),
		newVersionCommand(g),
		newReleaseCommand(g),
		newDeployCommand(g),
		newSecretCommand(g),
		newDashboardCommand(g),
		newPromoteCommand(g),
		newImportCommand(g),
		newBundleCommand(g),
		newReceiptCommand(g),
		newReviewCommand(g),
		newAcceptCommand(g),
		newRejectCommand(g),
		newAuditCommand(g),
		newDoctorCommand(g),
		newSyncCommand(g),
		newStatusCommand(g),
	)
	addExamples(root)
	return root
}

// args wraps a cobra argument check so that a wrong count is a usage
// error.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		return usagef(check(cmd, a))
	}
}
