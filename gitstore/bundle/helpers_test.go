package bundle

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/zonectl/zonectl/gitstore"
)

const installHint = "install it with: apt-get install git"

// requireGit fails the test (never skips it) when stock git is missing: the
// interoperability tests are the point of this package.
func requireGit(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("this test runs stock git, which is not installed (%v); %s", err, installHint)
	}
	return p
}

// gitEnv is an environment for stock git that ignores the user's and the
// system's configuration, with fixed identities and dates so that the
// repositories the tests build are the same on every run.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Stock Git", "GIT_AUTHOR_EMAIL=git@example.com",
		"GIT_COMMITTER_NAME=Stock Git", "GIT_COMMITTER_EMAIL=git@example.com",
		"GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z",
		"LC_ALL=C",
	)
}

// gitTry runs stock git in dir.
func gitTry(t testing.TB, dir string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(requireGit(t), args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// gitRun runs stock git in dir and returns its stdout, failing the test if
// git fails.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := gitTry(t, dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// revParse returns the object a revision names in the repository at dir.
func revParse(t testing.TB, dir, rev string) plumbing.Hash {
	t.Helper()
	return plumbing.NewHash(strings.TrimSpace(gitRun(t, dir, "rev-parse", "--verify", rev)))
}

// initRepo creates an empty repository with stock git.
func initRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q", "-b", "main")
	return dir
}

// fileText returns the deterministic content of file i at edit e: about
// 40 lines of text, of which edit e changes a few.
func fileText(i, e int) string {
	var b strings.Builder
	for l := 0; l < 40; l++ {
		fmt.Fprintf(&b, "file %d line %d: the quick brown fox jumps over the lazy dog", i, l)
		if l%10 == (i+e)%10 && e > 0 {
			fmt.Fprintf(&b, " (edited in round %d)", e)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// buildHistory commits to dir, with stock git, a first commit of files
// files in a few directories and then commits more commits, each editing a
// few files. It returns the commits, oldest first.
func buildHistory(t testing.TB, dir string, files, commits int) []plumbing.Hash {
	t.Helper()
	write := func(i, e int) {
		p := filepath.Join(dir, fmt.Sprintf("dir%d", i%7), fmt.Sprintf("file%03d.txt", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fileText(i, e)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out []plumbing.Hash
	for c := 0; c < commits; c++ {
		if c == 0 {
			for i := 0; i < files; i++ {
				write(i, 0)
			}
		} else {
			for k := 0; k < 3; k++ {
				write((c*7+k*13)%files, c)
			}
		}
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-q", "-m", fmt.Sprintf("commit %d\n\nbody of commit %d", c, c))
		out = append(out, revParse(t, dir, "HEAD"))
	}
	return out
}

// openStore opens the repository at dir with go-git and returns its object
// store.
func openStore(t testing.TB, dir string) storer.EncodedObjectStorer {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r.Storer
}

// openObjects opens the repository at dir with gitstore and returns its
// object store, which Unbundle stores packs into as git does.
func openObjects(t testing.TB, dir string) *gitstore.ObjectStore {
	t.Helper()
	r, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r.Objects()
}

// countObjects returns git count-objects -v for the repository at dir.
func countObjects(t testing.TB, dir string) string {
	t.Helper()
	return gitRun(t, dir, "count-objects", "-v")
}

// writeFile writes b to a new file in a temporary directory.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
