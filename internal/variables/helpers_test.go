package variables_test

import (
	"errors"
	"strings"

	"github.com/zonectl/zonectl/internal/snapshot"
)

// variable builds a snapshot variable from values.
func variable(name string, values ...snapshot.Value) snapshot.Variable {
	return snapshot.Variable{Name: name, Values: values}
}

// secret builds a sensitive snapshot variable.
func secret(name string, values ...snapshot.Value) snapshot.Variable {
	return snapshot.Variable{Name: name, Sensitive: true, Values: values}
}

func val(v string, s snapshot.Scope) snapshot.Value {
	return snapshot.Value{Value: v, Scope: s}
}

func unscoped(v string) snapshot.Value { return snapshot.Value{Value: v} }

func env(names ...string) snapshot.Scope { return snapshot.Scope{Environment: names} }

// encrypt stands in for an OpenPGP message holding plain, which
// fakeDecrypt opens.
func encrypt(plain string) string { return "-----BEGIN PGP MESSAGE-----\n" + plain }

var errNoKey = errors.New("openpgp: no key to decrypt the message with")

// fakeDecrypt opens what encrypt wrote, counting the calls; a message
// holding "undecryptable" fails as one encrypted to another key would.
type fakeDecrypt struct{ calls []string }

func (f *fakeDecrypt) decrypt(ciphertext string) (string, error) {
	plain, ok := strings.CutPrefix(ciphertext, "-----BEGIN PGP MESSAGE-----\n")
	if !ok || strings.Contains(plain, "undecryptable") {
		return "", errNoKey
	}
	f.calls = append(f.calls, plain)
	return plain, nil
}
