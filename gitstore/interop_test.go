package gitstore

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestStockGitVerifiesCommits is the interoperability promise of SPEC §3:
// git verify-commit, with GnuPG 2.2 and the Space's public key, accepts
// every commit zonectl signs.
func TestStockGitVerifiesCommits(t *testing.T) {
	requireTool(t, "git")
	requireTool(t, "gpg")
	r := newRepo(t)
	key := spaceKey(t)
	home := gnupgHome(t, key, false)
	env := []string{"GNUPGHOME=" + home}

	for _, ref := range []string{"refs/zonectl/ledger", MainBranch, "refs/zonectl/ledger"} {
		h := commitOn(t, r, ref, "signed on "+ref)
		out, errOut, err := gitTry(t, r.Root(), env, "", "verify-commit", "-v", h.String())
		if err != nil {
			t.Fatalf("git verify-commit %s (on %s): %v\n%s%s", h, ref, err, out, errOut)
		}
		if !strings.Contains(errOut, "Good signature from \"Test Space <space@example.com>\"") {
			t.Errorf("git verify-commit %s did not report a good signature:\n%s", h, errOut)
		}
		if log := gitRun(t, r.Root(), "log", "-1", "--format=%H %s", ref); log != h.String()+" signed on "+ref+"\n" {
			t.Errorf("git log %s = %q", ref, log)
		}
	}
	gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")
	if out := gitRun(t, r.Root(), "rev-list", "--count", "refs/zonectl/ledger"); out != "2\n" {
		t.Errorf("ledger has %s commits, want 2", out)
	}

	// The same commit with a changed message keeps a signature that no
	// longer matches.
	h, _, _ := r.Ref("refs/zonectl/ledger")
	raw := catCommit(t, r, h)
	tampered := strings.Replace(raw, "signed on", "signed 0n", 1)
	out, errOut, err := gitTry(t, r.Root(), nil, tampered, "hash-object", "-t", "commit", "-w", "--stdin")
	if err != nil {
		t.Fatalf("git hash-object: %v\n%s", err, errOut)
	}
	bad := plumbing.NewHash(strings.TrimSpace(out))
	if _, errOut, err := gitTry(t, r.Root(), env, "", "verify-commit", bad.String()); err == nil {
		t.Errorf("git verify-commit accepts a tampered commit:\n%s", errOut)
	} else if !strings.Contains(errOut, "BAD signature") {
		t.Errorf("git verify-commit of a tampered commit:\n%s", errOut)
	}
	// A signature with one byte of its signature packet changed.
	lines := strings.Split(raw, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, " ") && len(line) > 40 && !strings.Contains(line, "PGP") {
			b := []byte(line)
			b[30] ^= 'A' ^ 'B'
			if b[30] == line[30] || !isBase64(b[30]) {
				b[30] = 'Q'
			}
			lines[i] = string(b)
			break
		}
	}
	out, errOut, err = gitTry(t, r.Root(), nil, strings.Join(lines, "\n"), "hash-object", "-t", "commit", "-w", "--stdin")
	if err != nil {
		t.Fatalf("git hash-object: %v\n%s", err, errOut)
	}
	badSig := strings.TrimSpace(out)
	if badSig == h.String() {
		t.Fatal("the signature was not changed")
	}
	if _, errOut, err := gitTry(t, r.Root(), env, "", "verify-commit", badSig); err == nil {
		t.Errorf("git verify-commit accepts a commit with a tampered signature:\n%s", errOut)
	}
	// An unrelated key in GnuPG's keyring does not vouch for our commits.
	if _, errOut, err := gitTry(t, r.Root(), []string{"GNUPGHOME=" + gnupgHome(t, otherKey(t), false)}, "", "verify-commit", h.String()); err == nil {
		t.Errorf("git verify-commit accepts our commit with only another key:\n%s", errOut)
	}
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}
