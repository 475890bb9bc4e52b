//go:build linux

package crashtest

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// A spaceState is what a command's transaction decides about a Space, in a
// form that two runs of the same command share although their commits
// carry other times and signatures. Two states are the same state when
// every field but Refs is equal; Refs (exact ref values) must also be
// equal for a Space to be "as before", since the before state is the
// template's own.
type spaceState struct {
	Refs     []string // "hash refname", exactly
	Chains   []string // "refname: subject < subject < ...", first parents from the tip
	Main     []string // main's tree: "mode path sha256", encrypted values blanked
	Status   []string // git status --porcelain
	Packages []string // zonectl package list --output json, times dropped
	Files    []string // the Space's own files outside Git's objects and refs (debris shows here)
	Out      []string // the world's out folder: name and whether it verifies
	Errors   []string // what could not be read
}

// pgpMessage is an encrypted value: accept and secret set encrypt afresh
// each time.
var pgpMessage = regexp.MustCompile(`(?s)-----BEGIN PGP MESSAGE-----.*?-----END PGP MESSAGE-----`)

// deploymentID is the random part of a deployment's work folder.
var deploymentID = regexp.MustCompile(`D-\d{8}T\d{6}Z-[0-9a-f]+`)

// captureState reads the Space space of w with stock git and zonectl's
// read commands.
func (fx *fixture) captureState(w world, space string) spaceState {
	var s spaceState
	fail := func(what string, r result) {
		s.Errors = append(s.Errors, what+": "+r.String())
	}
	r := git(w, space, "for-each-ref", "--format=%(objectname) %(refname)")
	if r.code != 0 {
		fail("for-each-ref", r)
	}
	s.Refs = lines(r.stdout)
	s.Chains = fx.chains(w, space, s.Refs, fail)

	r = git(w, space, "ls-tree", "-r", "-z", "refs/heads/main")
	if r.code != 0 {
		fail("ls-tree main", r)
	} else {
		s.Main = mainTree(w, space, r.stdout, fail)
	}

	r = git(w, space, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all")
	if r.code != 0 {
		fail("git status", r)
	}
	s.Status = lines(r.stdout)

	r = fx.zonectl(w, space, "package", "list", "--output", "json")
	if r.code != 0 {
		fail("package list", r)
	} else {
		s.Packages = packages(r.stdout, fail)
	}
	s.Files = spaceFiles(w.path(space))
	s.Out = fx.outFiles(w)
	return s
}

// chains lists the subjects of each ref's first-parent chain, read with
// one git log.
func (fx *fixture) chains(w world, space string, refs []string, fail func(string, result)) []string {
	if len(refs) == 0 {
		return nil
	}
	r := git(w, space, "log", "--all", "--format=%H %P%x09%s")
	if r.code != 0 {
		fail("git log --all", r)
		return nil
	}
	type commit struct{ parent, subject string }
	commits := map[string]commit{}
	for _, line := range lines(r.stdout) {
		ids, subject, _ := strings.Cut(line, "\t")
		f := strings.Fields(ids)
		c := commit{subject: subject}
		if len(f) > 1 {
			c.parent = f[1]
		}
		commits[f[0]] = c
	}
	var out []string
	for _, ref := range refs {
		hash, name, _ := strings.Cut(ref, " ")
		var subjects []string
		for h := hash; h != ""; {
			c, ok := commits[h]
			if !ok {
				subjects = append(subjects, "(not a readable commit)")
				break
			}
			subjects = append(subjects, c.subject)
			h = c.parent
		}
		out = append(out, name+": "+strings.Join(subjects, " < "))
	}
	return out
}

// mainTree lists main's files with a hash of their content, encrypted
// values blanked.
func mainTree(w world, space, lsTree string, fail func(string, result)) []string {
	type entry struct{ mode, hash, path string }
	var entries []entry
	var blobs strings.Builder
	for _, rec := range strings.Split(strings.TrimSuffix(lsTree, "\x00"), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			continue
		}
		entries = append(entries, entry{f[0], f[2], path})
		if f[1] == "blob" {
			blobs.WriteString(f[2] + "\n")
		}
	}
	r := run(w.path(space), w.env(), blobs.String(), "git", "cat-file", "--batch")
	if r.code != 0 {
		fail("cat-file", r)
		return nil
	}
	contents := map[string][]byte{}
	rd := bufio.NewReader(strings.NewReader(r.stdout))
	for {
		header, err := rd.ReadString('\n')
		if err != nil {
			break
		}
		var hash, typ string
		var size int
		if n, _ := fmt.Sscanf(header, "%s %s %d", &hash, &typ, &size); n != 3 {
			continue // "<hash> missing"
		}
		body := make([]byte, size+1)
		if _, err := io.ReadFull(rd, body); err != nil {
			break
		}
		contents[hash] = body[:size]
	}
	var out []string
	for _, e := range entries {
		body, ok := contents[e.hash]
		sum := "unreadable"
		if ok {
			sum = fmt.Sprintf("%x", sha256.Sum256(pgpMessage.ReplaceAll(body, []byte("<encrypted>"))))[:16]
		}
		out = append(out, e.mode+" "+e.path+" "+sum)
	}
	return out
}

// packages is the store's index without the times of the pushes.
func packages(js string, fail func(string, result)) []string {
	var list []map[string]any
	if err := json.Unmarshal([]byte(js), &list); err != nil {
		fail("package list", result{stdout: js, code: 0, err: err})
		return nil
	}
	var out []string
	for _, p := range list {
		delete(p, "pushed_at")
		b, _ := json.Marshal(p)
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// storeSkeleton is written when the package store is first used; with the
// store's empty folders it holds nothing of any command.
const storeSkeleton = ".zonectl/store/.gitignore"

// flockFile says whether a file is one of zonectl's empty flock(2) files:
// the Space lock (.git/zonectl.lock, now .git/zonectl/flock) and the
// claims release create holds while its automatic deployments run. The
// kernel drops the lock when its holder dies, so such a file left behind
// holds nothing: it is allowed for now, and not compared.
func flockFile(path, rel string) bool {
	if rel != ".git/zonectl.lock" && rel != ".git/zonectl/flock" && !strings.HasPrefix(rel, ".git/zonectl/claims/") {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && info.Size() == 0
}

// spaceFiles lists the files of a Space that belong to neither Git's
// object store, nor its refs, nor the work tree (git status covers that):
// what is left in .git and the package store, with deployment ids blanked.
// Empty directories, the store's skeleton and flock files are not listed.
//
// A package-store blob that no index entry names is left out, as Git's
// unreachable objects are: the store is content-addressed, nothing sees
// an unnamed blob, and a kill between writing a package's bytes and
// naming them leaves one, as a kill between writing a commit and moving
// its ref leaves an unreachable commit.
func spaceFiles(dir string) []string {
	skip := map[string]bool{".git/objects": true, ".git/refs": true, ".git/logs": true}
	named := namedBlobs(filepath.Join(dir, ".zonectl", "store", "index"))
	var out []string
	for _, top := range []string{".git", ".zonectl"} {
		filepath.WalkDir(filepath.Join(dir, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel, _ := filepath.Rel(dir, path)
			if skip[rel] {
				return filepath.SkipDir
			}
			if d.IsDir() || rel == ".git/index" || rel == ".git/packed-refs" || rel == storeSkeleton || flockFile(path, rel) {
				return nil
			}
			if strings.HasPrefix(rel, ".zonectl/store/blobs/sha256/") && !named[d.Name()] {
				return nil
			}
			out = append(out, deploymentID.ReplaceAllString(rel, "D-*"))
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// namedBlobs returns the hashes the store's index entries under dir name.
func namedBlobs(dir string) map[string]bool {
	named := map[string]bool{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		var e struct {
			SHA256 string `json:"sha256"`
		}
		if data, err := os.ReadFile(path); err == nil && json.Unmarshal(data, &e) == nil {
			named[e.SHA256] = true
		}
		return nil
	})
	return named
}

// outFiles lists the world's out folder; a bundle there must verify.
func (fx *fixture) outFiles(w world) []string {
	entries, err := os.ReadDir(w.path("out"))
	if err != nil {
		return []string{"unreadable: " + err.Error()}
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".zbundle") {
			r := fx.zonectl(w, "devtest", "bundle", "inspect", w.path("out", name), "--key", w.path("devtest", "keys", "devtest.asc"))
			if r.code == 0 {
				name += " (verifies)"
			} else {
				name += " (does not verify: " + shorten(firstLine(r.stderr+r.stdout), 120) + ")"
			}
		}
		out = append(out, name)
	}
	return out
}

// same reports how two states differ, one line per part, empty when they
// are the same state. exact also compares ref values.
func (s spaceState) diff(o spaceState, exact bool) []string {
	var d []string
	part := func(name string, a, b []string) {
		if slices.Equal(a, b) {
			return
		}
		d = append(d, name+": "+listDiff(a, b))
	}
	if exact {
		part("refs", s.Refs, o.Refs)
	}
	part("ref chains", s.Chains, o.Chains)
	part("main", s.Main, o.Main)
	part("git status", s.Status, o.Status)
	part("store", s.Packages, o.Packages)
	part("files", s.Files, o.Files)
	part("out", s.Out, o.Out)
	part("unreadable", s.Errors, o.Errors)
	return d
}

// listDiff says what a has that b lacks (+) and what b has that a lacks (-).
func listDiff(a, b []string) string {
	count := map[string]int{}
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		count[x]--
	}
	var plus, minus []string
	for x, n := range count {
		for ; n > 0; n-- {
			plus = append(plus, "+"+shorten(x, 110))
		}
		for ; n < 0; n++ {
			minus = append(minus, "-"+shorten(x, 110))
		}
	}
	sort.Strings(plus)
	sort.Strings(minus)
	all := append(plus, minus...)
	if len(all) == 0 {
		return "same entries in another order"
	}
	if len(all) > 3 {
		all = append(all[:3], fmt.Sprintf("(%d more)", len(all)-3))
	}
	return strings.Join(all, "; ")
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	line, _, _ := strings.Cut(s, "\n")
	return line
}
