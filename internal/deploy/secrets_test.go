package deploy_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/variables"
)

const (
	apiKey     = "hunter2-sekrit"
	dbPassword = "correct-horse"
)

// A sensitive value, encrypted to the Space's key in the HCL, reaches the
// script decrypted, and appears in no output, log, ledger entry or working
// file.
func TestSecretsAreMaskedEverywhere(t *testing.T) {
	f := newFixture(t, nil)
	got := filepath.Join(t.TempDir(), "got")
	f.commit(t, map[string]string{"projects/web/project.hcl": `project "web" {
  lifecycle = "Anywhere"
}

step "Use the key" {
  run_script {
    body = <<-EOT
      echo "key=#{ApiKey} env=$ApiKey len=$${#ApiKey}"
      echo "db=#{DbPassword}"
      echo "twice: #{ApiKey}#{ApiKey}"
      printf '%s %s' "$ApiKey" "#{DbPassword}" > ` + got + `
      echo "$ApiKey" >&2
    EOT
  }
}

step "Fail with the secret" {
  run_script {
    body = "echo about to fail with #{ApiKey}; exit 1"
  }
}

variable "ApiKey" {
  sensitive = true
  value ` + f.encrypt(t, apiKey) + ` {
    environment = ["Test"]
  }
}

variable "DbPassword" {
  sensitive = true
  value ` + f.encrypt(t, dbPassword) + ` {
    environment = ["Test"]
  }
}

variable_template "DbPassword" {
  type = "sensitive"
}
`})
	f.release(t, "web", "1.0.0")

	res := f.mustDeploy(t, to("web", "1.0.0", "Test"))
	o := res.Outcomes[0]
	if o.State != ledger.StateFailed {
		t.Fatalf("outcome %+v", o)
	}
	data, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != apiKey+" "+dbPassword {
		t.Errorf("the script got %q; want the decrypted values", data)
	}

	out := f.out.String()
	for _, want := range []string{"key=******** env=******** len=14", "db=********", "twice: ****************", "about to fail with ********"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	deps := f.deployments(t)
	commit := deps[len(deps)-1].Commit
	logText := f.log(t, commit)
	if !strings.Contains(logText, "key=******** env=********") {
		t.Errorf("log.txt:\n%s", logText)
	}
	for what, text := range map[string]string{"output": out, "log.txt": logText, "outcome": stepStates(o.Steps) + o.Steps[1].Reason} {
		for _, secret := range []string{apiKey, dbPassword} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s holds the secret %q:\n%s", what, secret, text)
			}
		}
	}

	// No Git object holds a plain value: not the ledger, not the release.
	iter, err := f.sp.Repo.Git().BlobObjects()
	if err != nil {
		t.Fatal(err)
	}
	err = iter.ForEach(func(b *object.Blob) error {
		r, err := b.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		content, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		for _, secret := range []string{apiKey, dbPassword} {
			if strings.Contains(string(content), secret) {
				t.Errorf("blob %s holds the secret %q", b.Hash, secret)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nor the deployment's working files.
	err = filepath.WalkDir(f.env.WorkDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(content), apiKey) || strings.Contains(string(content), dbPassword) {
			t.Errorf("%s holds a secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.sp.Repo.VerifyCommit(plumbing.NewHash(commit), f.verifier()); err != nil {
		t.Errorf("ledger commit: %v", err)
	}
}

// A sensitive value the Space's key cannot open fails before any step runs,
// and the message holds no ciphertext.
func TestUndecryptableSecret(t *testing.T) {
	f := newFixture(t, nil)
	marker := filepath.Join(t.TempDir(), "ran")
	f.commit(t, map[string]string{"projects/web/project.hcl": `project "web" {
  lifecycle = "Anywhere"
}

step "Run" {
  run_script {
    body = "touch ` + marker + `"
  }
}

variable "ApiKey" {
  sensitive = true
  value ` + f.encrypt(t, apiKey) + ` {}
}
`})
	f.release(t, "web", "1.0.0")
	f.env.Decrypt = func(string) (string, error) { return "", errors.New("openpgp: incorrect key") }
	tip := f.ledgerTip(t)
	_, err := f.deploy(to("web", "1.0.0", "Test"))
	if err == nil || !strings.Contains(err.Error(), `decrypting variable "ApiKey"`) || strings.Contains(err.Error(), "PGP MESSAGE") {
		t.Errorf("error %v", err)
	}
	if _, serr := os.Stat(marker); serr == nil {
		t.Error("a step ran without its secret")
	}
	if f.ledgerTip(t) != tip {
		t.Error("the ledger changed")
	}
}

// A required variable template without a value for the environment
// refuses the deployment, naming it; a value scoped there satisfies it.
func TestMissingTemplateRefused(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/web/project.hcl": `project "web" {
  lifecycle = "Anywhere"
}

step "Run" {
  run_script {
    body = "echo #{LogLevel} #{Region}"
  }
}

variable_template "LogLevel" {}
variable_template "Region" {}

variable "LogLevel" {
  value "debug" {}
  value "info" {
    environment = ["Staging"]
  }
}

variable "Region" {
  value "eu-1" {
    environment = ["Staging"]
  }
}
`})
	f.release(t, "web", "1.0.0")
	tip := f.ledgerTip(t)
	for _, dry := range []bool{false, true} {
		opts := to("web", "1.0.0", "Test")
		opts.DryRun = dry
		_, err := f.deploy(opts)
		var refused *deploy.RefusedError
		var missing *variables.MissingTemplateError
		if !errors.As(err, &refused) || !errors.As(err, &missing) || !strings.Contains(err.Error(), `variable templates "LogLevel" and "Region"`) || !strings.Contains(err.Error(), `environment "Test"`) {
			t.Errorf("dry run %v: %v", dry, err)
		}
	}
	if f.ledgerTip(t) != tip {
		t.Error("a refused deployment wrote to the ledger")
	}
	res := f.mustDeploy(t, to("web", "1.0.0", "Staging"))
	if res.Outcomes[0].State != ledger.StateSuccess || !strings.Contains(f.out.String(), "info eu-1") {
		t.Errorf("Staging: %+v\n%s", res.Outcomes[0], f.out)
	}
}
