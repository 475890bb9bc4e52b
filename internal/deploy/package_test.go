package deploy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/ledger"
)

const packageProject = `project "acme-web" {
  lifecycle = "Anywhere"
}

package "acme-web" {}
package "tools" {}

step "Deploy web" {
  deploy_package {
    package     = "acme-web"
    destination = "/srv/acme/#{Octopus.Environment.Name}"
    substitute  = ["config/*.json"]
  }
}

step "Use tools" {
  run_script {
    packages = ["tools"]
    body     = "cat tools/VERSION; echo $Octopus_Action_Package_PackageId"
  }
}

variable "DatabaseHost" {
  value "localhost" {}
  value "test-db.internal" {
    environment = ["Test"]
  }
}
`

func TestDeployPackage(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/acme-web/project.hcl": packageProject})
	web := f.push(t, "acme-web", "1.4.0", map[string]string{
		"config/app.json":   `{"db": "#{DatabaseHost}", "env": "#{Octopus.Environment.Name}", "version": "#{Octopus.Action.Package.PackageVersion}"}`,
		"config/deep/x.txt": "#{DatabaseHost}",
		"index.html":        "<h1>#{DatabaseHost}</h1>",
	})
	f.push(t, "acme-web", "1.3.0", map[string]string{"index.html": "old"})
	tools := f.push(t, "tools", "0.1.0", map[string]string{"VERSION": "tools 0.1.0\n"})
	f.release(t, "acme-web", "2.0.0")

	res := f.mustDeploy(t, to("acme-web", "2.0.0", "Test"))
	o := res.Outcomes[0]
	if o.State != ledger.StateSuccess {
		t.Fatalf("outcome %+v\n%s", o, f.out)
	}
	dest := filepath.Join(f.target, "srv", "acme", "Test")
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got, want := read("config/app.json"), `{"db": "test-db.internal", "env": "Test", "version": "1.4.0"}`; got != want {
		t.Errorf("config/app.json = %s, want %s", got, want)
	}
	// Only the files the patterns match are substituted.
	if got := read("index.html"); got != "<h1>#{DatabaseHost}</h1>" {
		t.Errorf("index.html = %q, substituted though no pattern matches it", got)
	}
	if got := read("config/deep/x.txt"); got != "#{DatabaseHost}" {
		t.Errorf("config/deep/x.txt = %q, substituted though config/*.json does not match it", got)
	}
	out := f.out.String()
	if !strings.Contains(out, "extracted 3 files to "+dest+", substituted variables in config/app.json") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(out, "tools 0.1.0") {
		t.Errorf("the script step did not see its package beside it:\n%s", out)
	}
	// Nothing lands at the real path: the target root holds it all.
	if _, err := os.Stat("/srv/acme/Test"); err == nil {
		t.Error("/srv/acme/Test exists: the destination was not placed under TargetRoot")
	}

	deps := f.deployments(t)
	got := deps[len(deps)-1].Event.Deployment.Packages
	want := []ledger.PackageRef{
		{ID: "acme-web", Version: "1.4.0", SHA256: web.SHA256, Size: web.Size},
		{ID: "tools", Version: "0.1.0", SHA256: tools.SHA256, Size: tools.Size},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ledger packages %+v, want %+v", got, want)
	}

	// Another environment, its own destination and values.
	f.mustDeploy(t, to("acme-web", "2.0.0", "Development"))
	data, err := os.ReadFile(filepath.Join(f.target, "srv", "acme", "Development", "config", "app.json"))
	if err != nil || !strings.Contains(string(data), `"db": "localhost"`) {
		t.Errorf("Development app.json %s, %v", data, err)
	}
}

// A package the release pins but the store no longer holds fails the step,
// saying which.
func TestDeployPackageMissingFromStore(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/acme-web/project.hcl": packageProject})
	web := f.push(t, "acme-web", "1.4.0", map[string]string{"index.html": "hi"})
	f.push(t, "tools", "0.1.0", map[string]string{"VERSION": "x"})
	f.release(t, "acme-web", "2.0.0")
	path, err := f.store.BlobPath(web.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	res := f.mustDeploy(t, to("acme-web", "2.0.0", "Test"))
	o := res.Outcomes[0]
	if o.State != ledger.StateFailed || !strings.Contains(o.Steps[0].Reason, "package acme-web 1.4.0 (sha256 "+web.SHA256+") is not in the package store") {
		t.Errorf("outcome %+v", o)
	}
}

func TestDeployPackageDestinationMustBeAbsolute(t *testing.T) {
	project := strings.Replace(packageProject, `destination = "/srv/acme/#{Octopus.Environment.Name}"`, `destination = "srv/#{Octopus.Environment.Name}"`, 1)
	f := newFixture(t, map[string]string{"projects/acme-web/project.hcl": project})
	f.push(t, "acme-web", "1.4.0", map[string]string{"index.html": "hi"})
	f.push(t, "tools", "0.1.0", map[string]string{"VERSION": "x"})
	f.release(t, "acme-web", "2.0.0")
	res := f.mustDeploy(t, to("acme-web", "2.0.0", "Test"))
	o := res.Outcomes[0]
	if o.State != ledger.StateFailed || o.Steps[0].Reason != `destination "srv/Test" is not an absolute path` {
		t.Errorf("outcome %+v", o)
	}
	if !dirEmpty(t, f.target) {
		t.Error("something was extracted")
	}
}
