package promote

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

const environmentsHCL = `
peer "prod" {
  public_key = file("keys/prod.asc")
  accepts    = ["receipts"]
}
environment "Test" {}
remote_environment "Production" {
  space = "prod"
}
lifecycle "Default" {
  phase "Test" {
    environments = ["Test"]
  }
  phase "Production" {
    environments = ["Production"]
  }
}
`

const projectHCL = `
project "web" {
  lifecycle = "Default"
}
step "Hello" {
  run_script {
    body = "echo hello"
  }
}
step "Test only" {
  environments = ["Test"]
  run_script {
    body = "echo test"
  }
}
variable "Host" {
  value "test-host" {
    environment = ["Test"]
  }
  value "prod-host" {
    environment = ["Production"]
  }
}
`

// fixture is a devtest Space with a release of web 1.0.0 and the key of
// its peer prod.
type fixture struct {
	sp    *space.Space
	env   *Env
	prod  *openpgp.Entity
	store *store.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_AUTHOR_NAME", "Tester")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Tester")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("HOME", t.TempDir())
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "devtest")
	res, err := space.Init(ctx, space.InitOptions{Name: "devtest", Dir: dir, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := keys.Generate(keys.GenerateOptions{Name: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ArmorPublic(prod)
	if err != nil {
		t.Fatal(err)
	}
	write := func(rel, data string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("keys/prod.asc", string(pub))
	write("environments.hcl", environmentsHCL)
	write("projects/web/project.hcl", projectHCL)
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-qm", "Configure"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	sp := res.Space
	priv, err := sp.PrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	who := space.Who(sp.Repo.Git(), time.Now())
	if _, err := release.Create(ctx, release.Env{Repo: sp.Repo, Signer: signer, Store: st}, release.CreateOptions{Project: "web", Version: "1.0.0", Now: time.Now(), Author: who}); err != nil {
		t.Fatal(err)
	}
	return &fixture{sp: sp, prod: prod, store: st, env: &Env{Repo: sp.Repo, Signer: signer, Key: priv, Author: who, Now: time.Now()}}
}

func (f *fixture) deployTest(t *testing.T) {
	t.Helper()
	_, err := deploy.Deploy(context.Background(), &deploy.Env{
		Repo: f.sp.Repo, Signer: f.env.Signer, Store: f.store, SpaceName: "devtest", Author: f.env.Author,
		Output: io.Discard, WorkDir: t.TempDir(),
	}, deploy.Options{Project: "web", Version: "1.0.0", Environment: "Test"})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPrepareFollowsTheLifecycle(t *testing.T) {
	f := newFixture(t)
	_, err := Prepare(f.env, Options{Project: "web", Version: "1.0.0", Target: "prod"})
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), `needs phase "Test" complete first`) {
		t.Fatalf("promotion before Test: %v", err)
	}
	f.deployTest(t)
	p, err := Prepare(f.env, Options{Project: "web", Version: "1.0.0", Target: "PROD"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Target != "prod" || p.TargetFingerprint != keys.Fingerprint(f.prod) || strings.Join(p.TargetEnvironments, ",") != "Production" {
		t.Errorf("promotion to %q (%s) for %v", p.Target, p.TargetFingerprint, p.TargetEnvironments)
	}
	if len(p.Process.Steps) != 1 || p.Process.Steps[0].Name != "Hello" {
		t.Errorf("sliced steps = %+v", p.Process.Steps)
	}
	if vals := p.Variables.Variables[0].Values; len(vals) != 1 || vals[0].Value != "prod-host" {
		t.Errorf("sliced Host = %+v", vals)
	}
	if p.Ref != "refs/zonectl/promotions/prod/web" {
		t.Errorf("ref = %s", p.Ref)
	}
}

func TestPrepareRefusals(t *testing.T) {
	f := newFixture(t)
	f.deployTest(t)
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Project: "web", Version: "1.0.0", Target: "staging"}, `"staging" is not a peer of this Space`},
		{Options{Project: "web", Version: "9.0.0", Target: "prod"}, `has no release 9.0.0`},
		{Options{Project: "web", Version: "1.0.0"}, `no target Space`},
	} {
		if _, err := Prepare(f.env, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%+v) = %v, want %q", tc.opts, err, tc.want)
		}
	}
}

func TestRecordChainsPromotionsAndNumbersThem(t *testing.T) {
	f := newFixture(t)
	f.deployTest(t)
	ctx := context.Background()
	var commits []string
	for i := 1; i <= 2; i++ {
		p, err := Prepare(f.env, Options{Project: "web", Version: "1.0.0", Target: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Claim(ctx, f.env); err != nil {
			t.Fatal(err)
		}
		if err := p.Record(ctx, f.env, ""); err != nil {
			t.Fatal(err)
		}
		if p.Revision != i || p.Sequence != uint64(i) {
			t.Errorf("promotion %d: revision %d, sequence %d", i, p.Revision, p.Sequence)
		}
		if i == 2 && p.Parent.String() != commits[0] {
			t.Errorf("second promotion's parent is %s, want the first, %s", p.Parent, commits[0])
		}
		commits = append(commits, p.Commit.String())
	}
	tip, ok, err := f.sp.Repo.Ref("refs/zonectl/promotions/prod/web")
	if err != nil || !ok || tip.String() != commits[1] {
		t.Fatalf("promotion ref = %s %v %v", tip, ok, err)
	}
	verifier := keys.NewVerifier(openpgp.EntityList{f.env.Key})
	if err := f.sp.Repo.VerifyCommit(tip, keys.VerifyFunc(verifier.VerifyOK)); err != nil {
		t.Errorf("promotion commit: %v", err)
	}
	entries, err := ledger.Events(f.sp.Repo)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1].Event
	if last.Type != ledger.Promotion || last.Promotion.Sequence != 2 || last.Promotion.Commit != commits[1] {
		t.Errorf("last ledger event = %+v %+v", last, last.Promotion)
	}
}
