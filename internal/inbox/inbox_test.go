package inbox_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/internal/deploy"
	. "github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/promote"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

const devtestHCL = `
peer "prod" {
  public_key = file("keys/prod.asc")
  accepts    = ["receipts"]
}
environment "Test" {}
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

const projectHCL = `
project "web" {
  lifecycle = "Default"
}
step "Show" {
  run_script {
    body = "echo host=#{Host} level=#{LogLevel} pw=#{DbPassword}"
  }
}
variable "Host" {
  value "test-host" {
    environment = ["Test"]
  }
  value "prod-host" {
    environment = ["Production", "Staging"]
  }
}
variable "DbPassword" {
  sensitive = true
  value DEVPASS {
    environment = ["Test"]
  }
}
variable "ApiKey" {
  sensitive = true
  value APIKEY {
    environment = ["Production"]
  }
}
variable "LogLevel" {
  value "debug" {
    environment = ["Test"]
  }
}
variable_template "DbPassword" {
  type = "sensitive"
}
variable_template "LogLevel" {
  type    = "select"
  options = { info = "Info", warn = "Warn" }
}
`

const prodHCL = `
peer "devtest" {
  public_key = file("keys/devtest.asc")
  accepts    = ["releases"]
}
environment "Staging" {}
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

type side struct {
	sp     *space.Space
	signer *keys.Signer
	pub    []byte
}

func newSide(t *testing.T, name string) *side {
	t.Helper()
	res, err := space.Init(context.Background(), space.InitOptions{Name: name, Dir: filepath.Join(t.TempDir(), name), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := res.Space.Signer()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(filepath.Join(res.Space.Root(), "keys", name+".asc"))
	if err != nil {
		t.Fatal(err)
	}
	return &side{sp: res.Space, signer: s, pub: pub}
}

func (s *side) write(t *testing.T, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(s.sp.Root(), filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.git(t, "add", "-A")
	s.git(t, "commit", "-qm", "Configure")
}

func (s *side) git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = s.sp.Root()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *side) deployEnv(t *testing.T, out *bytes.Buffer) *deploy.Env {
	priv, err := s.sp.PrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	st, _ := store.Open(filepath.Join(t.TempDir(), "store"))
	return &deploy.Env{Repo: s.sp.Repo, Signer: s.signer, Store: st, SpaceName: "x", Author: space.Who(s.sp.Repo.Git(), time.Now()),
		Output: out, WorkDir: t.TempDir(),
		Decrypt: func(c string) (string, error) { b, err := keys.Decrypt(c, priv); return string(b), err }}
}

// setup makes devtest and prod, promotes web 1.0.0 from devtest and
// brings the promotion commit into prod's inbox with stock git, as an
// import would.
func setup(t *testing.T) (devtest, prod *side) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR", "GIT_COMMITTER"} {
		t.Setenv(k+"_NAME", "Tester")
		t.Setenv(k+"_EMAIL", "t@example.com")
	}
	ctx := context.Background()
	devtest, prod = newSide(t, "devtest"), newSide(t, "prod")
	devKey, _, err := devtest.sp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	devpass, err := keys.Encrypt([]byte("devpass"), openpgp.EntityList{devKey})
	if err != nil {
		t.Fatal(err)
	}
	apikey, err := keys.Encrypt([]byte("prod-api-key"), openpgp.EntityList{devKey})
	if err != nil {
		t.Fatal(err)
	}
	project := strings.Replace(projectHCL, "DEVPASS", strconv.Quote(devpass), 1)
	project = strings.Replace(project, "APIKEY", strconv.Quote(apikey), 1)
	devtest.write(t, map[string]string{"keys/prod.asc": string(prod.pub), "environments.hcl": devtestHCL,
		"projects/web/project.hcl": project})
	prod.write(t, map[string]string{"keys/devtest.asc": string(devtest.pub), "environments.hcl": prodHCL})

	st, _ := store.Open(filepath.Join(t.TempDir(), "store"))
	who := space.Who(devtest.sp.Repo.Git(), time.Now())
	if _, err := release.Create(ctx, release.Env{Repo: devtest.sp.Repo, Signer: devtest.signer, Store: st}, release.CreateOptions{Project: "web", Version: "1.0.0", Now: time.Now(), Author: who}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := deploy.Deploy(ctx, devtest.deployEnv(t, &out), deploy.Options{Project: "web", Version: "1.0.0", Environment: "Test"}); err != nil {
		t.Fatal(err)
	}
	priv, _ := devtest.sp.PrivateKey()
	penv := &promote.Env{Repo: devtest.sp.Repo, Signer: devtest.signer, Key: priv, Author: who, Now: time.Now()}
	p, err := promote.Prepare(penv, promote.Options{Project: "web", Version: "1.0.0", Target: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if err := claimAndRecord(ctx, p, penv); err != nil {
		t.Fatal(err)
	}
	prod.git(t, "fetch", "-q", devtest.sp.Root(), "refs/zonectl/promotions/prod/web:refs/zonectl/inbox/devtest/web/1.0.0")
	return devtest, prod
}

func (s *side) env() *Env {
	pub, _, _ := s.sp.PublicKey()
	return &Env{Name: "prod", Repo: s.sp.Repo, Signer: s.signer, PublicKey: pub, Author: space.Who(s.sp.Repo.Git(), time.Now()), Now: time.Now()}
}

func str(s string) *string { return &s }

func TestReviewAcceptDeploy(t *testing.T) {
	_, prod := setup(t)
	ctx := context.Background()

	r, err := ReviewRelease(prod.sp.Repo, "web", "1.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Previous != nil || len(r.Diff.Steps) != 1 || r.Diff.Steps[0].Kind != "added" {
		t.Errorf("first review: previous %v, steps %+v", r.Previous, r.Diff.Steps)
	}
	var missing []string
	for _, m := range r.Missing {
		missing = append(missing, m.String())
	}
	if got := strings.Join(missing, " "); got != "DbPassword[Staging] LogLevel[Staging] DbPassword[Production] LogLevel[Production]" {
		t.Errorf("missing = %s", got)
	}
	var text bytes.Buffer
	r.Diff.Text(&text)
	if strings.Contains(text.String(), "devpass") || strings.Contains(text.String(), "test-host") {
		t.Errorf("the review shows a value for devtest's own environment:\n%s", text.String())
	}

	env := prod.env()
	// prod has one lifecycle: accept takes it, and gets as far as the
	// values it needs.
	_, err = Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0"})
	var none *MissingError
	if !errors.As(err, &none) || len(none.Missing) != 4 {
		t.Fatalf("accept without a lifecycle: %v", err)
	}
	_, err = Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0", Lifecycle: "Prod", Values: []Value{{Name: "LogLevel", Environment: "Staging", Value: str("info")}}})
	var me *MissingError
	if !errors.As(err, &me) || len(me.Missing) != 3 {
		t.Fatalf("accept with one value: %v", err)
	}
	if _, err := Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0", Lifecycle: "Prod", Values: []Value{{Name: "LogLevel", Environment: "Staging", Value: str("loud")}}}); err == nil || !strings.Contains(err.Error(), `"loud" is not one of the options`) {
		t.Errorf("a select value outside its options: %v", err)
	}
	if _, ok, _ := prod.sp.Repo.Ref("refs/zonectl/releases/web/1.0.0"); ok {
		t.Fatal("a refused accept wrote the release")
	}

	values := []Value{
		{Name: "LogLevel", Environment: "Staging", Value: str("info")},
		{Name: "LogLevel", Environment: "Production", Value: str("warn")},
		{Name: "DbPassword", Environment: "Staging", Value: str("staging-secret")},
		{Name: "DbPassword", Environment: "Production", Value: nil},
	}
	res, err := Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0", Lifecycle: "Prod", Values: values})
	if err != nil {
		t.Fatal(err)
	}
	binding, err := os.ReadFile(filepath.Join(prod.sp.Root(), "imports", "devtest", "web.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(binding), "staging-secret") || !strings.Contains(string(binding), "BEGIN PGP MESSAGE") || !strings.Contains(string(binding), "value       = null") {
		t.Errorf("binding file:\n%s", binding)
	}
	if st := prod.git(t, "status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean after accept:\n%s", st)
	}
	if !res.WorkTree || res.Release.Release.ImportedFrom.Space != "devtest" || res.Release.Release.Lifecycle != "Prod" {
		t.Errorf("result %+v", res.Release.Release)
	}
	if _, diags := prod.sp.Validate(); diags.HasErrors() {
		t.Errorf("prod does not validate after accept: %v", diags)
	}
	if _, err := Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0"}); err == nil || !strings.Contains(err.Error(), "accepted already") {
		t.Errorf("second accept: %v", err)
	}

	var out bytes.Buffer
	denv := prod.deployEnv(t, &out)
	if _, err := deploy.Deploy(ctx, denv, deploy.Options{Project: "web", Version: "1.0.0", Environment: "Staging"}); err != nil {
		t.Fatalf("deploy to Staging: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "host=prod-host level=info pw=********") || strings.Contains(out.String(), "staging-secret") {
		t.Errorf("deployment output:\n%s", out.String())
	}
	if _, err := deploy.Deploy(ctx, denv, deploy.Options{Project: "web", Version: "1.0.0", Environment: "Production"}); err != nil {
		t.Fatalf("deploy to Production: %v", err)
	}

	// Each deployment of devtest's release is a receipt for devtest,
	// signed by prod, carrying no log.
	chain, err := receipt.Chain(prod.sp.Repo, "devtest")
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 3 || chain[0].State != receipt.StateAccepted || chain[0].Environment != "" ||
		chain[1].Position != 2 || chain[2].Position != 3 || chain[1].Environment != "Staging" || chain[2].Environment != "Production" ||
		chain[1].State != "Success" || chain[1].Source != "devtest" || chain[1].Revision != 1 || chain[1].Promotion == "" || chain[1].LogSHA256 == "" {
		t.Errorf("receipts = %+v", chain)
	}
	prodPub, _, _ := prod.sp.PublicKey()
	for _, e := range chain {
		if err := prod.sp.Repo.VerifyCommit(e.Commit, keys.VerifyFunc(keys.NewVerifier(openpgp.EntityList{prodPub}).VerifyOK)); err != nil {
			t.Errorf("receipt %d: %v", e.Position, err)
		}
	}
	if tree := prod.git(t, "ls-tree", "-r", "--name-only", "refs/zonectl/receipts/devtest"); tree != "receipt.json\n" {
		t.Errorf("a receipt holds %q; only receipt.json belongs there", tree)
	}

	// Every commit accept wrote is signed by prod.
	prod.git(t, "cat-file", "-e", res.BindingCommit.String())
	entries, _ := ledger.Events(prod.sp.Repo)
	var kinds []string
	for _, e := range entries {
		kinds = append(kinds, e.Event.Type)
	}
	if got := strings.Join(kinds, ","); got != "acceptance,deployment,deployment" {
		t.Errorf("ledger = %s", got)
	}
}

func TestReject(t *testing.T) {
	_, prod := setup(t)
	if _, err := Reject(context.Background(), prod.env(), "web", "1.0.0", ""); err == nil {
		t.Error("rejected without a reason")
	}
	if _, err := Reject(context.Background(), prod.env(), "web", "1.0.0", "CAB said no\nmore detail"); err != nil {
		t.Fatal(err)
	}
	if got := prod.git(t, "log", "-1", "--format=%s", "refs/zonectl/ledger"); !strings.Contains(got, "Reject web 1.0.0 from devtest (revision 1): CAB said no") {
		t.Errorf("ledger subject %q", got)
	}
	if _, err := Find(prod.sp.Repo, "web", "2.0.0"); err == nil {
		t.Error("found a release that is not in the inbox")
	}
}

// TestReviewComparesSecretsByValue re-promotes a release whose sensitive
// value was re-encrypted for the target: with the target's key, review
// sees no change; without it, the new ciphertext shows as a change.
func TestReviewComparesSecretsByValue(t *testing.T) {
	devtest, prod := setup(t)
	ctx := context.Background()
	env := prod.env()
	values := []Value{
		{Name: "LogLevel", Environment: "Staging", Value: str("info")},
		{Name: "LogLevel", Environment: "Production", Value: str("warn")},
		{Name: "DbPassword", Environment: "Staging", Value: nil},
		{Name: "DbPassword", Environment: "Production", Value: nil},
	}
	if _, err := Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0", Lifecycle: "Prod", Values: values}); err != nil {
		t.Fatal(err)
	}
	priv, _ := devtest.sp.PrivateKey()
	penv := &promote.Env{Repo: devtest.sp.Repo, Signer: devtest.signer, Key: priv, Author: space.Who(devtest.sp.Repo.Git(), time.Now()), Now: time.Now()}
	p, err := promote.Prepare(penv, promote.Options{Project: "web", Version: "1.0.0", Target: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if err := claimAndRecord(ctx, p, penv); err != nil {
		t.Fatal(err)
	}
	prod.git(t, "fetch", "-q", devtest.sp.Root(), "+refs/zonectl/promotions/prod/web:refs/zonectl/inbox/devtest/web/1.0.0")

	prodKey, _ := prod.sp.PrivateKey()
	decrypt := func(c string) (string, error) { b, err := keys.Decrypt(c, prodKey); return string(b), err }
	r, err := ReviewRelease(prod.sp.Repo, "web", "1.0.0", decrypt)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Diff.Empty() {
		var b bytes.Buffer
		r.Diff.Text(&b)
		t.Errorf("a re-promotion with the same secret shows changes:\n%s", b.String())
	}
	r, err = ReviewRelease(prod.sp.Repo, "web", "1.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Diff.Variables) != 1 || r.Diff.Variables[0].Name != "ApiKey" {
		t.Errorf("without the key, the re-encrypted ApiKey should show as changed: %+v", r.Diff.Variables)
	}
}

// TestReceiptImportRefusesForeignReleasesAndPackages: receipts that prod
// signs, but that claim a release devtest never sent it, or packages
// devtest did not send, are refused with devtest's refs unchanged.
func TestReceiptImportRefusesForeignReleasesAndPackages(t *testing.T) {
	devtest, prod := setup(t)
	ctx := context.Background()
	env := prod.env()
	values := []Value{
		{Name: "LogLevel", Environment: "Staging", Value: str("info")},
		{Name: "LogLevel", Environment: "Production", Value: str("warn")},
		{Name: "DbPassword", Environment: "Staging", Value: nil},
		{Name: "DbPassword", Environment: "Production", Value: nil},
	}
	res, err := Accept(ctx, env, AcceptOptions{Project: "web", Version: "1.0.0", Lifecycle: "Prod", Values: values})
	if err != nil {
		t.Fatal(err)
	}
	promotion := res.Release.Release.ImportedFrom.Commit
	devCfg, _ := devtest.sp.Load()
	devPub, _, _ := devtest.sp.PublicKey()
	importEnv := &receipt.ImportEnv{Repo: devtest.sp.Repo, Signer: devtest.signer, Author: space.Who(devtest.sp.Repo.Git(), time.Now()),
		Now: time.Now(), Config: devCfg, Fingerprint: keys.Fingerprint(devPub)}

	for _, tc := range []struct {
		name     string
		origin   receipt.Origin
		packages []snapshot.PackageRef
		want     string
	}{
		{"never promoted", receipt.Origin{Source: "devtest", Revision: 1, Promotion: devtest.git(t, "rev-parse", "refs/heads/main")[:40]}, nil, "which this Space never sent to prod"},
		{"other packages", receipt.Origin{Source: "devtest", Revision: 1, Promotion: promotion},
			[]snapshot.PackageRef{{ID: "web", Version: "1.0.0", SHA256: strings.Repeat("ab", 32), Size: 1}}, "which is not what this Space sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := prod.sp.Repo.Begin(ctx, "test receipt")
			if err != nil {
				t.Fatal(err)
			}
			_, err = receipt.Append(tx, prod.signer, env.Author, "prod", "web", "1.0.0", tc.origin,
				&ledger.DeploymentRecord{ID: "D-x", Environment: "Staging", State: "Success", Packages: tc.packages}, "someone")
			if err == nil {
				err = tx.Commit()
			}
			tx.Rollback()
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "r.zreceipts")
			if _, err := receipt.Export(ctx, prod.sp.Repo, prod.signer, "prod", receipt.ExportOptions{Peer: "devtest", Fingerprint: keys.Fingerprint(devPub), Out: out, Now: time.Now()}); err != nil {
				t.Fatal(err)
			}
			before := devtest.git(t, "for-each-ref", "refs/zonectl")
			_, err = receipt.Import(ctx, importEnv, out)
			var ve *refusal.Error
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("import: %v, want a refusal saying %q", err, tc.want)
			}
			if after := devtest.git(t, "for-each-ref", "refs/zonectl"); after != before {
				t.Errorf("refs changed:\n%s\n---\n%s", before, after)
			}
			// Undo the bad receipt so the next case starts clean.
			tip, _, _ := prod.sp.Repo.Ref(receipt.Ref("devtest"))
			c, _ := prod.sp.Repo.Git().CommitObject(tip)
			if err := prod.sp.Repo.UpdateRef(receipt.Ref("devtest"), c.ParentHashes[0], tip); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// claimAndRecord records a promotion without writing its bundle, for
// tests that carry the promotion commit by git fetch.
func claimAndRecord(ctx context.Context, p *promote.Promotion, env *promote.Env) error {
	if err := p.Claim(ctx, env); err != nil {
		return err
	}
	return p.Record(ctx, env, "")
}
