package teamtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/registrytest"
)

// A team is a Space on a central server and the clones its members and CI
// runners work in. Each clone has a home of its own; they share only what
// a team shares: the central repository, the Space's private key (as a CI
// secret, through ZONECTL_KEY) and the registry the Space's package store
// is on (its store block), with credentials in each home's
// ~/.docker/config.json as docker login writes them. No disk is shared.
type team struct {
	t       *testing.T
	dir     string
	central string // the central repository's URL
	// clientEnv is what every clone's environment needs to reach the
	// central repository (an ssh command).
	clientEnv map[string]string
	key       string // the Space's private key
	registry  *registrytest.Registry
}

// newTeam sets the Space devtest up (environments, the peer prod, the
// project web with one package), puts it on a central repository served
// by start, and returns the team around it.
func newTeam(t *testing.T, start func(*testing.T, string) server) *team {
	t.Helper()
	dir := t.TempDir()
	tm := &team{t: t, dir: dir, registry: registrytest.Start(t, registrytest.Options{User: "ci", Password: "registry-token"})}
	setup := tm.home("setup")
	tm.zonectl(setup, dir, "init", "devtest").ok(t)
	tm.zonectl(setup, dir, "init", "prod").ok(t)
	devtest := filepath.Join(dir, "devtest")
	tm.zonectl(setup, devtest, "peer", "add", "prod", "--key", "../prod/keys/prod.asc", "--accepts", "receipts").ok(t)
	writeFile(t, filepath.Join(devtest, "environments.hcl"), environmentsHCL)
	writeFile(t, filepath.Join(devtest, "projects", "web", "project.hcl"), projectHCL)
	tm.storeOnRegistry(devtest, "devtest")
	commitWithRemote(t, devtest, "devtest", setup)
	tm.key = filepath.Join(setup["XDG_CONFIG_HOME"], "zonectl", "keys", fingerprint(t, filepath.Join(devtest, "keys", "devtest.asc"))+".asc")
	servers := filepath.Join(dir, "server")
	bareRepo(t, devtest, servers, "devtest.git")
	srv := start(t, servers)
	tm.central, tm.clientEnv = srv.url("devtest.git"), srv.clientEnv()
	pkg := filepath.Join(dir, "pkg", "web.tar.gz")
	writeTarGz(t, pkg, "index.html", "<h1>web</h1>\n")
	tm.zonectl(tm.home("pusher"), devtest, "package", "push", pkg, "--id", "web", "--version", "1.0.0").ok(t)
	return tm
}

// storeOnRegistry puts the package store of the Space name in dir on the
// team's registry, under its name.
func (tm *team) storeOnRegistry(dir, name string) {
	f, err := os.OpenFile(filepath.Join(dir, "space.hcl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tm.t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintf(f, "\nstore {\n  url        = \"oci://%s/%s\"\n  plain_http = true\n}\n", tm.registry.Host, name)
}

// commitWithRemote names origin as the remote of the Space name in dir
// and commits its configuration.
func commitWithRemote(t *testing.T, dir, name string, env map[string]string) {
	t.Helper()
	space := filepath.Join(dir, "space.hcl")
	data, err := os.ReadFile(space)
	if err != nil {
		t.Fatal(err)
	}
	block := fmt.Sprintf("space %q {", name)
	writeFile(t, space, strings.Replace(string(data), block, block+"\n  remote = \"origin\"\n", 1))
	run(t, dir, env, "git", "add", "-A")
	run(t, dir, env, "git", "commit", "-qm", "Configure "+name)
}

// fingerprint is the fingerprint of the public key in file, as gpg reads
// it.
func fingerprint(t *testing.T, file string) string {
	t.Helper()
	home := t.TempDir()
	out := run(t, "", nil, "gpg", "--homedir", home, "--batch", "--with-colons", "--show-keys", file)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			return f[9]
		}
	}
	t.Fatalf("no fingerprint in gpg --show-keys %s:\n%s", file, out)
	return ""
}

// home is the environment of a fresh machine of the team: its own home,
// Git identity and temporary directory, the shared key and store.
func (tm *team) home(name string) map[string]string {
	home := filepath.Join(tm.dir, "homes", name)
	for _, d := range []string{home, filepath.Join(home, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tm.t.Fatal(err)
		}
	}
	env := map[string]string{
		"PATH":                os.Getenv("PATH"),
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"TMPDIR":              filepath.Join(home, "tmp"),
		"ZONECTL_TARGET_ROOT": filepath.Join(home, "targets"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Runner " + name,
		"GIT_AUTHOR_EMAIL":    name + "@ci.example.com",
		"GIT_COMMITTER_NAME":  "Runner " + name,
		"GIT_COMMITTER_EMAIL": name + "@ci.example.com",
		"LANG":                "C",
		"TZ":                  "UTC",
	}
	if tm.key != "" {
		env["ZONECTL_KEY"] = tm.key
	}
	// The registry's credentials, where docker login puts them.
	creds, err := os.ReadFile(filepath.Join(tm.registry.DockerConfig, "config.json"))
	if err != nil {
		tm.t.Fatal(err)
	}
	writeFile(tm.t, filepath.Join(home, ".docker", "config.json"), string(creds))
	for k, v := range tm.clientEnv {
		env[k] = v
	}
	return env
}

// clone is a fresh clone of the central repository in a fresh home.
type clone struct {
	tm   *team
	name string
	dir  string
	env  map[string]string
}

func (tm *team) clone(name string) *clone {
	c := &clone{tm: tm, name: name, dir: filepath.Join(tm.dir, "clones", name), env: tm.home(name)}
	run(tm.t, tm.dir, c.env, "git", "clone", "-q", tm.central, c.dir)
	return c
}

func (c *clone) zonectl(args ...string) result { return c.tm.zonectl(c.env, c.dir, args...) }

// result is how a command ended.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("zonectl %s: exit %d\n%s%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// zonectl runs zonectl in dir with exactly env.
func (tm *team) zonectl(env map[string]string, dir string, args ...string) result {
	return tm.exec(env, dir, zonectlBin, args...)
}

// exec runs a program in dir with exactly env.
func (tm *team) exec(env map[string]string, dir, prog string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = envList(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		r.code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else {
			r.stderr += err.Error()
		}
	}
	return r
}

// run runs a command that must succeed and returns its stdout.
func run(t *testing.T, dir string, env map[string]string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = envList(env)
	}
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, msg)
	}
	return string(out)
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeTarGz writes a package: a tar.gz holding one file.
func writeTarGz(t *testing.T, path, name, content string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content))}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	tw.Close()
	zw.Close()
	writeFile(t, path, buf.String())
}

const environmentsHCL = `environment "Development" {}
environment "Test" {}

remote_environment "Staging" {
  space = "prod"
}

remote_environment "Production" {
  space = "prod"
}

remote_environment "DR" {
  space = "prod"
}

lifecycle "Default" {
  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
  phase "Production" {
    environments = ["Staging", "Production", "DR"]
  }
}
`

const projectHCL = `project "web" {
  lifecycle = "Default"
}

package "web" {}

step "Hello" {
  run_script {
    packages = ["web"]
    body     = "echo hello from #{Octopus.Environment.Name}"
  }
}
`
