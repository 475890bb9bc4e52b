package deploy_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

// environments is the configuration most tests share: three local
// environments and a remote one; a lifecycle with automatic phases; one
// where anything goes; and tenants.
const environments = `environment "Development" {}
environment "Test" {}
environment "Staging" {}
remote_environment "Production" {
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
  phase "Staging" {
    environments = ["Staging"]
    automatic    = ["Staging"]
  }
  phase "Production" {
    environments = ["Production"]
  }
}

lifecycle "Anywhere" {
  phase "All" {}
}

lifecycle "TwoStep" {
  phase "Test" {
    environments = ["Test"]
  }
  phase "Staging" {
    environments = ["Staging"]
  }
}
`

const peers = `peer "prod" {
  public_key = file("keys/prod.asc")
  accepts    = ["receipts"]
}
`

// fixture is a Space made with space.Init, with its key under a private
// XDG_CONFIG_HOME, a package store, and a deploy.Env to deploy with.
type fixture struct {
	root   string
	sp     *space.Space
	signer *keys.Signer
	public *openpgp.Entity
	store  *store.Store
	env    *deploy.Env
	out    *bytes.Buffer
	target string // TargetRoot
}

func newFixture(t *testing.T, files map[string]string) *fixture {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv(keys.EnvKey, "")
	t.Setenv(keys.EnvPassphraseFile, "")
	ctx := context.Background()
	res, err := space.Init(ctx, space.InitOptions{Name: "devtest", Dir: filepath.Join(t.TempDir(), "devtest"), Now: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{root: res.Space.Root(), sp: res.Space, out: &bytes.Buffer{}, target: t.TempDir()}
	if f.signer, err = f.sp.Signer(); err != nil {
		t.Fatal(err)
	}
	if f.public, _, err = f.sp.PublicKey(); err != nil {
		t.Fatal(err)
	}
	priv, err := f.sp.PrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	if f.store, err = store.Open(store.DefaultDir(f.root)); err != nil {
		t.Fatal(err)
	}
	f.env = &deploy.Env{
		Repo:      f.sp.Repo,
		Signer:    f.signer,
		Store:     f.store,
		SpaceName: "devtest",
		Author:    object.Signature{Name: "Release Engineer", Email: "re@example.com"},
		Decrypt: func(ciphertext string) (string, error) {
			b, err := keys.Decrypt(ciphertext, priv)
			return string(b), err
		},
		Output:     f.out,
		WorkDir:    deploy.DefaultWorkDir(f.root),
		TargetRoot: f.target,
	}
	prod, err := keys.Generate(keys.GenerateOptions{Name: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	prodKey, err := keys.ArmorPublic(prod)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"environments.hcl": environments, "peers.hcl": peers, "keys/prod.asc": string(prodKey)}
	maps.Copy(all, files)
	f.commit(t, all)
	return f
}

// commit writes files into the work tree and commits the whole work tree
// on main, signed, as a merged pull request leaves it.
func (f *fixture) commit(t *testing.T, files map[string]string) plumbing.Hash {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(f.root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var list []gitstore.File
	err := filepath.WalkDir(f.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(f.root, path)
		if d.IsDir() {
			if rel == ".git" || rel == ".zonectl" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		list = append(list, gitstore.File{Path: filepath.ToSlash(rel), Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	repo := f.sp.Repo
	tree, err := repo.WriteTree(list)
	if err != nil {
		t.Fatal(err)
	}
	h, err := repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: gitstore.MainBranch, Tree: tree, Message: "Configure\n", Author: f.env.Author, Signer: f.signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.ResetIndex(h); err != nil {
		t.Fatal(err)
	}
	cfg, diags := f.sp.Validate()
	if diags.HasErrors() || cfg == nil {
		t.Fatalf("the test Space does not validate: %s", diags.Error())
	}
	return h
}

// release creates a release of what main holds.
func (f *fixture) release(t *testing.T, project, version string) *release.Loaded {
	t.Helper()
	l, err := release.Create(context.Background(), release.Env{Repo: f.sp.Repo, Signer: f.signer, Store: f.store}, release.CreateOptions{
		Project: project, Version: version, Now: time.Now(), Author: f.env.Author,
	})
	if err != nil {
		t.Fatalf("create release %s %s: %v", project, version, err)
	}
	return l
}

func (f *fixture) deploy(opts deploy.Options) (*deploy.Result, error) {
	f.out.Reset()
	return deploy.Deploy(context.Background(), f.env, opts)
}

// mustDeploy deploys and fails the test on an error (a failed deployment
// is not an error).
func (f *fixture) mustDeploy(t *testing.T, opts deploy.Options) *deploy.Result {
	t.Helper()
	res, err := f.deploy(opts)
	if err != nil {
		t.Fatalf("deploy %s %s to %s: %v\noutput:\n%s", opts.Project, opts.Version, opts.Environment, err, f.out)
	}
	return res
}

func to(project, version, env string) deploy.Options {
	return deploy.Options{Project: project, Version: version, Environment: env}
}

func (f *fixture) events(t *testing.T) []ledger.Entry {
	t.Helper()
	es, err := ledger.Events(f.sp.Repo)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// deployments lists the deployment events of the ledger.
func (f *fixture) deployments(t *testing.T) []ledger.Entry {
	t.Helper()
	var out []ledger.Entry
	for _, e := range f.events(t) {
		if e.Event.Type == ledger.Deployment {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) ledgerTip(t *testing.T) plumbing.Hash {
	t.Helper()
	h, _, err := f.sp.Repo.Ref(ledger.Ref)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) log(t *testing.T, commit string) string {
	t.Helper()
	data, err := ledger.Log(f.sp.Repo, commit)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (f *fixture) verifier() gitstore.Verifier {
	return keys.VerifyFunc(keys.NewVerifier(openpgp.EntityList{f.public}).VerifyOK)
}

// encrypt encrypts a sensitive value to the Space's key and quotes it as
// an HCL string.
func (f *fixture) encrypt(t *testing.T, plain string) string {
	t.Helper()
	msg, err := keys.Encrypt([]byte(plain), openpgp.EntityList{f.public})
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Quote(msg)
}

// push stores a package built from files.
func (f *fixture) push(t *testing.T, id, version string, files map[string]string) store.Package {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg, ModTime: time.Unix(1741944413, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	pkg, _, err := f.store.Push(context.Background(), &buf, store.PushOptions{ID: id, Version: version, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func sha256Hex(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// stepStates renders step results as "Name=State" for comparison.
func stepStates(steps []ledger.StepResult) string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Name+"="+s.State)
	}
	return strings.Join(out, " ")
}

// lines counts the lines of a file, 0 when it does not exist.
func lines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

// dirEmpty reports whether dir has no entries (or does not exist).
func dirEmpty(t *testing.T, dir string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) == 0
}
