package envelope

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests check the promise an auditor relies on: stock gpg verifies a
// document's signature over the document file. They need gpg; without it
// they fail rather than skip, because interoperability is the point.

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
	return &gpgHome{t: t, dir: dir}
}

// try runs gpg and returns its status output (--status-fd 1) and its
// standard error.
func (g *gpgHome) try(stdin []byte, args ...string) (status, stderr string, err error) {
	args = append([]string{"--homedir", g.dir, "--batch", "--no-tty", "--status-fd", "1"}, args...)
	cmd := exec.Command("gpg", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("gpg %s: %v\n%s", strings.Join(args, " "), err, errb.Bytes())
	}
	return out.String(), errb.String(), err
}

func (g *gpgHome) file(name string, data []byte) string {
	g.t.Helper()
	p := filepath.Join(g.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		g.t.Fatal(err)
	}
	return p
}

func TestGPGVerifiesDocument(t *testing.T) {
	src := newSpace(t, "devtest")
	data, sig, err := Seal(sampleDoc(), TypeReleaseManifest, v1, src.signer)
	if err != nil {
		t.Fatal(err)
	}
	g := newGPG(t)
	if _, _, err := g.try(src.public, "--import"); err != nil {
		t.Fatal(err)
	}
	doc := g.file("manifest.json", data)
	asc := g.file("manifest.json.asc", sig)
	status, _, err := g.try(nil, "--verify", asc, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "[GNUPG:] VALIDSIG "+src.signer.Fingerprint()) {
		t.Errorf("gpg --verify did not report a good signature by %s:\n%s", src.signer.Fingerprint(), status)
	}

	altered := g.file("altered.json", bytes.Replace(data, []byte("acme-web"), []byte("acme-wex"), 1))
	if _, _, err := g.try(nil, "--verify", asc, altered); err == nil {
		t.Error("gpg accepted the signature over an altered document")
	}
}

// A signature that carries the document type as a notation still verifies
// with gpg, which shows the notation.
func TestGPGShowsNotation(t *testing.T) {
	src := newSpace(t, "devtest")
	data, err := Encode(sampleDoc(), TypeReleaseManifest, v1)
	if err != nil {
		t.Fatal(err)
	}
	sig := src.signNotated(t, data, TypeReleaseManifest)
	g := newGPG(t)
	if _, _, err := g.try(src.public, "--import"); err != nil {
		t.Fatal(err)
	}
	doc := g.file("manifest.json", data)
	asc := g.file("manifest.json.asc", sig)
	status, stderr, err := g.try(nil, "--verify-options", "show-notations", "--verify", asc, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "[GNUPG:] VALIDSIG "+src.signer.Fingerprint()) {
		t.Errorf("gpg --verify did not report a good signature:\n%s", status)
	}
	for _, want := range []string{"[GNUPG:] NOTATION_NAME " + NotationName, "[GNUPG:] NOTATION_DATA " + TypeReleaseManifest} {
		if !strings.Contains(status, want) {
			t.Errorf("gpg status does not show %q:\n%s", want, status)
		}
	}
	if want := NotationName + "=" + TypeReleaseManifest; !strings.Contains(stderr, want) {
		t.Errorf("gpg --verify-options show-notations does not show %q:\n%s", want, stderr)
	}
}
