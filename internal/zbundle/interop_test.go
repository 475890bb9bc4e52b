package zbundle

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests play the auditor without zonectl: stock tar, gpg, sha256sum
// and git must check a bundle. Without those tools they fail rather than
// skip, because interoperability is the point.

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found (%v): install it (tar, coreutils, gnupg and git, e.g. apt-get install gnupg git) to run the interoperability tests", tool, err)
		}
	}
}

// run runs a command in dir and returns its standard output.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.String() + stderr.String()
}

// gitBundle makes a real Git bundle of a one-commit repository with stock
// git, and returns it with the ref it carries.
func gitBundle(t *testing.T) ([]byte, GitRef) {
	t.Helper()
	dir := t.TempDir()
	env := []string{"GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}
	run(t, dir, env, "git", "init", "-q", "-b", "main", ".")
	if err := os.WriteFile(filepath.Join(dir, "space.hcl"), []byte("space \"devtest\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, env, "git", "add", ".")
	run(t, dir, env, "git", "commit", "-q", "-m", "release")
	run(t, dir, env, "git", "update-ref", "refs/zonectl/promotions/prod/acme-web", "HEAD")
	run(t, dir, env, "git", "bundle", "create", "-q", "out.bundle", "refs/zonectl/promotions/prod/acme-web")
	heads := strings.Fields(run(t, dir, env, "git", "bundle", "list-heads", "out.bundle"))
	if len(heads) != 2 {
		t.Fatalf("git bundle list-heads: %q", heads)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	return data, GitRef{Name: heads[1], Hash: heads[0]}
}

func TestAuditorWithStockTools(t *testing.T) {
	need(t, "tar", "sha256sum", "gpg", "gpgconf", "git")
	gb, ref := gitBundle(t)
	f := newFixture(t, gb)
	f.m.Git.Refs = []GitRef{ref}
	f.seal(t)

	work := t.TempDir()
	path := filepath.Join(work, "acme-web-1.4.0.zbundle")
	if err := os.WriteFile(path, f.bundle, 0o644); err != nil {
		t.Fatal(err)
	}

	// tar -tvf lists exactly the members, regular files owned by 0/0.
	var want []string
	for _, m := range append([]Member{{Name: ManifestName, Size: int64(len(f.manifest))}, {Name: SignatureName, Size: int64(len(f.sig))}}, f.m.Files()...) {
		want = append(want, fmt.Sprintf("-rw-r--r-- 0/0 %d 2025-03-01 12:00 %s", m.Size, m.Name))
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(run(t, work, []string{"TZ=UTC"}, "tar", "-tvf", path)), "\n") {
		got = append(got, strings.Join(strings.Fields(line), " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tar -tvf lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// tar -xf extracts them, and sha256sum agrees with the manifest.
	out := filepath.Join(work, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, out, nil, "tar", "-xf", path)
	sums := map[string]string{}
	names := []string{GitBundleName}
	for _, file := range f.m.Files()[1:] {
		names = append(names, file.Name)
	}
	for _, line := range strings.Split(strings.TrimSpace(run(t, out, nil, "sha256sum", names...)), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		sums[name] = sum
	}
	for _, file := range f.m.Files() {
		if sums[file.Name] != file.SHA256 {
			t.Errorf("sha256sum %s = %q; the manifest pins %s", file.Name, sums[file.Name], file.SHA256)
		}
	}

	// gpg verifies the manifest with the source's public key.
	home, err := os.MkdirTemp("", "gpg") // short: gpg-agent's socket lives here
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run()
		os.RemoveAll(home)
	})
	keyFile := filepath.Join(work, "devtest.asc")
	if err := os.WriteFile(keyFile, f.src.public, 0o644); err != nil {
		t.Fatal(err)
	}
	gpg := []string{"--homedir", home, "--batch", "--no-tty"}
	run(t, out, nil, "gpg", append(gpg, "--import", keyFile)...)
	status := run(t, out, nil, "gpg", append(gpg, "--status-fd", "1", "--verify", SignatureName, ManifestName)...)
	if !strings.Contains(status, "[GNUPG:] VALIDSIG "+f.src.signer.Fingerprint()) {
		t.Errorf("gpg --verify did not report a good signature:\n%s", status)
	}

	// git bundle verify accepts the Git bundle (it needs a repository).
	repo := t.TempDir()
	run(t, repo, nil, "git", "init", "-q", ".")
	verified := run(t, repo, nil, "git", "bundle", "verify", filepath.Join(out, GitBundleName))
	if !strings.Contains(verified, "is okay") || !strings.Contains(verified, ref.Hash+" "+ref.Name) {
		t.Errorf("git bundle verify:\n%s", verified)
	}

	// A bundle that stock tar packs again from the same files, in the
	// same order, is refused: its headers are not the ones zonectl wrote,
	// and every byte of a bundle must be one the signature vouches for.
	members := []string{ManifestName, SignatureName}
	for _, file := range f.m.Files() {
		members = append(members, file.Name)
	}
	for _, format := range []string{"gnu", "posix", "ustar"} {
		repacked := filepath.Join(work, format+".zbundle")
		run(t, out, nil, "tar", append([]string{"--format=" + format, "-cf", repacked}, members...)...)
		data, err := os.ReadFile(repacked)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = importBundle(t, data, f.src.verifier)
		if format == "posix" {
			wantKind(t, err, ErrNotRegular, "PAX extended header")
		} else {
			wantKind(t, err, ErrMalformed, `"manifest.json": its tar header differs from the one zonectl writes`)
		}
	}
}

// Sparse files, which stock tar makes with -S, are refused in both the
// PAX and the old GNU encoding: a sparse member's size says little about
// the bytes it costs to read.
func TestReaderRefusesSparse(t *testing.T) {
	need(t, "tar", "truncate")
	dir := t.TempDir()
	run(t, dir, nil, "truncate", "-s", "1M", GitBundleName)
	f, err := os.OpenFile(filepath.Join(dir, GitBundleName), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("data"), 500000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// The first two members as zonectl writes them, then stock tar's.
	head := rawTar(t, []tarEntry{{name: ManifestName, data: []byte("{}\n")}, {name: SignatureName, data: []byte("sig\n")}})
	head = head[:len(head)-2*blockSize]
	for format, want := range map[string]string{"posix": "is a PAX extended header", "gnu": `"release.bundle": is a sparse file`} {
		out := filepath.Join(dir, format+".tar")
		run(t, dir, nil, "tar", "-S", "--format="+format, "-cf", out, GitBundleName)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		_, err = scanBundle2(bytes.NewReader(append(bytes.Clone(head), data...)))
		wantKind(t, err, ErrNotRegular, want)
	}
}
