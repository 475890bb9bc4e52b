package bundle

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// stockRepo is a repository built with stock git: 30 files, 10 commits on
// main, a branch "base" at the fifth commit and an annotated tag "v1" at the
// third.
type stockRepo struct {
	dir     string
	commits []plumbing.Hash
	base    plumbing.Hash
	tip     plumbing.Hash
	tag     plumbing.Hash
}

func newStockRepo(t testing.TB) *stockRepo {
	t.Helper()
	dir := initRepo(t)
	commits := buildHistory(t, dir, 30, 10)
	gitRun(t, dir, "branch", "base", commits[4].String())
	gitRun(t, dir, "tag", "-a", "-m", "version one", "v1", commits[2].String())
	return &stockRepo{
		dir: dir, commits: commits, base: commits[4], tip: commits[len(commits)-1],
		tag: revParse(t, dir, "refs/tags/v1"),
	}
}

// cloneAtBase returns a repository that has the history of base only.
func (r *stockRepo) cloneAtBase(t testing.TB) string {
	t.Helper()
	dir := initRepo(t)
	gitRun(t, dir, "fetch", "-q", r.dir, "refs/heads/base:refs/heads/base")
	return dir
}

// create writes our bundle of the repository to a file.
func (r *stockRepo) create(t testing.TB, opts CreateOptions) (string, *Header) {
	t.Helper()
	var buf bytes.Buffer
	h, err := Create(context.Background(), &buf, openStore(t, r.dir), opts)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "ours.bundle", buf.Bytes()), h
}

func TestStockGitClonesOurFullBundle(t *testing.T) {
	r := newStockRepo(t)
	for _, version := range []int{2, 3} {
		path, h := r.create(t, CreateOptions{Version: version, Refs: []Reference{
			{Name: "refs/heads/main", Hash: r.tip},
			{Name: "refs/tags/v1", Hash: r.tag},
			{Name: "HEAD", Hash: r.tip},
		}})
		if len(h.Prerequisites) != 0 {
			t.Errorf("v%d: a full bundle has prerequisites %v", version, h.Prerequisites)
		}
		empty := initRepo(t)
		out := gitRun(t, empty, "bundle", "verify", path)
		if !strings.Contains(out, "complete history") {
			t.Errorf("v%d: git bundle verify says:\n%s", version, out)
		}
		dst := filepath.Join(t.TempDir(), "clone")
		gitRun(t, filepath.Dir(dst), "clone", "-q", path, dst)
		if got := revParse(t, dst, "refs/remotes/origin/main"); got != r.tip {
			t.Errorf("v%d: clone has origin/main %s, want %s", version, got, r.tip)
		}
		if got := revParse(t, dst, "refs/tags/v1"); got != r.tag {
			t.Errorf("v%d: clone has tag v1 %s, want %s", version, got, r.tag)
		}
		gitRun(t, dst, "fsck", "--full", "--strict", "--no-dangling")
		if out := gitRun(t, dst, "rev-list", "--count", "--all"); out != "10\n" {
			t.Errorf("v%d: clone has %s commits, want 10", version, out)
		}
	}
}

func TestStockGitFetchesOurIncrementalBundle(t *testing.T) {
	r := newStockRepo(t)
	for _, version := range []int{2, 3} {
		path, h := r.create(t, CreateOptions{Version: version,
			Refs:    []Reference{{Name: "refs/heads/main", Hash: r.tip}},
			Exclude: []plumbing.Hash{r.base},
		})
		if want := []Prerequisite{{Hash: r.base, Comment: "commit 4"}}; !slices.Equal(h.Prerequisites, want) {
			t.Errorf("v%d: prerequisites %v, want %v", version, h.Prerequisites, want)
		}
		if n := externalBases(t, path); n == 0 {
			t.Errorf("v%d: our incremental pack has no delta against a prerequisite's objects: it is not thin", version)
		}

		have := r.cloneAtBase(t)
		out := gitRun(t, have, "bundle", "verify", path)
		if !strings.Contains(out, "requires this ref") {
			t.Errorf("v%d: git bundle verify says:\n%s", version, out)
		}
		gitRun(t, have, "fetch", "-q", path, "refs/*:refs/remotes/b/*")
		if got := revParse(t, have, "refs/remotes/b/heads/main"); got != r.tip {
			t.Errorf("v%d: fetched main %s, want %s", version, got, r.tip)
		}
		gitRun(t, have, "fsck", "--full", "--strict", "--no-dangling")

		lacking := initRepo(t)
		_, errOut, err := gitTry(t, lacking, "bundle", "verify", path)
		if err == nil || !strings.Contains(errOut, "lacks these prerequisite commits") || !strings.Contains(errOut, r.base.String()) {
			t.Errorf("v%d: git bundle verify in a repository without the base: err %v, stderr:\n%s", version, err, errOut)
		}
	}
}

// TestPrerequisitesMatchStockGit compares the boundary commits we compute
// with git bundle create's on a history with a side branch and a merge.
func TestPrerequisitesMatchStockGit(t *testing.T) {
	r := newStockRepo(t)
	dir := r.dir
	gitRun(t, dir, "checkout", "-q", "-b", "side", r.commits[6].String())
	if err := os.WriteFile(filepath.Join(dir, "side.txt"), []byte(fileText(99, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "side work")
	side := revParse(t, dir, "HEAD")
	gitRun(t, dir, "checkout", "-q", "main")
	gitRun(t, dir, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	merge := revParse(t, dir, "HEAD")
	if err := os.WriteFile(filepath.Join(dir, "after.txt"), []byte("after the merge\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "after merge")
	tip := revParse(t, dir, "HEAD")

	for _, tc := range []struct {
		name    string
		exclude []plumbing.Hash
	}{
		{"side", []plumbing.Hash{side}},
		{"base", []plumbing.Hash{r.base}},
		{"base and side", []plumbing.Hash{r.base, side}},
		{"merge", []plumbing.Hash{merge}},
		{"first and side", []plumbing.Hash{r.commits[0], side}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"bundle", "create", filepath.Join(t.TempDir(), "stock.bundle"), "main"}
			for _, h := range tc.exclude {
				args = append(args, "^"+h.String())
			}
			gitRun(t, dir, args...)
			stock := readHeaderFile(t, args[2])

			path, ours := r.create(t, CreateOptions{
				Refs:    []Reference{{Name: "refs/heads/main", Hash: tip}},
				Exclude: tc.exclude,
			})
			if got, want := prereqSet(ours), prereqSet(stock); !slices.Equal(got, want) {
				t.Errorf("prerequisites %v, stock git's %v", got, want)
			}
			have := initRepo(t)
			gitRun(t, have, "fetch", "-q", dir, "refs/heads/main:refs/x/main", "refs/heads/side:refs/x/side")
			gitRun(t, have, "bundle", "verify", path)
		})
	}
}

// TestUnbundleStockBundles reads what stock git writes: a full bundle of
// every ref, and thin incremental bundles in both versions.
func TestUnbundleStockBundles(t *testing.T) {
	r := newStockRepo(t)
	dir := t.TempDir()
	full := filepath.Join(dir, "full.bundle")
	thin := filepath.Join(dir, "thin.bundle")
	thin3 := filepath.Join(dir, "thin3.bundle")
	gitRun(t, r.dir, "bundle", "create", full, "--all")
	gitRun(t, r.dir, "bundle", "create", thin, "base..main")
	gitRun(t, r.dir, "bundle", "create", "--version=3", thin3, "base..main")

	t.Run("full", func(t *testing.T) {
		into := initRepo(t)
		h := unbundleFile(t, full, into)
		if h.Version != 2 || len(h.Prerequisites) != 0 || len(h.References) != 4 {
			t.Errorf("header %+v, want v2, no prerequisites, 4 refs (HEAD, base, main, v1)", h)
		}
		checkRefsAndFsck(t, into, h)
	})
	for _, tc := range []struct {
		name, path string
		version    int
	}{{"thin v2", thin, 2}, {"thin v3", thin3, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			if n := externalBases(t, tc.path); n == 0 {
				t.Fatalf("stock git's base..main pack has no delta against the base: the test does not exercise thin packs")
			}
			into := r.cloneAtBase(t)
			h := unbundleFile(t, tc.path, into)
			if h.Version != tc.version || !slices.Equal(prereqSet(h), []plumbing.Hash{r.base}) {
				t.Errorf("header %+v, want v%d with prerequisite %s", h, tc.version, r.base)
			}
			checkRefsAndFsck(t, into, h)

			lacking := initRepo(t)
			before := countObjects(t, lacking)
			f, err := os.Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = Unbundle(context.Background(), f, openObjects(t, lacking), UnbundleOptions{})
			var missing *MissingPrerequisiteError
			if !errors.As(err, &missing) || !slices.Equal(missing.Hashes, []plumbing.Hash{r.base}) {
				t.Fatalf("Unbundle into a repository without the base: %v, want a MissingPrerequisiteError naming %s", err, r.base)
			}
			if after := countObjects(t, lacking); after != before {
				t.Errorf("Unbundle wrote objects although a prerequisite is missing:\nbefore:\n%safter:\n%s", before, after)
			}
		})
	}
}

// TestUnbundleOurBundles reads our own bundles back, into a store on disk,
// and checks the result with stock git.
func TestUnbundleOurBundles(t *testing.T) {
	r := newStockRepo(t)
	path, _ := r.create(t, CreateOptions{Version: 3,
		Refs:    []Reference{{Name: "refs/heads/main", Hash: r.tip}, {Name: "refs/tags/v1", Hash: r.tag}},
		Exclude: []plumbing.Hash{r.commits[1]},
	})
	into := initRepo(t)
	gitRun(t, into, "fetch", "-q", r.dir, r.commits[1].String()+":refs/heads/base")
	refsBefore := gitRun(t, into, "for-each-ref")
	objectsBefore := countObjects(t, into)

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := Verify(context.Background(), f, openStore(t, into))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if out := countObjects(t, into); out != objectsBefore {
		t.Errorf("Verify stored objects:\nbefore:\n%safter:\n%s", objectsBefore, out)
	}
	h2 := unbundleFile(t, path, into)
	if !headersEqual(h, h2) {
		t.Errorf("Verify read %+v, Unbundle %+v", h, h2)
	}
	if got := gitRun(t, into, "for-each-ref"); got != refsBefore {
		t.Errorf("Unbundle changed the refs:\n%s\nwant:\n%s", got, refsBefore)
	}
	checkRefsAndFsck(t, into, h)
}

func unbundleFile(t *testing.T, path, into string) *Header {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := Unbundle(context.Background(), f, openObjects(t, into), UnbundleOptions{})
	if err != nil {
		t.Fatalf("Unbundle %s: %v", filepath.Base(path), err)
	}
	return h
}

// checkRefsAndFsck writes the header's references under refs/b/ (as a
// caller of Unbundle would) and checks the repository with git fsck.
func checkRefsAndFsck(t *testing.T, dir string, h *Header) {
	t.Helper()
	for _, ref := range h.References {
		gitRun(t, dir, "cat-file", "-e", ref.Hash.String())
		gitRun(t, dir, "update-ref", "refs/b/"+strings.TrimPrefix(ref.Name, "refs/"), ref.Hash.String())
	}
	gitRun(t, dir, "fsck", "--full", "--strict", "--no-dangling")
}

func readHeaderFile(t *testing.T, path string) *Header {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := ReadHeader(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func prereqSet(h *Header) []plumbing.Hash {
	var s []plumbing.Hash
	for _, p := range h.Prerequisites {
		s = append(s, p.Hash)
	}
	slices.SortFunc(s, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return s
}

// externalBases returns how many objects outside the pack of the bundle at
// path its REF_DELTA entries name: more than zero for a thin pack.
func externalBases(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if _, err := ReadHeader(br); err != nil {
		t.Fatal(err)
	}
	sp := &spool{}
	defer sp.Close()
	if _, err := br.WriteTo(sp); err != nil {
		t.Fatal(err)
	}
	scan, err := scanPack(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	return len(scan.external)
}
