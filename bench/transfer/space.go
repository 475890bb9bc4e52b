package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// workspace is the bench's temporary directory: HOME, the key directory
// (XDG_CONFIG_HOME), GNUPGHOME and the deployment root all point inside
// it, as examples/secure-environments/demo.sh does, so the bench never
// reads or writes the user's own keys or Git configuration.
type workspace struct {
	dir     string
	zonectl string // the binary built for this run
}

// newWorkspace creates the directory under parent and the environment
// that isolates the child processes.
func newWorkspace(parent string) (*workspace, []string, error) {
	dir, err := os.MkdirTemp(parent, "zonectl-transfer-")
	if err != nil {
		return nil, nil, err
	}
	home := filepath.Join(dir, "home")
	for _, d := range []string{home, filepath.Join(dir, "target"), filepath.Join(dir, "dist"), filepath.Join(dir, "bundles")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, nil, err
		}
	}
	if err := os.Mkdir(filepath.Join(home, ".gnupg"), 0o700); err != nil {
		return nil, nil, err
	}
	drop := []string{"HOME=", "XDG_CONFIG_HOME=", "GNUPGHOME=", "ZONECTL_", "GIT_"}
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, p := range drop {
			keep = keep && !strings.HasPrefix(kv, p)
		}
		if keep {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"GNUPGHOME="+filepath.Join(home, ".gnupg"),
		"ZONECTL_TARGET_ROOT="+filepath.Join(dir, "target"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Bench Release Engineer", "GIT_AUTHOR_EMAIL=re@example.com",
		"GIT_COMMITTER_NAME=Bench Release Engineer", "GIT_COMMITTER_EMAIL=re@example.com",
	)
	return &workspace{dir: dir}, env, nil
}

func (w *workspace) path(rel ...string) string {
	return filepath.Join(append([]string{w.dir}, rel...)...)
}

// build compiles zonectl from the module this bench is in.
func (w *workspace) build(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return fmt.Errorf("run the bench inside the zonectl module (make bench-transfer)")
	}
	w.zonectl = w.path("bin", "zonectl")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", w.zonectl, "./cmd/zonectl")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/zonectl: %w", err)
	}
	return nil
}

// The two Spaces' configuration, as in
// cmd/zonectl/testdata/script/promote_import.txtar: devtest deploys web to
// Test, then promotes it to prod, which owns Staging and Production. The
// step names no package, so a deployment never unpacks the generated
// bytes (they are not an archive).
const (
	sourceEnvironments = `environment "Test" {}

remote_environment "Staging" {
  space = "prod"
}

remote_environment "Production" {
  space = "prod"
}

lifecycle "Default" {
  phase "Test" {
    environments = ["Test"]
  }
  phase "Prod" {
    environments = ["Staging", "Production"]
  }
}
`
	sourceProject = `project "web" {
  lifecycle = "Default"
}

package "web" {}

step "Greet" {
  run_script {
    body = "echo hello from #{Octopus.Environment.Name}"
  }
}
`
	targetEnvironments = `environment "Staging" {}
environment "Production" {}

lifecycle "Prod" {
  phase "Staging" {
    environments = ["Staging"]
  }
  phase "Production" {
    environments = ["Production"]
  }
}
`
)

// setUpSpaces creates devtest (the source) and prod (the target), each
// trusting the other, configured and committed.
func (b *bench) setUpSpaces() error {
	w := b.ws
	steps := [][]string{
		{w.zonectl, "init", "devtest"},
		{w.zonectl, "init", "prod"},
		{w.zonectl, "-C", "devtest", "peer", "add", "prod", "--key", w.path("prod", "keys", "prod.asc"), "--accepts", "receipts", "--url", "file://" + w.path("prod")},
		{w.zonectl, "-C", "prod", "peer", "add", "devtest", "--key", w.path("devtest", "keys", "devtest.asc"), "--accepts", "releases"},
		// A push to file:// runs the receiving git as zonectl's child, so
		// its memory counts in the push's peak. Stock git indexes objects
		// under core.bigFileThreshold (512 MiB by default) in memory; a
		// server that receives large bundles sets it lower, as prod does.
		{"git", "-C", w.path("prod"), "config", "core.bigFileThreshold", "8m"},
	}
	for _, argv := range steps {
		if _, err := b.r.run("", w.dir, argv...); err != nil {
			return err
		}
	}
	files := map[string]string{
		"devtest/environments.hcl":         sourceEnvironments,
		"devtest/projects/web/project.hcl": sourceProject,
		"prod/environments.hcl":            targetEnvironments,
	}
	for name, text := range files {
		p := w.path(filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	for _, s := range []string{"devtest", "prod"} {
		for _, argv := range [][]string{{"git", "-C", s, "add", "-A"}, {"git", "-C", s, "commit", "-qm", "Configure " + s}} {
			if _, err := b.r.run("", w.dir, argv...); err != nil {
				return err
			}
		}
	}
	return nil
}

// storeSize is the total size of the files in a Space's package store.
func (w *workspace) storeSize(space string) (int64, error) {
	var n int64
	err := filepath.WalkDir(w.path(space, ".zonectl", "store"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
