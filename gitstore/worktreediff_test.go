package gitstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ChangedFiles with a scope looks only where a command reads: the top's
// files, and the directories named.
func TestChangedFilesInScope(t *testing.T) {
	r := newRepo(t)
	files := []File{
		{Path: "space.hcl", Data: []byte("space\n")},
		{Path: "projects/web/project.hcl", Data: []byte("web\n")},
		{Path: "projects/api/project.hcl", Data: []byte("api\n")},
	}
	tree, err := r.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.Commit(context.Background(), CommitOptions{Ref: MainBranch, Tree: tree, Message: "c\n", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		write(t, filepath.Join(r.Root(), f.Path), string(f.Data))
	}
	// Edits in api only, one new file at the top.
	write(t, filepath.Join(r.Root(), "projects/api/project.hcl"), "api changed\n")
	write(t, filepath.Join(r.Root(), "extra.hcl"), "new\n")
	hcl := func(p string) bool { return strings.HasSuffix(p, ".hcl") }

	all, err := r.ChangedFiles(commit, hcl)
	if err != nil {
		t.Fatal(err)
	}
	web, err := r.ChangedFiles(commit, hcl, ".", "projects/web")
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(all); got != "extra.hcl new, projects/api/project.hcl modified" {
		t.Errorf("whole work tree: %s", got)
	}
	if got := paths(web); got != "extra.hcl new" {
		t.Errorf("scoped to web: %s", got)
	}
	// A project's directory the work tree lacks: its files were deleted.
	if err := os.RemoveAll(filepath.Join(r.Root(), "projects/web")); err != nil {
		t.Fatal(err)
	}
	web, err = r.ChangedFiles(commit, hcl, ".", "projects/web")
	if err != nil || paths(web) != "extra.hcl new, projects/web/project.hcl deleted" {
		t.Errorf("scoped to a deleted web: %s, %v", paths(web), err)
	}
}

func paths(changes []FileChange) string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Path+" "+c.How)
	}
	return strings.Join(out, ", ")
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
