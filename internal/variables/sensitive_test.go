package variables_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

func sensitiveVars() []snapshot.Variable {
	return []snapshot.Variable{
		secret("ApiKey",
			val(encrypt("dev-key-1"), env("Development")),
			val(encrypt("test-key-2"), env("Test")),
			val(encrypt("migrate-key-3"), snapshot.Scope{Step: []string{"Migrate"}}),
		),
		variable("DatabaseHost", val("test-db.internal", env("Test"))),
	}
}

func TestSensitiveDecryptsWinnersOnly(t *testing.T) {
	var dec fakeDecrypt
	set, err := variables.Resolve(sensitiveVars(), nil, variables.Builtins{}, variables.Context{Environment: "Test"}, variables.Options{Decrypt: dec.decrypt})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := set.Get("ApiKey"); got != "test-key-2" {
		t.Errorf("ApiKey = %q, want the decrypted winner", got)
	}
	if got, _ := set.ForStep("Migrate", nil).Get("ApiKey"); got != "migrate-key-3" {
		t.Errorf("in Migrate, ApiKey = %q, want the step's decrypted value", got)
	}
	slices.Sort(dec.calls)
	if want := []string{"migrate-key-3", "test-key-2"}; !slices.Equal(dec.calls, want) {
		t.Errorf("decrypted %q, want only the winners %q", dec.calls, want)
	}
	if got, want := set.Secrets(), []string{"migrate-key-3", "test-key-2"}; !slices.Equal(got, want) {
		t.Errorf("Secrets = %q, want %q (longest first)", got, want)
	}
	for _, v := range set.All() {
		if v.Name == "ApiKey" && !v.Sensitive {
			t.Errorf("ApiKey is not marked sensitive")
		}
		if v.Name == "DatabaseHost" && v.Sensitive {
			t.Errorf("DatabaseHost is marked sensitive")
		}
		for _, s := range []string{"key-", "PGP"} {
			if strings.Contains(v.Source, s) {
				t.Errorf("%s: Source %q holds a secret", v.Name, v.Source)
			}
		}
	}
}

func TestSensitiveMaskedWithoutDecrypt(t *testing.T) {
	set, err := variables.Resolve(sensitiveVars(), nil, variables.Builtins{}, variables.Context{Environment: "Test"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*variables.Set{set, set.ForStep("Migrate", nil)} {
		if got, _ := s.Get("ApiKey"); got != variables.Masked {
			t.Errorf("ApiKey = %q, want %q", got, variables.Masked)
		}
	}
	if got, _ := set.Get("DatabaseHost"); got != "test-db.internal" {
		t.Errorf("DatabaseHost = %q; plain values are not masked", got)
	}
	if got := set.Secrets(); len(got) != 0 {
		t.Errorf("Secrets = %q, want none when nothing was decrypted", got)
	}
	if env := strings.Join(set.Environ(), "\n"); !strings.Contains(env, "ApiKey="+variables.Masked) || strings.Contains(env, "PGP") {
		t.Errorf("Environ = %q, want ApiKey masked", env)
	}
}

func TestSensitiveDecryptError(t *testing.T) {
	vars := []snapshot.Variable{secret("ApiKey", val(encrypt("undecryptable-plain"), env("Test")))}
	_, err := variables.Resolve(vars, nil, variables.Builtins{}, variables.Context{Environment: "Test"}, variables.Options{Decrypt: new(fakeDecrypt).decrypt})
	if err == nil {
		t.Fatal("Resolve succeeded with a value it cannot decrypt")
	}
	if !errors.Is(err, errNoKey) {
		t.Errorf("error %v does not wrap the decryption error", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, `"ApiKey"`) || !strings.Contains(msg, `environment "Test"`) {
		t.Errorf("error %q does not name the variable and its value's scope", msg)
	}
	if strings.Contains(msg, "undecryptable") || strings.Contains(msg, "PGP MESSAGE") {
		t.Errorf("error %q holds the value", msg)
	}
}

func TestSensitiveTieDoesNotShowValues(t *testing.T) {
	vars := []snapshot.Variable{secret("ApiKey", val(encrypt("s3cret-1"), env("Test")), val(encrypt("s3cret-2"), env("Test", "Staging")))}
	_, err := variables.Resolve(vars, nil, variables.Builtins{}, variables.Context{Environment: "Test"}, variables.Options{Decrypt: new(fakeDecrypt).decrypt})
	var tie *variables.TieError
	if !errors.As(err, &tie) {
		t.Fatalf("error %v, want a *TieError", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "PGP") {
		t.Errorf("error %q holds a value", msg)
	}
}
