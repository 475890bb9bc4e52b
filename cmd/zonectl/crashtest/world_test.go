//go:build linux

package crashtest

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A world is one directory holding everything a command can touch: the two
// Spaces devtest and prod, the home directory with their private keys, the
// folder promote writes to (out), TMPDIR (tmp) and ZONECTL_TARGET_ROOT
// (targets). Nothing in it names its own path, so `cp -a` makes an
// independent copy: each trial gets one, copied from a template.
type world string

func (w world) path(elem ...string) string {
	return filepath.Join(append([]string{string(w)}, elem...)...)
}

// env is the whole environment of every command run in w: nothing of the
// user's (keys, Git configuration, GnuPG) is read or written.
func (w world) env() []string {
	home := w.path("home")
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GNUPGHOME=" + filepath.Join(home, ".gnupg"),
		"TMPDIR=" + w.path("tmp"),
		"ZONECTL_TARGET_ROOT=" + w.path("targets"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Release Engineer",
		"GIT_AUTHOR_EMAIL=re@example.com",
		"GIT_COMMITTER_NAME=Release Engineer",
		"GIT_COMMITTER_EMAIL=re@example.com",
		"LANG=C",
		"TZ=UTC",
		"NO_COLOR=1",
	}
}

// A fixture is what the suites share: the zonectl binary under test, the
// inputs the commands read (packages, bundles, receipts), and one template
// world per state a tested command starts from.
type fixture struct {
	root      string
	bin       string
	inputs    string
	templates string
}

// expand replaces {W} with the world's directory and {IN} with the inputs'.
func (fx *fixture) expand(w world, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		a = strings.ReplaceAll(a, "{W}", string(w))
		out[i] = strings.ReplaceAll(a, "{IN}", fx.inputs)
	}
	return out
}

// result is how a command ended.
type result struct {
	stdout, stderr string
	code           int // -1: it did not run or did not exit
	err            error
}

func (r result) String() string {
	msg := strings.TrimSpace(r.stderr)
	if msg == "" {
		msg = strings.TrimSpace(r.stdout)
	}
	if r.err != nil && r.code < 0 {
		msg = r.err.Error() + "; " + msg
	}
	return fmt.Sprintf("exit %d: %s", r.code, shorten(msg, 400))
}

// commandTimeout bounds every command the suites run, so a hang fails a
// test instead of stalling it.
const commandTimeout = 2 * time.Minute

func run(dir string, env []string, stdin string, name string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), err: err}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	default:
		r.code = -1
	}
	return r
}

// zonectl runs the binary under test in w, in the Space space ("" for w).
func (fx *fixture) zonectl(w world, space string, args ...string) result {
	return fx.zonectlIn(w, "", space, args...)
}

func (fx *fixture) zonectlIn(w world, stdin, space string, args ...string) result {
	if space != "" {
		args = append([]string{"-C", space}, args...)
	}
	return run(string(w), w.env(), stdin, fx.bin, fx.expand(w, args)...)
}

// git runs stock git in the Space space of w.
func git(w world, space string, args ...string) result {
	return run(w.path(space), w.env(), "", "git", args...)
}

// copyWorld makes dst a copy of the template src.
func copyWorld(src string, dst world) error {
	out, err := exec.Command("cp", "-a", src, string(dst)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("cp -a %s: %v: %s", src, err, out)
	}
	return nil
}

// newWorld copies the template named name into a fresh directory under
// parent.
func (fx *fixture) newWorld(parent, name string) (world, error) {
	dir, err := os.MkdirTemp(parent, name+"-")
	if err != nil {
		return "", err
	}
	if err := os.Remove(dir); err != nil {
		return "", err
	}
	w := world(dir)
	return w, copyWorld(filepath.Join(fx.templates, name), w)
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

// getFixture builds the templates on first use; every test after that
// copies them.
func getFixture(t *testing.T) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("the crash-point and concurrency suites run real Spaces many times; not with -short")
	}
	fixtureOnce.Do(func() {
		start := time.Now()
		theFixture, fixtureErr = buildFixture(suiteRoot, zonectlBin)
		if fixtureErr == nil {
			fmt.Printf("crashtest: templates ready in %.1fs under %s\n", time.Since(start).Seconds(), theFixture.templates)
		}
	})
	if fixtureErr != nil {
		t.Fatalf("preparing the Spaces: %v", fixtureErr)
	}
	return theFixture
}

// The templates, in the order the story reaches them (SPEC §1, as in
// examples/secure-environments): each is the state one tested command
// starts from.
const (
	tmplPush           = "push"            // both Spaces configured, the store empty
	tmplRelease        = "release"         // web 1.0.0 in devtest's store
	tmplDeployLocal    = "deploy-local"    // release web 1.0.0 created, deployed to Development
	tmplPromote        = "promote"         // web 1.0.0 deployed to Test
	tmplImport         = "import"          // web 1.0.0 promoted to prod (sequence 1)
	tmplAccept         = "accept"          // web 1.0.0 imported by prod
	tmplDeployImported = "deploy-imported" // web 1.0.0 accepted by prod
	tmplReceiptImport  = "receipt-import"  // web 1.0.0 deployed to Staging, receipts exported
	tmplImportDelta    = "import-delta"    // web 1.1.0 promoted with a delta (sequence 2)
)

// Inputs, under fixture.inputs.
const (
	inPackage1     = "web-1.0.0.tar"
	inPackage2     = "web-1.1.0.tar"
	inBundle1      = "web-1.0.0.zbundle"      // sequence 1, the whole release and package
	inBundle2      = "web-1.1.0.zbundle"      // sequence 2, thin, the package as a delta
	inBundle3Full  = "web-1.1.0-full.zbundle" // sequence 3, standing alone
	inReceipts     = "receipts-1.zreceipts"   // prod's first two receipts
	packageBytes   = 48 << 10
	prodStagingPW  = "DbPassword[Staging]=stage-pw"
	prodProductPW  = "DbPassword[Production]=prod-pw"
	zonectlCommand = "zonectl" // the binary's name, which strace shows as its threads' comm
)

// buildFixture plays the secure-environments story once, copying the world
// aside as each template is reached.
func buildFixture(root, bin string) (*fixture, error) {
	fx := &fixture{root: root, bin: bin, inputs: filepath.Join(root, "inputs"), templates: filepath.Join(root, "templates")}
	for _, d := range []string{fx.inputs, fx.templates} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := writePackages(fx.inputs); err != nil {
		return nil, err
	}
	w := world(filepath.Join(root, "build"))
	for _, d := range []string{"home/.config", "out", "tmp", "targets"} {
		if err := os.MkdirAll(w.path(d), 0o700); err != nil {
			return nil, err
		}
	}
	var failed error
	do := func(space string, args ...string) string {
		if failed != nil {
			return ""
		}
		r := fx.zonectl(w, space, args...)
		if r.code != 0 {
			failed = fmt.Errorf("zonectl %s: %s", strings.Join(args, " "), r)
		}
		return r.stdout
	}
	doIn := func(stdin, space string, args ...string) {
		if failed == nil {
			if r := fx.zonectlIn(w, stdin, space, args...); r.code != 0 {
				failed = fmt.Errorf("zonectl %s: %s", strings.Join(args, " "), r)
			}
		}
	}
	gitDo := func(space string, args ...string) {
		if failed == nil {
			if r := git(w, space, args...); r.code != 0 {
				failed = fmt.Errorf("git %s: %s", strings.Join(args, " "), r)
			}
		}
	}
	write := func(rel, content string) {
		if failed == nil {
			if err := os.MkdirAll(filepath.Dir(w.path(rel)), 0o755); err != nil {
				failed = err
			} else if err := os.WriteFile(w.path(rel), []byte(content), 0o644); err != nil {
				failed = err
			}
		}
	}
	snap := func(name string) {
		if failed == nil {
			failed = copyWorld(string(w), world(filepath.Join(fx.templates, name)))
		}
	}
	in := func(name string) string { return filepath.Join(fx.inputs, name) }

	do("", "init", "devtest")
	do("", "init", "prod")
	do("devtest", "peer", "add", "prod", "--key", "../prod/keys/prod.asc", "--accepts", "receipts")
	do("prod", "peer", "add", "devtest", "--key", "../devtest/keys/devtest.asc", "--accepts", "releases")
	write("devtest/environments.hcl", devtestHCL)
	write("devtest/projects/web/project.hcl", projectHCL)
	write("prod/environments.hcl", prodHCL)
	doIn("dev-pw", "devtest", "secret", "set", "DbPassword", "--env", "Development", "--project", "web")
	doIn("test-pw", "devtest", "secret", "set", "DbPassword", "--env", "Test", "--project", "web")
	for _, space := range []string{"devtest", "prod"} {
		gitDo(space, "add", "-A")
		gitDo(space, "commit", "-qm", "Configure "+space)
	}
	snap(tmplPush)
	do("devtest", "package", "push", in(inPackage1), "--id", "web", "--version", "1.0.0")
	snap(tmplRelease)
	do("devtest", "release", "create", "web", "--version", "1.0.0")
	snap(tmplDeployLocal)
	do("devtest", "deploy", "web", "1.0.0", "--to", "Test")
	snap(tmplPromote)
	do("devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", in(inBundle1))
	snap(tmplImport)
	do("prod", "import", in(inBundle1))
	snap(tmplAccept)
	do("prod", "accept", "web", "1.0.0", "--lifecycle", "Prod", "--set", prodStagingPW, "--set", prodProductPW)
	snap(tmplDeployImported)
	do("prod", "deploy", "web", "1.0.0", "--to", "Staging")
	do("prod", "receipt", "export", "--to", "devtest", "--out", in(inReceipts))
	snap(tmplReceiptImport)
	do("devtest", "receipt", "import", in(inReceipts))
	do("devtest", "package", "push", in(inPackage2), "--id", "web", "--version", "1.1.0")
	do("devtest", "release", "create", "web", "--version", "1.1.0")
	do("devtest", "deploy", "web", "1.1.0", "--to", "Test")
	out := do("devtest", "promote", "web", "1.1.0", "--to", "prod", "--out", in(inBundle2))
	if failed == nil && !strings.Contains(out, "delta") {
		failed = fmt.Errorf("web 1.1.0 was not promoted as a delta:\n%s", out)
	}
	snap(tmplImportDelta)
	do("devtest", "promote", "web", "1.1.0", "--to", "prod", "--full", "--out", in(inBundle3Full))
	if failed != nil {
		return nil, failed
	}
	return fx, os.RemoveAll(string(w))
}

// writePackages writes the two versions of the web package: small tars of
// pseudo-random bytes (so that compression does not hide a change), the
// second differing from the first in a few bytes, so that it travels as a
// delta.
func writePackages(dir string) error {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, packageBytes)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, v := range []struct {
		name string
		edit func([]byte)
	}{
		{inPackage1, func([]byte) {}},
		{inPackage2, func(b []byte) { copy(b[packageBytes/2:], "changed in 1.1.0") }},
	} {
		b := append([]byte(nil), data...)
		v.edit(b)
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		mtime := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, f := range []struct {
			name string
			body []byte
		}{{"index.html", []byte("<h1>web</h1>\n")}, {"data.bin", b}} {
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			if _, err := tw.Write(f.body); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, v.name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// devtest builds and tests web; Staging and Production belong to prod.
const devtestHCL = `environment "Development" {}
environment "Test" {}

remote_environment "Staging" {
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
  phase "Prod" {
    environments = ["Staging"]
  }
}
`

const projectHCL = `project "web" {
  lifecycle = "Default"
}

package "web" {}

step "Greet" {
  run_script {
    packages = ["web"]
    body     = "echo hello from #{Octopus.Environment.Name} host=#{Host} pw=#{DbPassword}; test -f web/index.html"
  }
}

variable "Host" {
  value "dev-host" {}
  value "prod-host" {
    environment = ["Staging"]
  }
}

variable_template "DbPassword" {
  type = "sensitive"
  per  = "environment"
}
`

const prodHCL = `environment "Staging" {}
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

// shorten keeps the start of s, for messages.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
