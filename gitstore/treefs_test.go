package gitstore

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestTreeFS(t *testing.T) {
	r := newRepo(t)
	tree, err := r.WriteTree([]File{
		{Path: "space.hcl", Data: []byte(`space "devtest" {}` + "\n")},
		{Path: "projects/web/project.hcl", Data: []byte("project \"web\" {\n  lifecycle = \"Default\"\n}\n")},
		{Path: "projects/web/scripts/run.sh", Data: []byte("echo hi\n"), Executable: true},
		{Path: "lifecycles.hcl", Data: []byte(`lifecycle "Default" {}` + "\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Commit(t.Context(), CommitOptions{Ref: "refs/zonectl/test", Tree: tree, Message: "tree", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := r.TreeFS(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "space.hcl", "lifecycles.hcl", "projects/web/project.hcl", "projects/web/scripts/run.sh"); err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(fsys, "projects/web/scripts/run.sh")
	if err != nil || string(data) != "echo hi\n" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	if _, err := fsys.Open("../etc/passwd"); err == nil {
		t.Fatal("opened a path outside the tree")
	}
	var walked []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return err
	})
	want := []string{"lifecycles.hcl", "projects/web/project.hcl", "projects/web/scripts/run.sh", "space.hcl"}
	if len(walked) != len(want) {
		t.Fatalf("walked %q, want %q", walked, want)
	}
	for i := range want {
		if walked[i] != want[i] {
			t.Fatalf("walked %q, want %q", walked, want)
		}
	}
}

func TestRefsUnder(t *testing.T) {
	r := newRepo(t)
	a := commitOn(t, r, "refs/zonectl/inbox/devtest/web/1.0.0", "one")
	b := commitOn(t, r, "refs/zonectl/inbox/devtest/api/2.0.0", "two")
	commitOn(t, r, "refs/zonectl/ledger", "other")
	got, err := r.RefsUnder("refs/zonectl/inbox/")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "refs/zonectl/inbox/devtest/api/2.0.0" || got[0].Hash != b || got[1].Hash != a {
		t.Errorf("RefsUnder = %+v", got)
	}
}
