package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/hcl/edit"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/keys"
)

type secretSetOptions struct {
	env     string
	tenant  string
	project string
	commit  bool
}

func newSecretCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Manage sensitive variable values",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newSecretSetCommand(g))
	return cmd
}

func newSecretSetCommand(g *globals) *cobra.Command {
	var opts secretSetOptions
	cmd := &cobra.Command{
		Use:   "set NAME --env ENV [--tenant T] [--project P]",
		Short: "Encrypt a sensitive value into a project's variables",
		Long: `Read a value from standard input (or a hidden prompt on a terminal), encrypt
it to this Space's key, and write it as the value of the sensitive variable
NAME scoped to ENV (and TENANT), replacing a value with exactly that scope.
The plain value is never written anywhere: not to Git, a log or an output.
The project is the one that declares NAME, or --project. Review and commit
the change like any other.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runSecretSet(g, a[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.env, "env", "", "the `ENV`ironment the value is for")
	f.StringVar(&opts.tenant, "tenant", "", "the `TENANT` the value is for")
	f.BoolVar(&opts.commit, "commit", false, "commit the change at once, signed by the Space")
	f.StringVar(&opts.project, "project", "", "the `PROJECT` whose variable it is, when not evident")
	_ = cmd.MarkFlagRequired("env")
	_ = cmd.RegisterFlagCompletionFunc("env", completeEnvironments(g))
	_ = cmd.RegisterFlagCompletionFunc("tenant", completeTenants(g))
	_ = cmd.RegisterFlagCompletionFunc("project", func(cmd *cobra.Command, _ []string, s string) ([]string, cobra.ShellCompDirective) {
		return completeProjects(g)(cmd, nil, s)
	})
	return cmd
}

func runSecretSet(g *globals, name string, opts secretSetOptions) error {
	sp, err := g.openSpace()
	if err != nil {
		return err
	}
	cfg, diags := sp.Load()
	if cfg.Space == nil {
		return fmt.Errorf("cannot read the Space: %s", diags.Error())
	}
	env := cfg.Environment(opts.env)
	if env == nil && cfg.RemoteEnvironment(opts.env) == nil {
		return usagef(fmt.Errorf("environment %q does not exist in this Space (its environments: %s).%s", opts.env, strings.Join(cfg.EnvironmentNames(), ", "), config.DidYouMean(opts.env, cfg.EnvironmentNames())))
	}
	envName := opts.env
	if env != nil {
		envName = env.Name
	} else {
		envName = cfg.RemoteEnvironment(opts.env).Name
	}
	var tenants []string
	if opts.tenant != "" {
		t := cfg.Tenant(opts.tenant)
		if t == nil {
			return usagef(fmt.Errorf("tenant %q does not exist in this Space.%s", opts.tenant, config.DidYouMean(opts.tenant, tenantNames(cfg))))
		}
		tenants = []string{t.Name}
	}
	p, file, err := secretTarget(sp.Root(), cfg, name, opts.project)
	if err != nil {
		return err
	}
	pub, _, err := sp.PublicKey()
	if err != nil {
		return err
	}
	value, err := readSecret(g, fmt.Sprintf("Value of %s for %s%s: ", name, envName, tenantSuffix(opts.tenant)))
	if err != nil {
		return err
	}
	if value == "" {
		return errors.New("the value is empty; nothing was written")
	}
	cipher, err := keys.Encrypt([]byte(value), openpgp.EntityList{pub})
	if err != nil {
		return err
	}
	path := filepath.Join(sp.Root(), filepath.FromSlash(file))
	src, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	out, err := edit.SetSensitiveValue(file, src, edit.SensitiveValue{Variable: name, Value: cipher, Environment: []string{envName}, Tenant: tenants})
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, out, 0o644); err != nil {
		return err
	}
	committed := ""
	if opts.commit {
		if committed, err = g.commitEdit(sp, []string{file}, fmt.Sprintf("Set %s for %s%s", name, envName, tenantSuffix(opts.tenant))); err != nil {
			return err
		}
	}
	if g.out.json() {
		return g.out.printJSON(map[string]any{"variable": name, "project": p.Name, "file": file, "environment": envName, "tenant": opts.tenant, "encrypted_to": keys.Fingerprint(pub), "commit": committed})
	}
	g.out.printf("Set %s for %s%s in %s, encrypted to %s's key (%s).\n", name, envName, tenantSuffix(opts.tenant), file, cfg.Name(), keys.Fingerprint(pub))
	g.printEditCommitted(committed, fmt.Sprintf("git add %s && git commit -m 'Set %s'", file, name))
	return nil
}

// secretTarget finds the project and file a sensitive variable belongs
// in: the file that declares it, else the project's variables.hcl.
func secretTarget(root string, cfg *config.Space, name, project string) (*config.Project, string, error) {
	var candidates []*config.Project
	for _, p := range cfg.Projects {
		if project != "" && !strings.EqualFold(p.Name, project) {
			continue
		}
		candidates = append(candidates, p)
	}
	if len(candidates) == 0 {
		if project != "" {
			return nil, "", usagef(fmt.Errorf("project %q does not exist in this Space.%s", project, config.DidYouMean(project, cfg.ProjectNames())))
		}
		return nil, "", errors.New("the Space has no projects to hold a variable")
	}
	var holders []*config.Project
	var file string
	for _, p := range candidates {
		for _, v := range p.Variables {
			if strings.EqualFold(v.Name, name) {
				holders = append(holders, p)
				file = v.DeclRange.Filename
			}
		}
	}
	switch {
	case len(holders) == 1:
		return holders[0], file, nil
	case len(holders) > 1:
		return nil, "", usagef(fmt.Errorf("more than one project declares variable %q; choose one with --project", name))
	case len(candidates) == 1:
		return candidates[0], candidates[0].Dir + "/variables.hcl", nil
	}
	return nil, "", usagef(fmt.Errorf("no project declares variable %q; choose the project to add it to with --project", name))
}

// readSecret reads the value from a hidden prompt on a terminal, else
// from standard input (one line, or all of it for multi-line values).
func readSecret(g *globals, prompt string) (string, error) {
	if f, ok := g.out.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(g.out.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.out.stderr)
		return string(b), err
	}
	b, err := io.ReadAll(bufio.NewReader(g.out.stdin))
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"), nil
}

func tenantNames(cfg *config.Space) []string {
	var out []string
	for _, t := range cfg.Tenants {
		out = append(out, t.Name)
	}
	return out
}
