package extract

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExtractRefusesEscapes tries every way out of the destination, in
// every format that can express it, and checks that the extraction fails
// naming the entry and that nothing appears outside the destination.
func TestExtractRefusesEscapes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ents  []ent
		entry string // named in the error
	}{
		{"dot-dot", []ent{file("../evil.txt", "x")}, "../evil.txt"},
		{"dot-dot inside", []ent{file("a/b/../../../evil.txt", "x")}, "a/b/../../../evil.txt"},
		{"dot-dot into sibling", []ent{file("../outside/evil.txt", "x")}, "../outside/evil.txt"},
		{"absolute", []ent{file("/tmp/evil.txt", "x")}, "/tmp/evil.txt"},
		{"dot-dot directory", []ent{dir("../evil/")}, "../evil/"},
		{"symlink out then file through it", []ent{symlink("link", "../outside"), file("link/evil.txt", "x")}, "link"},
		{"absolute symlink", []ent{symlink("link", "/etc"), file("link/evil.txt", "x")}, "link"},
		{"symlink climbing after a name", []ent{symlink("sub/l1", ".."), symlink("l2", "sub/l1/.."), file("l2/outside/evil.txt", "x")}, "l2"},
		{"symlink inside then file through it", []ent{dir("real/"), symlink("link", "real"), file("link/evil.txt", "x")}, "link/evil.txt"},
		{"symlink to dot-dot then file through it", []ent{dir("a/"), symlink("a/up", ".."), file("a/up/evil.txt", "x")}, "a/up/evil.txt"},
		{"hardlink out", []ent{hardlink("evil.txt", "../outside/target.txt")}, "evil.txt"},
		{"hardlink absolute", []ent{hardlink("passwd", "/etc/passwd")}, "passwd"},
		{"hardlink to a file not in the archive", []ent{hardlink("evil.txt", "preexisting.txt")}, "evil.txt"},
		{"hardlink to a symlink", []ent{symlink("l", "x"), hardlink("evil.txt", "l")}, "evil.txt"},
		{"device", []ent{{name: "dev", typ: tar.TypeChar, mode: 0o644}}, "dev"},
		{"block device", []ent{{name: "dev", typ: tar.TypeBlock, mode: 0o644}}, "dev"},
		{"fifo", []ent{{name: "fifo", typ: tar.TypeFifo, mode: 0o644}}, "fifo"},
		{"file as the destination", []ent{file(".", "x")}, "."},
		{"link as the destination", []ent{symlink("a/..", "x")}, "a/.."},
	} {
		for _, f := range formats {
			if f.name == "zip" && !zipCanHold(tc.ents) {
				continue
			}
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				parent := t.TempDir()
				outside := filepath.Join(parent, "outside")
				must(t, os.Mkdir(outside, 0o755))
				must(t, os.WriteFile(filepath.Join(outside, "target.txt"), []byte("target"), 0o644))
				dest := filepath.Join(parent, "dest")
				must(t, os.Mkdir(dest, 0o755))
				must(t, os.WriteFile(filepath.Join(dest, "preexisting.txt"), []byte("pre"), 0o644))

				_, err := Extract(context.Background(), writeArchive(t, "pkg", f.build(t, tc.ents)), dest, Options{})
				if !errors.Is(err, ErrUnsafeEntry) {
					t.Fatalf("err = %v, want ErrUnsafeEntry", err)
				}
				if !strings.Contains(err.Error(), `"`+tc.entry+`"`) {
					t.Errorf("error %q does not name the entry %q", err, tc.entry)
				}
				if got := tree(t, parent); !slices.Equal(got[len(got)-2:], []string{"outside/", "outside/target.txt:target"}) ||
					slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "evil") }) {
					t.Errorf("something was written outside the destination: %q", got)
				}
				checkInside(t, dest)
			})
		}
	}
}

func TestExtractZipBackslashes(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "dest")
	_, err := Extract(context.Background(), writeArchive(t, "p.zip", zipBytes(t, []ent{file(`..\evil.txt`, "x")})), dest, Options{})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Errorf(`zip entry ..\evil.txt: err = %v, want ErrUnsafeEntry`, err)
	}
	res, err := Extract(context.Background(), writeArchive(t, "p.zip", zipBytes(t, []ent{file(`lib\net8.0\app.dll`, "x")})), dest, Options{})
	if err != nil || res.Files != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if got := tree(t, dest); !slices.Equal(got, []string{"lib/", "lib/net8.0/", "lib/net8.0/app.dll:x"}) {
		t.Errorf("tree = %q", got)
	}
}

func TestExtractAllowsLinksInside(t *testing.T) {
	dest := t.TempDir()
	_, err := Extract(context.Background(), writeArchive(t, "p.tar", tarBytes(t, []ent{
		file("lib/v1/libx.so.1", "x"),
		symlink("lib/libx.so", "v1/libx.so.1"),
		symlink("bin/libx.so", "../lib/libx.so"),
		symlink("self", "."),
		symlink("dangling", "not/yet/there"),
	})), dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dest, "bin/libx.so"))
	if err != nil || string(b) != "x" {
		t.Errorf("bin/libx.so = %q, %v", b, err)
	}
	checkInside(t, dest)
}

// checkInside fails if a symbolic link under dest resolves outside it.
func checkInside(t testing.TB, dest string) {
	t.Helper()
	real, err := filepath.EvalSymlinks(dest)
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Type()&os.ModeSymlink == 0 {
			return nil
		}
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil // dangling or a loop: it leads nowhere
		}
		if rel, err := filepath.Rel(real, target); err != nil || !filepath.IsLocal(rel) && rel != "." {
			t.Errorf("link %s resolves outside the destination, to %s", p, target)
		}
		return nil
	})
}
