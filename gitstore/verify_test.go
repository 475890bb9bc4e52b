package gitstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
)

// splitSignedCommit separates a raw commit object, as git cat-file prints
// it, into what git verify-commit hands to GnuPG: the object without its
// gpgsig header, and the signature with the header's indentation removed.
func splitSignedCommit(raw string) (payload, signature string) {
	header, body, _ := strings.Cut(raw, "\n\n")
	var kept, sig []string
	inSig := false
	for _, line := range strings.Split(header, "\n") {
		switch {
		case strings.HasPrefix(line, "gpgsig "):
			inSig = true
			sig = append(sig, strings.TrimPrefix(line, "gpgsig "))
		case inSig && strings.HasPrefix(line, " "):
			sig = append(sig, line[1:])
		default:
			inSig = false
			kept = append(kept, line)
		}
	}
	payload = strings.Join(kept, "\n") + "\n\n" + body
	if len(sig) > 0 {
		signature = strings.Join(sig, "\n") + "\n"
	}
	return payload, signature
}

// catCommit is the raw commit object according to stock git.
func catCommit(t *testing.T, r *Repo, h plumbing.Hash) string {
	t.Helper()
	return gitRun(t, r.Root(), "cat-file", "commit", h.String())
}

func TestVerifyCommitPassesWhatGitVerifies(t *testing.T) {
	r := newRepo(t)
	h := commitOn(t, r, "refs/zonectl/ledger", "release web 1.0.0")
	wantPayload, wantSig := splitSignedCommit(catCommit(t, r, h))
	if wantSig == "" {
		t.Fatalf("commit %s has no gpgsig header:\n%s", h, catCommit(t, r, h))
	}
	rec := &recordingVerifier{}
	if err := r.VerifyCommit(h, rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.payload) != wantPayload {
		t.Errorf("payload:\n%q\nwant what git verifies:\n%q", rec.payload, wantPayload)
	}
	if string(rec.signature) != wantSig {
		t.Errorf("signature:\n%q\nwant:\n%q", rec.signature, wantSig)
	}
	if err := r.VerifyCommit(h, pgpVerifier{openpgp.EntityList{spaceKey(t)}}); err != nil {
		t.Errorf("go-crypto rejects our own commit: %v", err)
	}
}

func TestVerifyCommitUnsigned(t *testing.T) {
	r := newRepo(t)
	tree := writeTestTree(t, r, "f", "x")
	out := gitRun(t, r.Root(), "commit-tree", "-m", "unsigned", tree.String())
	h := plumbing.NewHash(strings.TrimSpace(out))
	rec := &recordingVerifier{payload: []byte("sentinel"), signature: []byte("sentinel")}
	if err := r.VerifyCommit(h, rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.signature) != 0 {
		t.Errorf("unsigned commit reached the verifier with signature %q", rec.signature)
	}
	if string(rec.payload) != catCommit(t, r, h) {
		t.Errorf("payload of an unsigned commit = %q, want the whole object", rec.payload)
	}
	err := r.VerifyCommit(h, pgpVerifier{openpgp.EntityList{spaceKey(t)}})
	if !errors.Is(err, errUnsigned) || !strings.Contains(err.Error(), h.String()) {
		t.Errorf("VerifyCommit(unsigned) = %v, want the verifier's error wrapped with %s", err, h)
	}
	if err := r.VerifyCommit(plumbing.NewHash("0123456789abcdef0123456789abcdef01234567"), rec); err == nil {
		t.Error("VerifyCommit of a missing commit succeeded")
	}
}

// TestVerifyCommitOfStockGitSignedCommit checks the payload against a commit
// signed by git commit -S through GnuPG, and that tampering is caught.
func TestVerifyCommitOfStockGitSignedCommit(t *testing.T) {
	r := newRepo(t)
	key := spaceKey(t)
	home := gnupgHome(t, key, true)
	if err := os.WriteFile(filepath.Join(r.Root(), "space.hcl"), []byte("space {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"GNUPGHOME=" + home}
	gitRun(t, r.Root(), "add", "space.hcl")
	if out, errOut, err := gitTry(t, r.Root(), env, "", "-c", "gpg.program=gpg", "commit", "-q",
		"-S"+fingerprint(key), "-m", "signed by stock git\n\nwith a body"); err != nil {
		t.Fatalf("git commit -S: %v\n%s%s", err, out, errOut)
	}
	h := plumbing.NewHash(strings.TrimSpace(gitRun(t, r.Root(), "rev-parse", "HEAD")))
	v := pgpVerifier{openpgp.EntityList{key}}
	if err := r.VerifyCommit(h, v); err != nil {
		t.Fatalf("VerifyCommit of a commit signed by stock git: %v", err)
	}

	raw := catCommit(t, r, h)
	tampered := strings.Replace(raw, "signed by stock git", "signed by stock gjt", 1)
	out, errOut, err := gitTry(t, r.Root(), nil, tampered, "hash-object", "-t", "commit", "-w", "--stdin")
	if err != nil {
		t.Fatalf("git hash-object: %v\n%s", err, errOut)
	}
	bad := plumbing.NewHash(strings.TrimSpace(out))
	if err := r.VerifyCommit(bad, v); err == nil || !strings.Contains(err.Error(), bad.String()) {
		t.Errorf("VerifyCommit of a tampered commit = %v, want an error naming %s", err, bad)
	}
	if _, _, err := gitTry(t, r.Root(), env, "", "verify-commit", bad.String()); err == nil {
		t.Error("git verify-commit accepts the tampered commit too; the test is broken")
	}
	if !bytes.Contains([]byte(raw), []byte("gpgsig ")) {
		t.Errorf("stock git wrote no gpgsig header:\n%s", raw)
	}
}
