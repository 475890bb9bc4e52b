package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/space"
)

func newInitCommand(g *globals) *cobra.Command {
	var withExample bool
	cmd := &cobra.Command{
		Use:   "init NAME [DIR] [--example]",
		Short: "Create a Space: a Git repository, its key pair and a first signed commit",
		Long: `Create a Space named NAME in DIR (default ./NAME): a Git repository on branch
main with space.hcl, a .gitignore that keeps .zonectl/ out, and the Space's
public key at keys/NAME.asc, in a first commit signed with a new OpenPGP key.

The private key is written outside the repository: to $ZONECTL_KEY when set,
else under the user's configuration directory, named by the key's
fingerprint. Set ZONECTL_PASSPHRASE_FILE to protect it with a passphrase.

With --example it also writes, left to read, change and commit, an
environments.hcl (Development and Test, and a lifecycle) and a project,
projects/hello/project.hcl (a step, a variable and a sensitive variable
template), every part commented: a Space to start from, valid as it is.`,
		Args: args(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runInit(cmd, g, a, withExample)
		},
	}
	cmd.Flags().BoolVar(&withExample, "example", false, "also write commented example environments, a lifecycle and a project to start from")
	return cmd
}

func runInit(cmd *cobra.Command, g *globals, a []string, withExample bool) error {
	name := a[0]
	if err := names.CheckSpace(name); err != nil {
		return usagef(err)
	}
	dir := name
	if len(a) == 2 {
		dir = a[1]
	}
	dir, err := g.resolve(dir)
	if err != nil {
		return err
	}
	res, err := space.Init(cmd.Context(), space.InitOptions{Name: name, Dir: dir, Now: time.Now()})
	if err != nil {
		return err
	}
	var example []string
	if withExample {
		if example, err = space.WriteExample(res.Space.Root()); err != nil {
			return fmt.Errorf("write the example into %s: %w", res.Space.Root(), err)
		}
	}
	author := fmt.Sprintf("%s <%s>", res.Author.Name, res.Author.Email)
	if g.out.json() {
		return g.out.printJSON(map[string]any{
			"space":            name,
			"dir":              res.Space.Root(),
			"fingerprint":      res.Fingerprint,
			"public_key_file":  res.PublicKeyFile,
			"private_key_path": res.PrivateKeyPath,
			"commit":           res.Commit.String(),
			"author":           author,
			"author_guessed":   res.AuthorGuessed,
			"example":          example,
		})
	}
	o := g.out
	o.printf("Created Space %q in %s\n", name, res.Space.Root())
	o.printf("  public key   %s (%s)\n", filepath.FromSlash(res.PublicKeyFile), res.Fingerprint)
	o.printf("  private key  %s\n", res.PrivateKeyPath)
	o.printf("  commit       %s, signed\n", res.Commit.String()[:12])
	o.printf("  author       %s\n", author)
	if res.AuthorGuessed {
		// Everything the Space records bears this name: say where it came
		// from while it is one command to change.
		o.infof("zonectl: warning: Git has no identity configured, so the Space records you as %s (the system user at this host); set yours with: git config --global user.name \"Your Name\" && git config --global user.email you@example.com\n", author)
	}
	if len(example) > 0 {
		o.printf("  example      %s (not committed: read them, change them, then git add -A && git commit)\n", strings.Join(example, ", "))
	}
	o.infof("Back up the private key: it never enters the repository, and a Space cannot sign without it.\n")
	return nil
}
