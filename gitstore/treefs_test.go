package gitstore

import (
	"fmt"
	"io/fs"
	"path"
	"sync"
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

// A TreeFS is read from many goroutines at once (the configuration
// loader parses projects on every core), packed and loose objects alike;
// make test runs this package with the race detector.
func TestTreeFSReadConcurrently(t *testing.T) {
	r := newRepo(t)
	var files []File
	for i := range 40 {
		files = append(files, File{Path: fmt.Sprintf("projects/p%02d/project.hcl", i), Data: []byte(fmt.Sprintf("project \"p%02d\" {}\n", i))})
	}
	tree, err := r.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Commit(t.Context(), CommitOptions{Ref: "refs/zonectl/test", Tree: tree, Message: "tree", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, packed := range []bool{false, true} {
		if packed {
			gitRun(t, r.Root(), "gc", "-q")
		}
		fsys, err := r.TreeFS(h)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(files))
		for _, f := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				entries, err := fs.ReadDir(fsys, path.Dir(f.Path))
				if err == nil && (len(entries) != 1 || entries[0].Name() != "project.hcl") {
					err = fmt.Errorf("%s lists %v", path.Dir(f.Path), entries)
				}
				if err == nil {
					var data []byte
					data, err = fs.ReadFile(fsys, f.Path)
					if err == nil && string(data) != string(f.Data) {
						err = fmt.Errorf("%s reads %q", f.Path, data)
					}
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("packed %v: %v", packed, err)
			}
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
