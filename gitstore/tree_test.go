package gitstore

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// treeEdgeCases exercise Git's entry order, where a directory sorts as if
// its name ended in "/": "a-" < "a.b" < "a/" < "a0" < "ab".
var treeEdgeCases = []File{
	{Path: "ab", Data: []byte("ab\n")},
	{Path: "a0", Data: []byte("a0\n")},
	{Path: "a/y/z", Data: []byte("deep\n")},
	{Path: "a/x", Data: []byte("x\n")},
	{Path: "a.b", Data: []byte("a.b\n")},
	{Path: "a-", Data: []byte("a-\n")},
	{Path: "b/run.sh", Data: []byte("#!/bin/sh\necho hi\n"), Executable: true},
	{Path: "b.txt", Data: nil},
	{Path: "b-c/d", Data: []byte("d\n")},
	{Path: "Z", Data: []byte("upper case sorts first\n")},
	{Path: "é/ü.hcl", Data: []byte("unicode\n")},
	{Path: "sp ace/t\tab", Data: []byte("odd names\n")},
	{Path: ".gitignore", Data: []byte(".zonectl/\n")},
	{Path: "dup-content", Data: []byte("x\n")},
}

// stockWriteTree builds the same tree with stock git in a separate
// repository: git hash-object -w, git update-index, git write-tree.
func stockWriteTree(t *testing.T, files []File) string {
	t.Helper()
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	var info strings.Builder
	for _, f := range files {
		blob, errOut, err := gitTry(t, dir, nil, string(f.Data), "hash-object", "-w", "--stdin")
		if err != nil {
			t.Fatalf("git hash-object: %v\n%s", err, errOut)
		}
		mode := "100644"
		if f.Executable {
			mode = "100755"
		}
		fmt.Fprintf(&info, "%s %s\t%s\n", mode, strings.TrimSpace(blob), f.Path)
	}
	if _, errOut, err := gitTry(t, dir, nil, info.String(), "update-index", "--add", "--index-info"); err != nil {
		t.Fatalf("git update-index: %v\n%s", err, errOut)
	}
	return strings.TrimSpace(gitRun(t, dir, "write-tree"))
}

func TestWriteTreeMatchesStockGit(t *testing.T) {
	cases := map[string][]File{
		"empty":      nil,
		"one file":   {{Path: "a", Data: []byte("a\n")}},
		"edge cases": treeEdgeCases,
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			r := newRepo(t)
			got, err := r.WriteTree(files)
			if err != nil {
				t.Fatal(err)
			}
			if want := stockWriteTree(t, files); got.String() != want {
				t.Errorf("WriteTree = %s, stock git write-tree = %s", got, want)
			}
			// Stock git reads every file back with its mode and content.
			listing := gitRun(t, r.Root(), "ls-tree", "-r", "-z", got.String())
			var seen int
			for _, line := range strings.Split(strings.TrimSuffix(listing, "\x00"), "\x00") {
				if line == "" {
					continue
				}
				meta, path, _ := strings.Cut(line, "\t")
				f := findFile(files, path)
				if f == nil {
					t.Errorf("git ls-tree lists %q, which was not written", path)
					continue
				}
				seen++
				fields := strings.Fields(meta)
				wantMode := "100644"
				if f.Executable {
					wantMode = "100755"
				}
				if fields[0] != wantMode || fields[1] != "blob" {
					t.Errorf("%q: git ls-tree says %s %s, want %s blob", path, fields[0], fields[1], wantMode)
				}
				if data := gitRun(t, r.Root(), "cat-file", "blob", fields[2]); data != string(f.Data) {
					t.Errorf("%q: content %q, want %q", path, data, f.Data)
				}
			}
			if seen != len(files) {
				t.Errorf("git ls-tree lists %d files, want %d", seen, len(files))
			}
			gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")
		})
	}
}

func findFile(files []File, path string) *File {
	for i := range files {
		if files[i].Path == path {
			return &files[i]
		}
	}
	return nil
}

func TestWriteTreeRefusesBadPaths(t *testing.T) {
	cases := []struct {
		name  string
		files []File
		want  string
	}{
		{"empty path", []File{{Path: ""}}, `tree path "": empty`},
		{"absolute", []File{{Path: "/etc/passwd"}}, `"/etc/passwd": absolute`},
		{"dot-dot", []File{{Path: "a/../b"}}, `"a/../b": ".." component`},
		{"leading dot-dot", []File{{Path: "../b"}}, `"../b": ".." component`},
		{"dot", []File{{Path: "./a"}}, `"./a": "." component`},
		{"empty component", []File{{Path: "a//b"}}, `"a//b": empty component`},
		{"trailing slash", []File{{Path: "a/"}}, `"a/": empty component`},
		{".git", []File{{Path: ".git/config"}}, `".git/config": ".git" component`},
		{".GIT", []File{{Path: "x/.GIT/hooks/pre-commit"}}, `".GIT" component`},
		{"NUL", []File{{Path: "a\x00b"}}, "NUL byte"},
		{"duplicate", []File{{Path: "a/b"}, {Path: "a/b"}}, `"a/b": given twice`},
		{"file then dir", []File{{Path: "a"}, {Path: "a/b"}}, `"a/b": "a" is also a file`},
		{"dir then file", []File{{Path: "a/b"}, {Path: "a"}}, `"a": it is also a directory`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRepo(t)
			h, err := r.WriteTree(c.files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("WriteTree = %s, %v; want an error containing %q", h, err, c.want)
			}
			if h != plumbing.ZeroHash {
				t.Errorf("WriteTree returned %s with its error", h)
			}
		})
	}
}
