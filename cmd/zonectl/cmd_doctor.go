package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/store"
)

// staleLock is how old one of Git's lock files must be before doctor calls
// it left behind: git holds its locks for milliseconds.
const staleLock = time.Minute

// doctorReport is what doctor found and did.
type doctorReport struct {
	Pending    string   `json:"pending_transaction,omitempty"`
	Recovered  string   `json:"recovered,omitempty"`
	Removed    []string `json:"removed,omitempty"`
	LockFiles  []string `json:"stale_lock_files"`
	Unreadable []string `json:"unreadable_refs"`
}

func (r *doctorReport) healthy(dryRun bool) bool {
	return (r.Pending == "" || !dryRun) && len(r.LockFiles) == 0 && len(r.Unreadable) == 0
}

func newDoctorCommand(g *globals) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "doctor [--dry-run]",
		Short: "Find what a crash left in the Space, and finish or clear what is safe",
		Long: `Look for what an interrupted zonectl or a crashed git can leave in the Space:
a transaction that did not finish (every zonectl command finishes or undoes
it as it starts; doctor says which it was), temporary files of a killed
zonectl in the package store and the deployments' work folder (removed),
Git lock files older than a minute (reported: remove one only when no git
is running), and refs that point at objects the repository does not hold
(reported; see zonectl audit). With --dry-run nothing is changed.

Exits 1 when something is left that needs a person.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.keepJournal = true
			sp, err := g.openSpace()
			if err != nil {
				return err
			}
			rep := &doctorReport{LockFiles: []string{}, Unreadable: []string{}}
			if rep.Pending, err = sp.Repo.Pending(); err != nil {
				return err
			}
			if rep.Pending != "" && !dryRun {
				rec, err := sp.Repo.Recover(cmd.Context())
				if err != nil {
					return err
				}
				if rec != nil {
					rep.Recovered = rec.String()
				}
			}
			if !dryRun {
				if rep.Removed, err = sweepSpace(sp.Repo.MainRoot(), sp.Root()); err != nil {
					return err
				}
			}
			locks, err := sp.Repo.LockFiles()
			if err != nil {
				return err
			}
			for _, l := range locks {
				if l.Age >= staleLock {
					rep.LockFiles = append(rep.LockFiles, fmt.Sprintf("%s (%s old)", l.Path, l.Age.Round(time.Second)))
				}
			}
			bad, err := sp.Repo.UnreadableRefs()
			if err != nil {
				return err
			}
			for _, r := range bad {
				rep.Unreadable = append(rep.Unreadable, r.Name+" "+r.Hash.String())
			}
			return g.printDoctor(rep, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report only; change nothing")
	return cmd
}

// sweepSpace removes what killed runs left in the package store and the
// deployments' work folder, returning the paths removed.
func sweepSpace(mainRoot, root string) ([]string, error) {
	st, err := store.Open(store.DefaultDir(mainRoot))
	if err != nil {
		return nil, err
	}
	removed, err := st.Sweep()
	if err != nil {
		return nil, err
	}
	work, err := deploy.SweepWork(deploy.DefaultWorkDir(root))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range append(removed, work...) {
		out = append(out, r.Path)
	}
	return out, nil
}

func (g *globals) printDoctor(rep *doctorReport, dryRun bool) error {
	if g.out.json() {
		if err := g.out.printJSON(rep); err != nil {
			return err
		}
	} else {
		o := g.out
		switch {
		case rep.Recovered != "":
			o.printf("transaction  %s\n", rep.Recovered)
		case rep.Pending != "":
			o.printf("transaction  interrupted, not finished yet: %s (any zonectl command, or doctor without --dry-run, finishes or undoes it)\n", rep.Pending)
		default:
			o.printf("transaction  none interrupted\n")
		}
		for _, p := range rep.Removed {
			o.printf("removed      %s (left by a zonectl that was killed)\n", p)
		}
		for _, l := range rep.LockFiles {
			o.printf("lock file    %s: if no git or zonectl is running, remove it\n", l)
		}
		for _, r := range rep.Unreadable {
			o.printf("ref          %s points at an object this repository does not hold\n", r)
		}
		if rep.healthy(dryRun) {
			o.printf("The Space is in order.\n")
		}
	}
	if !rep.healthy(dryRun) {
		return &failure{summary: "doctor found what needs a person (see above)"}
	}
	return nil
}
