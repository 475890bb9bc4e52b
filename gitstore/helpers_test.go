package gitstore

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

const installHint = "install it with: apt-get install git gnupg"

// requireTool fails the test (never skips it) when a stock tool that the
// interoperability tests depend on is missing.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test runs stock %s, which is not installed (%v); %s", name, err, installHint)
	}
	return p
}

// gitEnv is an environment for stock git that ignores the user's and the
// system's configuration and any GIT_* variables of the caller.
func gitEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "GNUPGHOME=") {
			env = append(env, kv)
		}
	}
	return append(append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Stock Git", "GIT_AUTHOR_EMAIL=git@example.com",
		"GIT_COMMITTER_NAME=Stock Git", "GIT_COMMITTER_EMAIL=git@example.com",
		"LC_ALL=C",
	), extra...)
}

// gitRun runs stock git in dir and returns its stdout; it fails the test if
// git fails.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := gitTry(t, dir, nil, "", args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// gitTry runs stock git in dir with extra environment and stdin.
func gitTry(t testing.TB, dir string, env []string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(requireTool(t, "git"), args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// newRepo initialises a Space in a fresh temporary directory.
func newRepo(t testing.TB) *Repo {
	t.Helper()
	r, err := Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	testKeyOnce sync.Once
	testKey     *openpgp.Entity
	testKeyErr  error
)

// spaceKey is an Ed25519 OpenPGP key like the one zonectl makes for a
// Space, generated once per test binary.
func spaceKey(t testing.TB) *openpgp.Entity {
	t.Helper()
	testKeyOnce.Do(func() {
		testKey, testKeyErr = openpgp.NewEntity("Test Space", "", "space@example.com", &packet.Config{
			Algorithm: packet.PubKeyAlgoEdDSA,
			Curve:     packet.Curve25519,
		})
	})
	if testKeyErr != nil {
		t.Fatal(testKeyErr)
	}
	return testKey
}

// otherKey is a second key, not the Space's.
func otherKey(t testing.TB) *openpgp.Entity {
	t.Helper()
	k, err := openpgp.NewEntity("Someone Else", "", "else@example.com", &packet.Config{
		Algorithm: packet.PubKeyAlgoEdDSA,
		Curve:     packet.Curve25519,
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pgpSigner signs with an OpenPGP key through go-crypto.
type pgpSigner struct{ key *openpgp.Entity }

func (s pgpSigner) Sign(payload []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&b, s.key, bytes.NewReader(payload), nil); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var errUnsigned = errors.New("unsigned commit")

// pgpVerifier checks signatures through go-crypto and rejects unsigned
// commits.
type pgpVerifier struct{ keys openpgp.EntityList }

func (v pgpVerifier) Verify(payload, signature []byte) error {
	if len(signature) == 0 {
		return errUnsigned
	}
	_, err := openpgp.CheckArmoredDetachedSignature(v.keys, bytes.NewReader(payload), bytes.NewReader(signature), nil)
	return err
}

// recordingVerifier remembers what it was given and accepts it.
type recordingVerifier struct{ payload, signature []byte }

func (v *recordingVerifier) Verify(payload, signature []byte) error {
	v.payload, v.signature = payload, signature
	return nil
}

// armoredPublicKey returns key's public key, armored.
func armoredPublicKey(t testing.TB, key *openpgp.Entity) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gnupgHome makes a GnuPG home directory holding key (with its secret part
// if withSecret) and returns its path. The path is short because gpg-agent's
// socket path has a length limit; the agent is killed at cleanup.
func gnupgHome(t testing.TB, key *openpgp.Entity, withSecret bool) string {
	t.Helper()
	gpg := requireTool(t, "gpg")
	gpgconf := requireTool(t, "gpgconf")
	home, err := os.MkdirTemp("", "g")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command(gpgconf, "--homedir", home, "--kill", "gpg-agent").Run()
		os.RemoveAll(home)
	})
	keyData := armoredPublicKey(t, key)
	if withSecret {
		var b bytes.Buffer
		w, err := armor.Encode(&b, openpgp.PrivateKeyType, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := key.SerializePrivate(w, nil); err != nil {
			t.Fatal(err)
		}
		w.Close()
		keyData = b.Bytes()
	}
	for _, args := range [][]string{
		{"--batch", "--homedir", home, "--import"},
		{"--batch", "--homedir", home, "--import-ownertrust"},
	} {
		cmd := exec.Command(gpg, args...)
		if args[len(args)-1] == "--import" {
			cmd.Stdin = bytes.NewReader(keyData)
		} else {
			cmd.Stdin = strings.NewReader(fingerprint(key) + ":6:\n") // ultimate trust
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return home
}

// fingerprint is key's primary key fingerprint, as GnuPG prints it.
func fingerprint(key *openpgp.Entity) string {
	return strings.ToUpper(hex.EncodeToString(key.PrimaryKey.Fingerprint))
}

// author is a fixed commit author.
func author() object.Signature {
	return object.Signature{Name: "Zonectl Test", Email: "zonectl@example.com", When: time.Unix(1700000000, 0).UTC()}
}

// writeTestTree writes a one-file tree.
func writeTestTree(t testing.TB, r *Repo, path, content string) plumbing.Hash {
	t.Helper()
	h, err := r.WriteTree([]File{{Path: path, Data: []byte(content)}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// commitOn writes a signed commit of a one-file tree on ref.
func commitOn(t testing.TB, r *Repo, ref, msg string) plumbing.Hash {
	t.Helper()
	h, err := r.Commit(t.Context(), CommitOptions{
		Ref:     ref,
		Tree:    writeTestTree(t, r, "f.txt", msg),
		Message: msg,
		Author:  author(),
		Signer:  pgpSigner{spaceKey(t)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// realPath resolves symlinks so that paths can be compared.
func realPath(t testing.TB, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// shortLockWait makes zonectl give up on Git's lock files after a moment,
// for tests of a lock file that stays.
func shortLockWait(t *testing.T) {
	old := GitLockWait
	GitLockWait = 100 * time.Millisecond
	t.Cleanup(func() { GitLockWait = old })
}
