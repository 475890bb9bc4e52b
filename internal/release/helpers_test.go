package release_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/store"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// baseConfig is a small devtest Space: two local environments and a
// remote one, a lifecycle, and two projects, one deploying two packages.
var baseConfig = map[string]string{
	"space.hcl": `space "devtest" {}

peer "prod" {
  public_key = "not checked by Load"
  accepts    = ["receipts"]
}
`,
	"environments.hcl": `environment "Development" {}
environment "Test" {}
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
  phase "Production" {
    environments = ["Production"]
  }
}
`,
	"projects/acme-web/project.hcl": `project "acme-web" {
  lifecycle = "Default"
  tenanted  = "allowed"
}

package "acme-web" {}
package "acme-db" {}

step "Migrate database" {
  environments = ["Test", "Production"]
  required     = true
  timeout      = "90s"
  run_script {
    body     = file("scripts/migrate.sh")
    packages = ["acme-db"]
  }
}

step "Deploy web" {
  deploy_package {
    package     = "acme-web"
    destination = "/srv/acme/#{Octopus.Environment.Name}"
    substitute  = ["config/*.json"]
  }
}

step "Approve" {
  environments = ["Production"]
  manual_intervention {
    instructions = "Check the change ticket"
  }
}

variable "DatabaseHost" {
  value "localhost" {}
  value "test-db.internal" {
    environment = ["Test"]
  }
}

variable_template "LogLevel" {
  label   = "Log level"
  default = "info"
}
`,
	"projects/acme-web/scripts/migrate.sh": "echo migrating #{DatabaseHost}\n",
	"projects/api/project.hcl": `project "api" {
  lifecycle = "Default"
}

step "Hello" {
  run_script {
    body = "echo hello"
  }
}
`,
}

// fixture is a Space repository on disk, its key, and a package store.
type fixture struct {
	env     release.Env
	keyring openpgp.EntityList
	config  map[string]string // what main holds now
	main    plumbing.Hash
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	repo, err := gitstore.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := keys.Generate(keys.GenerateOptions{Name: "devtest", Time: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := keys.ReadPublic("devtest.asc", pub)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: release.Env{Repo: repo, Signer: signer, Store: st}, keyring: keyring, config: maps.Clone(baseConfig)}
	f.main = f.commit(t, "refs/heads/main", f.config)
	return f
}

func author() object.Signature {
	return object.Signature{Name: "Release Engineer", Email: "re@example.com", When: testNow}
}

// commit writes files as the whole tree of a new signed commit on ref.
func (f *fixture) commit(t testing.TB, ref string, files map[string]string) plumbing.Hash {
	t.Helper()
	var list []gitstore.File
	for _, name := range slices.Sorted(maps.Keys(files)) {
		list = append(list, gitstore.File{Path: name, Data: []byte(files[name])})
	}
	tree, err := f.env.Repo.WriteTree(list)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.env.Repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: ref, Tree: tree, Message: "Configure\n", Author: author(), Signer: f.env.Signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// edit changes files on main, as a merged pull request does.
func (f *fixture) edit(t testing.TB, changes map[string]string) {
	t.Helper()
	maps.Copy(f.config, changes)
	f.main = f.commit(t, "refs/heads/main", f.config)
}

// tarGz builds a package: a gzipped tarball of files.
func tarGz(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg, ModTime: testNow}); err != nil {
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
	return buf.Bytes()
}

// push stores a package whose content names its version, so every
// version has its own hash.
func (f *fixture) push(t testing.TB, id, version string) store.Package {
	t.Helper()
	data := tarGz(t, map[string]string{"VERSION": id + " " + version + "\n", "config/app.json": `{"db": "#{DatabaseHost}"}`})
	pkg, _, err := f.env.Store.Push(context.Background(), bytes.NewReader(data), store.PushOptions{ID: id, Version: version, Now: testNow})
	if err != nil {
		t.Fatalf("push %s %s: %v", id, version, err)
	}
	return pkg
}

// pushDefaults stores one version of each package acme-web deploys.
func (f *fixture) pushDefaults(t testing.TB) {
	t.Helper()
	f.push(t, "acme-web", "1.4.0")
	f.push(t, "acme-db", "3.0.0")
}

func createOpts(project, version string) release.CreateOptions {
	return release.CreateOptions{Project: project, Version: version, Now: testNow, Author: author()}
}

func (f *fixture) create(t testing.TB, opts release.CreateOptions) *release.Loaded {
	t.Helper()
	l, err := release.Create(context.Background(), f.env, opts)
	if err != nil {
		t.Fatalf("Create %s %s: %v", opts.Project, opts.Version, err)
	}
	return l
}

// refs lists every ref under refs/zonectl/ with its target.
func (f *fixture) refs(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	iter, err := f.env.Repo.Git().References()
	if err != nil {
		t.Fatal(err)
	}
	defer iter.Close()
	err = iter.ForEach(func(r *plumbing.Reference) error {
		if name := r.Name().String(); len(name) > len("refs/zonectl/") && name[:len("refs/zonectl/")] == "refs/zonectl/" {
			out[name] = r.Hash().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) events(t testing.TB) []ledger.Entry {
	t.Helper()
	entries, err := ledger.Events(f.env.Repo)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func (f *fixture) verifier() gitstore.Verifier {
	return keys.VerifyFunc(keys.NewVerifier(f.keyring).VerifyOK)
}

// blob returns the hash of a file in a commit's tree.
func blob(t testing.TB, repo *gitstore.Repo, commit plumbing.Hash, name string) plumbing.Hash {
	t.Helper()
	c, err := repo.Git().CommitObject(commit)
	if err != nil {
		t.Fatal(err)
	}
	file, err := c.File(name)
	if err != nil {
		t.Fatalf("commit %s: %s: %v", commit, name, err)
	}
	return file.Hash
}

// fileText returns a file of a commit's tree.
func fileText(t testing.TB, repo *gitstore.Repo, commit plumbing.Hash, name string) string {
	t.Helper()
	c, err := repo.Git().CommitObject(commit)
	if err != nil {
		t.Fatal(err)
	}
	file, err := c.File(name)
	if err != nil {
		t.Fatalf("commit %s: %s: %v", commit, name, err)
	}
	s, err := file.Contents()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
