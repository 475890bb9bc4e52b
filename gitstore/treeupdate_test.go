package gitstore

import (
	"strings"
	"testing"
)

// TestUpdateTreeMatchesStockGit changes one file in a tree and compares
// the result with what stock git makes of the same change.
func TestUpdateTreeMatchesStockGit(t *testing.T) {
	r := newRepo(t)
	base, err := r.WriteTree([]File{
		{Path: "space.hcl", Data: []byte("space \"s\" {}\n")},
		{Path: "imports/devtest/old.hcl", Data: []byte("# old\n")},
		{Path: "projects/a/run.sh", Data: []byte("echo\n"), Executable: true},
		{Path: "z.hcl", Data: []byte("z\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.UpdateTree(base, []File{
		{Path: "imports/devtest/acme-web.hcl", Data: []byte("import \"acme-web\" {}\n")},
		{Path: "z.hcl", Data: []byte("z2\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := r.WriteTree([]File{
		{Path: "space.hcl", Data: []byte("space \"s\" {}\n")},
		{Path: "imports/devtest/old.hcl", Data: []byte("# old\n")},
		{Path: "imports/devtest/acme-web.hcl", Data: []byte("import \"acme-web\" {}\n")},
		{Path: "projects/a/run.sh", Data: []byte("echo\n"), Executable: true},
		{Path: "z.hcl", Data: []byte("z2\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("UpdateTree = %s, want %s", got, want)
	}
	ls := gitRun(t, r.Root(), "ls-tree", "-r", got.String())
	if !strings.Contains(ls, "100755 blob") || !strings.Contains(ls, "imports/devtest/acme-web.hcl") {
		t.Errorf("git ls-tree:\n%s", ls)
	}
	if _, err := r.UpdateTree(base, []File{{Path: "projects", Data: []byte("x")}}); err == nil {
		t.Error("a file replaced a directory")
	}
	if _, err := r.UpdateTree(base, []File{{Path: "z.hcl/x", Data: []byte("x")}}); err == nil {
		t.Error("a file went below a file")
	}
}

// A deleted path leaves the tree, and a directory it empties goes too, as
// after git rm.
func TestUpdateTreeDeletes(t *testing.T) {
	r := newRepo(t)
	base, err := r.WriteTree([]File{
		{Path: "space.hcl", Data: []byte("space \"s\" {}\n")},
		{Path: "keys/prod.asc", Data: []byte("key\n")},
		{Path: "keys/qa/qa.asc", Data: []byte("key\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.UpdateTree(base, []File{
		{Path: "space.hcl", Data: []byte("space \"s\" {}\n# edited\n")},
		{Path: "keys/qa/qa.asc", Deleted: true},
		{Path: "keys/gone.asc", Deleted: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := r.WriteTree([]File{
		{Path: "space.hcl", Data: []byte("space \"s\" {}\n# edited\n")},
		{Path: "keys/prod.asc", Data: []byte("key\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("UpdateTree = %s, want %s", got, want)
	}
	if _, err := r.WriteTree([]File{{Path: "a", Deleted: true}}); err == nil {
		t.Error("WriteTree took a deleted file")
	}
}
