package keys

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// These tests check the promise that stock GnuPG 2.2 and Git accept what this
// package makes, and the reverse. They need gpg; without it they fail rather
// than skip, because interoperability is the point.

// gpgHome is a throwaway GnuPG home directory.
type gpgHome struct {
	t   *testing.T
	dir string
}

func newGPG(t *testing.T) *gpgHome {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Fatalf("gpg not found (%v): install GnuPG 2.2 or later (e.g. apt-get install gnupg) to run the interoperability tests", err)
	}
	// Not t.TempDir: gpg-agent's socket lives in the home directory, and
	// socket paths are limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", dir, "--kill", "gpg-agent").Run()
		os.RemoveAll(dir)
	})
	// Cheap passphrase stretching, in the agent's store and in exported
	// keys, keeps the tests fast; the format is the same.
	g := &gpgHome{t: t, dir: dir}
	g.file("gpg-agent.conf", []byte("s2k-count 65536\n"))
	g.file("gpg.conf", []byte("s2k-count 65536\n"))
	return g
}

// run runs gpg with stdin and returns its standard output, failing the test
// if gpg fails.
func (g *gpgHome) run(stdin []byte, args ...string) []byte {
	g.t.Helper()
	out, err := g.try(stdin, args...)
	if err != nil {
		g.t.Fatalf("gpg %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (g *gpgHome) try(stdin []byte, args ...string) ([]byte, error) {
	args = append([]string{"--homedir", g.dir, "--batch", "--no-tty", "--pinentry-mode", "loopback"}, args...)
	cmd := exec.Command("gpg", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%v\n%s", err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// file writes data to a file in the gpg home and returns its path.
func (g *gpgHome) file(name string, data []byte) string {
	g.t.Helper()
	p := filepath.Join(g.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		g.t.Fatal(err)
	}
	return p
}

func (g *gpgHome) importKey(armored []byte, extra ...string) {
	g.t.Helper()
	g.run(armored, append(extra, "--import")...)
}

func TestGPGReadsPublicKeyAndSignatures(t *testing.T) {
	e := mustGenerate(t, "prod", time.Now().Add(-time.Hour))
	fpr := Fingerprint(e)
	pub, err := ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	g := newGPG(t)
	g.importKey(pub)

	// pub:-:255:22:KEYID:... and sub:-:255:18:...
	var primaryAlgo, subAlgo string
	var fprs []string
	for _, line := range strings.Split(string(g.run(nil, "--with-colons", "--list-keys", fpr)), "\n") {
		f := strings.Split(line, ":")
		switch {
		case f[0] == "pub" && len(f) > 3:
			primaryAlgo = f[3]
		case f[0] == "sub" && len(f) > 3:
			subAlgo = f[3]
		case f[0] == "fpr" && len(f) > 9:
			fprs = append(fprs, f[9])
		}
	}
	if primaryAlgo != "22" {
		t.Errorf("gpg lists the primary key as algorithm %q; want 22 (EdDSA)", primaryAlgo)
	}
	if subAlgo != "18" {
		t.Errorf("gpg lists the subkey as algorithm %q; want 18 (ECDH)", subAlgo)
	}
	if len(fprs) == 0 || fprs[0] != fpr {
		t.Errorf("gpg lists fingerprints %v; want %s first", fprs, fpr)
	}

	sig, err := mustSigner(t, e).Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	sigPath := g.file("payload.asc", sig)
	payloadPath := g.file("payload", payload)
	status := string(g.run(nil, "--status-fd", "1", "--verify", sigPath, payloadPath))
	if !strings.Contains(status, "[GNUPG:] GOODSIG "+keyID(e.PrimaryKey.KeyId)) ||
		!strings.Contains(status, "[GNUPG:] VALIDSIG "+fpr) {
		t.Errorf("gpg --verify did not report a good signature by %s:\n%s", fpr, status)
	}

	tampered := append(bytes.Clone(payload), 'x')
	if _, err := g.try(nil, "--verify", sigPath, g.file("tampered", tampered)); err == nil {
		t.Error("gpg accepted a signature over a tampered payload")
	}

	// gpg's own export of the key reads back as the same key.
	exported := g.run(nil, "--armor", "--export", fpr)
	el, err := ReadPublic("gpg --export", exported)
	if err != nil {
		t.Fatal(err)
	}
	if len(el) != 1 || Fingerprint(el[0]) != fpr {
		t.Errorf("gpg's export reads back as %d keys; want %s", len(el), fpr)
	}
}

func TestGPGUsesPrivateKey(t *testing.T) {
	e := mustGenerate(t, "prod", time.Now().Add(-time.Hour))
	fpr := Fingerprint(e)
	plaintext := []byte("database password: hunter2\n")

	for _, pass := range []string{"", "correct horse battery staple"} {
		t.Run(fmt.Sprintf("passphrase=%q", pass), func(t *testing.T) {
			priv, err := ArmorPrivate(e, []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			g := newGPG(t)
			var passArgs []string
			if pass != "" {
				passArgs = []string{"--passphrase-file", g.file("pass", []byte(pass+"\n"))}
			}
			g.importKey(priv, passArgs...)

			// zonectl encrypts, gpg decrypts.
			msg, err := Encrypt(plaintext, publicOnly(t, e))
			if err != nil {
				t.Fatal(err)
			}
			got := g.run([]byte(msg), append(passArgs, "--decrypt")...)
			if !bytes.Equal(got, plaintext) {
				t.Errorf("gpg --decrypt = %q; want %q", got, plaintext)
			}

			// gpg encrypts, zonectl decrypts.
			enc := g.run(plaintext, "--trust-model", "always", "--armor", "--encrypt", "--recipient", fpr)
			got, err = Decrypt(string(enc), e)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plaintext) {
				t.Errorf("Decrypt of gpg's message = %q; want %q", got, plaintext)
			}

			// gpg signs, zonectl verifies.
			sig := g.run(payload, append(passArgs, "--armor", "--detach-sign", "--local-user", fpr)...)
			v := NewVerifier(publicOnly(t, e))
			s, err := v.Verify(payload, sig)
			if err != nil {
				t.Fatalf("Verify of gpg's signature: %v", err)
			}
			if s.Fingerprint != fpr {
				t.Errorf("gpg's signature verified as by %s; want %s", s.Fingerprint, fpr)
			}

			// gpg's export of the private key is refused as a public key
			// and read as a private one.
			exported := g.run(nil, append(passArgs, "--armor", "--export-secret-keys", fpr)...)
			_, err = ReadPublic("exported.asc", exported)
			wantErr(t, err, exportHint)
			back, err := ReadPrivate("exported.asc", exported, []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			if Fingerprint(back) != fpr {
				t.Errorf("gpg's private key export reads as %s; want %s", Fingerprint(back), fpr)
			}
		})
	}
}

// TestGitVerifyCommit builds a commit the way `git commit -S` does, with the
// signature from Sign in its gpgsig header, and checks that stock `git
// verify-commit` accepts it.
func TestGitVerifyCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git not found (%v): install Git to run the interoperability tests", err)
	}
	e := mustGenerate(t, "prod", time.Now().Add(-time.Hour))
	pub, _ := ArmorPublic(e)
	g := newGPG(t)
	g.importKey(pub)

	repo := t.TempDir()
	git := func(stdin []byte, args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Stdin = bytes.NewReader(stdin)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+g.dir, "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	mustGit := func(stdin []byte, args ...string) string {
		t.Helper()
		out, err := git(stdin, args...)
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	mustGit(nil, "init", "-q")
	tree := mustGit(nil, "hash-object", "-t", "tree", "-w", "--stdin")
	when := fmt.Sprintf("%d +0000", time.Now().Unix())
	header := fmt.Sprintf("tree %s\nauthor prod <prod@zonectl.invalid> %s\ncommitter prod <prod@zonectl.invalid> %s\n", tree, when, when)
	message := "\nrelease acme-web 1.4.0\n"

	commit := func(body string) string {
		sig, err := mustSigner(t, e).Sign([]byte(header + body))
		if err != nil {
			t.Fatal(err)
		}
		// The gpgsig header continues on lines that start with a space.
		gpgsig := "gpgsig " + strings.ReplaceAll(strings.TrimSuffix(string(sig), "\n"), "\n", "\n ") + "\n"
		return mustGit([]byte(header+gpgsig+message), "hash-object", "-t", "commit", "-w", "--stdin")
	}

	good := commit(message)
	if out, err := git(nil, "verify-commit", "--raw", good); err != nil {
		t.Errorf("git verify-commit refused a commit signed by Sign: %v\n%s", err, out)
	}
	// The same signature on a commit with another message is refused.
	forged := commit("\nanother message\n")
	if out, err := git(nil, "verify-commit", forged); err == nil {
		t.Errorf("git verify-commit accepted a commit whose signature is over other content:\n%s", out)
	}

	// Our Verifier agrees with git about the commit git reads back.
	raw := mustGit(nil, "cat-file", "commit", good) + "\n"
	payload, sig := splitGPGSig(t, raw)
	if _, err := NewVerifier(openpgp.EntityList{e}).Verify(payload, sig); err != nil {
		t.Errorf("Verify refused the commit git accepted: %v", err)
	}
}

// splitGPGSig separates a raw commit into the signed payload and the
// signature, as git does.
func splitGPGSig(t *testing.T, raw string) (payload, sig []byte) {
	var p, s strings.Builder
	inSig := false
	lines := strings.SplitAfter(raw, "\n")
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "gpgsig "):
			inSig = true
			s.WriteString(strings.TrimPrefix(line, "gpgsig "))
		case inSig && strings.HasPrefix(line, " "):
			s.WriteString(line[1:])
		case line == "\n":
			p.WriteString(strings.Join(lines[i:], ""))
			return []byte(p.String()), []byte(s.String())
		default:
			inSig = false
			p.WriteString(line)
		}
	}
	t.Fatalf("commit has no message:\n%s", raw)
	return nil, nil
}
