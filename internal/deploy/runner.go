package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/extract"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/mask"
	"github.com/zonectl/zonectl/internal/octostache"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

// runner runs the steps of one deployment.
type runner struct {
	env      *Env
	t        *target
	tenant   *config.Tenant
	opts     Options
	vars     *variables.Set
	out      io.WriteCloser // masked
	masker   *mask.Masker
	dir      string
	deployed []ledger.PackageRef
}

// steps runs the process in order. A deployment resumed after a manual
// intervention keeps the results of the steps that ran before it.
func (r *runner) steps(ctx context.Context, resume *ledger.DeploymentRecord) (state string, results []ledger.StepResult, waiting string) {
	failed := false
	steps := r.t.rel.Process.Steps
	start := 0
	if resume != nil {
		results = append(results, resume.Steps[:len(resume.Steps)-1]...)
		start = len(results)
		for _, s := range results {
			failed = failed || s.State == ledger.StateFailed
		}
	}
	for i := start; i < len(steps); i++ {
		st := &steps[i]
		var pkg *variables.PackageInfo
		if st.DeployPackage != nil {
			if p, ok := r.t.rel.Package(st.DeployPackage.Package); ok {
				pkg = &variables.PackageInfo{ID: p.ID, Version: p.Version}
			}
		}
		vars := r.vars.ForStep(st.Name, pkg)
		d := decide(st, r.t.env, r.tenant, r.opts, failed, vars)
		if !d.run {
			fmt.Fprintf(r.out, "%s: skipped (%s)\n", stepLabel(i, st.Name), d.reason)
			results = append(results, ledger.StepResult{Name: st.Name, State: "Skipped", Reason: d.reason})
			continue
		}
		if st.ManualIntervention != nil && !config.HasName(r.opts.Approve, st.Name) {
			fmt.Fprintf(r.out, "%s: waiting for approval\n  %s\n  Approve with: zonectl deploy %s %s --to %s --approve %q\n",
				stepLabel(i, st.Name), evalOrRaw(st.ManualIntervention.Instructions, vars), r.t.rel.Release.Project, r.t.rel.Release.Version, r.t.env, st.Name)
			results = append(results, ledger.StepResult{Name: st.Name, State: ledger.StateWaiting, Reason: "waiting for approval"})
			return ledger.StateWaiting, results, st.Name
		}
		fmt.Fprintf(r.out, "%s\n", stepLabel(i, st.Name))
		err := r.step(ctx, i, st, vars)
		if err != nil {
			msg := r.masker.String(err.Error())
			fmt.Fprintf(r.out, "%s failed: %s\n", stepLabel(i, st.Name), msg)
			results = append(results, ledger.StepResult{Name: st.Name, State: ledger.StateFailed, Reason: msg})
			failed = true
			if ctx.Err() != nil {
				break
			}
			continue
		}
		results = append(results, ledger.StepResult{Name: st.Name, State: ledger.StateSuccess})
	}
	if failed {
		return ledger.StateFailed, results, ""
	}
	return ledger.StateSuccess, results, ""
}

func evalOrRaw(s string, vars *variables.Set) string {
	if v, err := octostache.Evaluate(s, vars); err == nil {
		return v
	}
	return s
}

// step runs one step's action, under its timeout.
func (r *runner) step(ctx context.Context, i int, st *snapshot.Step, vars *variables.Set) error {
	if st.Timeout != "" {
		d, err := time.ParseDuration(st.Timeout)
		if err == nil && d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
	}
	dir := filepath.Join(r.dir, fmt.Sprintf("%02d-%s", i+1, safeName(st.Name)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var err error
	switch {
	case st.RunScript != nil:
		err = r.runScript(ctx, dir, st, vars)
	case st.DeployPackage != nil:
		err = r.deployPackage(ctx, st, vars)
	case st.ManualIntervention != nil:
		fmt.Fprintf(r.out, "  approved: %s\n", evalOrRaw(st.ManualIntervention.Instructions, vars))
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s", st.Timeout)
	}
	return err
}

// runScript runs the step's script, after substitution, with bash or sh
// in its own directory, with the step's packages extracted beside it and
// every resolved variable in its environment.
func (r *runner) runScript(ctx context.Context, dir string, st *snapshot.Step, vars *variables.Set) error {
	body, err := r.substitute("the script", st.RunScript.Body, vars)
	if err != nil {
		return fmt.Errorf("substitute variables in the script: %w", err)
	}
	for _, id := range st.RunScript.Packages {
		if _, err := r.extractPackage(ctx, id, filepath.Join(dir, safeName(id)), nil, vars); err != nil {
			return err
		}
	}
	script := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		return err
	}
	// The substituted script may hold decrypted secrets: it does not
	// outlive the step.
	defer os.Remove(script)
	shell := "bash"
	if st.RunScript.Syntax == "sh" {
		shell = "sh"
	}
	cmd := exec.CommandContext(ctx, shell, script)
	cmd.Dir = dir
	cmd.Env = append(baseEnviron(), substitutedEnviron(vars)...)
	// The output goes through a pipe of our own, so that the step ends
	// when its shell does, not when the last process holding the output
	// lets go of it.
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	copied := make(chan struct{})
	go func() {
		io.Copy(r.out, pr)
		pr.Close()
		close(copied)
	}()
	// A timeout or cancel ends everything the script started, not just
	// the shell: its own process group is killed; and so is what is left
	// of it once the shell exits.
	ownProcessGroup(cmd)
	err = cmd.Start()
	pw.Close()
	if err == nil {
		err = cmd.Wait()
		endGroup(cmd)
	}
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
		pr.Close() // a process outside the group still holds the output
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.Exited() {
			return fmt.Errorf("the script exited with status %d", ee.ExitCode())
		}
		return fmt.Errorf("run the script with %s: %w", shell, err)
	}
	return nil
}

// deployPackage extracts the step's package to its destination,
// substituting variables in the files the step names.
func (r *runner) deployPackage(ctx context.Context, st *snapshot.Step, vars *variables.Set) error {
	dest, err := octostache.Evaluate(st.DeployPackage.Destination, vars)
	if err != nil {
		return fmt.Errorf("substitute variables in the destination: %w", err)
	}
	if strings.Contains(dest, "#{") {
		return fmt.Errorf("destination %q still holds a variable that has no value", dest)
	}
	if dest, err = confine(dest, r.env.TargetRoot); err != nil {
		return err
	}
	res, err := r.extractPackage(ctx, st.DeployPackage.Package, dest, st.DeployPackage.Substitute, vars)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.out, "  extracted %d files to %s", res.Files, dest)
	if len(res.Substituted) > 0 {
		fmt.Fprintf(r.out, ", substituted variables in %s", strings.Join(res.Substituted, ", "))
	}
	fmt.Fprintln(r.out)
	return nil
}

// confine checks a step's destination, after substitution: absolute, with
// no ".." (a variable's value must not walk it elsewhere), and under root
// when one is set (ZONECTL_TARGET_ROOT), where it is rooted.
func confine(dest, root string) (string, error) {
	if !filepath.IsAbs(dest) {
		return "", fmt.Errorf("destination %q is not an absolute path", dest)
	}
	for _, part := range strings.Split(filepath.ToSlash(dest), "/") {
		if part == ".." {
			return "", fmt.Errorf("destination %q holds \"..\"; write the folder it means", dest)
		}
	}
	if root == "" {
		return filepath.Clean(dest), nil
	}
	out := filepath.Join(root, filepath.Clean(dest))
	if rel, err := filepath.Rel(root, out); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("destination %q is outside ZONECTL_TARGET_ROOT %s", dest, root)
	}
	return out, nil
}

// extractPackage extracts a package of the release, verified by the hash
// the release pins, into dir.
func (r *runner) extractPackage(ctx context.Context, id, dir string, substitute []string, vars *variables.Set) (*extract.Result, error) {
	pkg, ok := r.t.rel.Package(id)
	if !ok {
		return nil, fmt.Errorf("the release pins no package %q", id)
	}
	path, err := r.env.Store.BlobPath(pkg.SHA256)
	if err != nil {
		return nil, fmt.Errorf("package %s %s (sha256 %s) is not in the package store: %w", pkg.ID, pkg.Version, pkg.SHA256, err)
	}
	res, err := extract.Extract(ctx, path, dir, extract.Options{
		Substitute: substitute,
		MaxBytes:   r.env.ExtractMaxBytes,
		MaxRatio:   r.env.ExtractMaxRatio,
		Transform: func(name string, content []byte) ([]byte, error) {
			out, err := r.substitute(name, string(content), vars)
			return []byte(out), err
		},
	})
	if err != nil {
		return nil, fmt.Errorf("extract package %s %s: %w", pkg.ID, pkg.Version, err)
	}
	r.noteDeployed(pkg)
	return res, nil
}

func (r *runner) noteDeployed(p ledger.PackageRef) {
	for _, d := range r.deployed {
		if d.SHA256 == p.SHA256 && d.ID == p.ID {
			return
		}
	}
	// An imported release's package, published in this zone: the
	// deployment and its receipt name the artifact here, the same bytes.
	for _, pub := range r.t.published {
		if pub.SHA256 == p.SHA256 && strings.EqualFold(pub.ID, p.ID) {
			p.Feed, p.Digest = pub.Feed, pub.Digest
			break
		}
	}
	r.deployed = append(r.deployed, p)
}

// substitutedEnviron is the step's variables as environment variables,
// with each value substituted as #{Name} would give it: a value that
// refers to other variables reaches the script resolved, not as written.
func substitutedEnviron(vars *variables.Set) []string {
	env := vars.Environ()
	for i, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.Contains(v, "#{") {
			continue
		}
		if out, err := octostache.Evaluate(v, vars); err == nil {
			env[i] = k + "=" + out
		}
	}
	return env
}

// baseEnviron is what a step inherits from zonectl's own environment:
// enough to find programs and a home, and nothing that could carry
// zonectl's own secrets (ZONECTL_PASSPHRASE_FILE, ZONECTL_KEY) into a
// script.
func baseEnviron() []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM", "ZONECTL_TARGET_ROOT"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), ".")
}

// substitute evaluates a script or a file's text, what. Where its #{...}
// does not parse (a "#{" in a comment, a Ruby interpolation), what does
// not parse is left as written and the rest substituted, as Octopus
// substitutes files with Octostache's haltOnError off, with a warning in
// the log: one stray "#{" must not leave every variable of a script
// unsubstituted. Other failures (a variable that refers to itself, a
// limit) stop it.
func (r *runner) substitute(what, text string, vars *variables.Set) (string, error) {
	out, err := octostache.Evaluate(text, vars)
	var syntax *octostache.SyntaxError
	if errors.As(err, &syntax) {
		fmt.Fprintf(r.out, "  warning: %s does not parse as a template (%v): what does not parse is left as written\n", what, err)
		return octostache.EvaluateLenient(text, vars)
	}
	return out, err
}
