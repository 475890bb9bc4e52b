package main

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/space"
)

// Commands that read the configuration from main (release create,
// accept, import, deploy) warn when the work tree's HCL differs from it:
// edits not yet committed are not what the command uses, and saying
// nothing would let a user believe they were. --strict refuses instead,
// for CI.

// strictFlag adds --strict to cmd.
func strictFlag(g *globals, cmd *cobra.Command) {
	cmd.Flags().BoolVar(&g.strict, "strict", false, "refuse, rather than warn, when the work tree's configuration differs from main")
}

// checkCommitted compares the work tree's configuration with main.
//
// scope, when given, names the directories the command reads (see
// gitstore.ChangedFiles): a command on one project compares that
// project's files and the root's.
func (g *globals) checkCommitted(sp *space.Space, command string, scope ...string) error {
	main, err := sp.Repo.Main()
	if err != nil {
		return nil // the command says so itself
	}
	changes, err := sp.Repo.ChangedFiles(main, isConfigFile, scope...)
	if err != nil || len(changes) == 0 {
		return err
	}
	msg := fmt.Sprintf("the work tree's configuration differs from main (%s); %s reads main, not these edits", describeChanges(changes), command)
	if g.strict {
		return withHint(errors.New(msg), "commit them (and push them, in a Space shared by a team), then run again; without --strict, zonectl goes on with main as it is")
	}
	g.out.infof("zonectl: warning: %s: commit them first (--strict refuses)\n", msg)
	return nil
}

// isConfigFile reports whether a path of the work tree is a configuration
// file zonectl reads: *.hcl at the top, in projects/<slug>/ and in
// imports/<source>/.
func isConfigFile(p string) bool {
	if !strings.HasSuffix(p, ".hcl") {
		return false
	}
	dir := path.Dir(p)
	top, _, _ := strings.Cut(dir, "/")
	return dir == "." || ((top == "projects" || top == "imports") && strings.Count(dir, "/") == 1)
}

func describeChanges(changes []gitstore.FileChange) string {
	var parts []string
	for i, c := range changes {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(changes)-5))
			break
		}
		parts = append(parts, c.Path+" "+c.How)
	}
	return strings.Join(parts, ", ")
}

// projectScope is what a command on one project reads of the work tree's
// configuration: the root files, the import bindings and the project's
// own directory (see config.LoadProject).
func projectScope(project string) []string {
	return []string{".", "imports", "projects/" + strings.ToLower(project)}
}
