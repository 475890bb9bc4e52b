package store

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestIsScratchName(t *testing.T) {
	for name, want := range map[string]bool{
		".import-123456":       true,
		".incoming-42.zbundle": true,
		".push-9":              true,
		".part-1":              true,
		".gitignore":           false,
		".parts":               false,
		".scratch.lock":        false,
		"blobs":                false,
		"tmp":                  false,
		".-1":                  false,
		".Import-1":            false,
		"import-1":             false,
		".import2-1":           false,
	} {
		if got := isScratchName(name); got != want {
			t.Errorf("isScratchName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSweepRemovesDebrisOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no file locks: Sweep removes nothing")
	}
	s := newStore(t)
	push(t, s, "web", "1.0.0", []byte("package bytes"))
	// What a killed import, pull of a pushed bundle and push left.
	for _, dir := range []string{".import-1234/packages", ".parts/abc"} {
		if err := os.MkdirAll(s.path(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{".import-1234/packages/x", ".incoming-77.zbundle", "tmp/blob-55", "tmp/index-56", ".parts/abc/web.zbundle.part001"} {
		if err := os.WriteFile(s.path(f), make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// What this process is using.
	live, err := s.TempDir("import")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	liveFile, err := s.TempFile("incoming", ".zbundle")
	if err != nil {
		t.Fatal(err)
	}
	defer liveFile.Remove()

	removed, err := s.Sweep()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var size int64
	for _, r := range removed {
		rel, _ := filepath.Rel(s.Dir(), r.Path)
		got = append(got, filepath.ToSlash(rel))
		size += r.Size
	}
	slices.Sort(got)
	want := []string{".import-1234", ".incoming-77.zbundle", "tmp/blob-55", "tmp/index-56"}
	if !slices.Equal(got, want) || size != 400 {
		t.Fatalf("Sweep removed %v (%d bytes), want %v (400 bytes)", got, size, want)
	}
	for _, keep := range []string{live.Path(), liveFile.Name(), s.path(".parts/abc/web.zbundle.part001"), s.path(".gitignore")} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("Sweep removed %s: %v", keep, err)
		}
	}
	if _, err := s.Get("web", "1.0.0"); err != nil {
		t.Errorf("the package is gone after Sweep: %v", err)
	}
	if again, err := s.Sweep(); err != nil || len(again) != 0 {
		t.Errorf("a second Sweep removed %v, %v", again, err)
	}
}

func TestSweepMissingStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if removed, err := s.Sweep(); err != nil || len(removed) != 0 {
		t.Fatalf("Sweep of a store that does not exist: %v, %v", removed, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Sweep created the store")
	}
}

func TestTempDirPurpose(t *testing.T) {
	s := newStore(t)
	if _, err := s.TempDir("../x"); err == nil {
		t.Fatal("TempDir took a purpose that is not a word")
	}
	d, err := s.TempDir("import")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(d.Path()) != s.Dir() || !isScratchName(filepath.Base(d.Path())) {
		t.Errorf("TempDir made %s", d.Path())
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
	f, err := s.TempFile("part", "")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(f.Name()) != s.Dir() || !isScratchName(filepath.Base(f.Name())) || strings.HasSuffix(f.Name(), ".") {
		t.Errorf("TempFile made %s", f.Name())
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TempFile("incoming", "/x"); err == nil {
		t.Error("TempFile took a suffix with a slash")
	}
}
