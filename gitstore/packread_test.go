package gitstore

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// packedHistory makes a repository whose objects stock git has packed,
// with deltas (a file edited over many commits, so its versions and the
// trees holding them are stored as deltas of each other), and returns it
// with every object's name.
func packedHistory(t *testing.T, config ...string) (*Repo, []plumbing.Hash) {
	t.Helper()
	r := newRepo(t)
	dir := r.Root()
	for _, c := range config {
		kv := strings.SplitN(c, "=", 2)
		gitRun(t, dir, "config", kv[0], kv[1])
	}
	var body strings.Builder
	for i := range 40 {
		fmt.Fprintf(&body, "line %d of a file that grows by one line a commit, so git stores it as deltas\n", i)
		if err := os.WriteFile(filepath.Join(dir, "grows.txt"), []byte(body.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.txt", i)), []byte(strings.Repeat("x", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "commit", "-qm", fmt.Sprintf("commit %d", i))
	}
	gitRun(t, dir, "gc", "-q", "--aggressive")
	var all []plumbing.Hash
	for _, line := range strings.Fields(gitRun(t, dir, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")) {
		all = append(all, plumbing.NewHash(line))
	}
	if loose, _ := filepath.Glob(filepath.Join(r.CommonDir(), "objects", "??", "*")); len(loose) > 0 {
		t.Fatalf("git gc left %d loose objects", len(loose))
	}
	if !strings.Contains(gitRun(t, dir, "verify-pack", "-v", packIndex(t, r)), "chain length") {
		t.Fatal("the pack holds no deltas; the test would not read any")
	}
	return r, all
}

func packIndex(t *testing.T, r *Repo) string {
	idx, _ := filepath.Glob(filepath.Join(r.CommonDir(), "objects", "pack", "*.idx"))
	if len(idx) != 1 {
		t.Fatalf("want one pack, have %v", idx)
	}
	return idx[0]
}

// stockContents is every object's type and contents as stock git reads them.
func stockContents(t *testing.T, dir string, hashes []plumbing.Hash) map[plumbing.Hash]string {
	t.Helper()
	var in strings.Builder
	for _, h := range hashes {
		in.WriteString(h.String() + "\n")
	}
	cmd := exec.Command(requireTool(t, "git"), "cat-file", "--batch")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, gitEnv(), strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(bytes.NewReader(out))
	got := map[plumbing.Hash]string{}
	for range hashes {
		header, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(header) // name type size
		size, _ := strconv.Atoi(f[2])
		body := make([]byte, size+1) // and the newline after it
		if _, err := io.ReadFull(rd, body); err != nil {
			t.Fatal(err)
		}
		got[plumbing.NewHash(f[0])] = f[1] + " " + string(body[:size])
	}
	return got
}

func TestPacksReadEveryObjectAsGitDoes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config []string
		delta  byte
	}{
		{"offset deltas", nil, packOfsDelta},
		{"reference deltas", []string{"repack.useDeltaBaseOffset=false"}, packRefDelta},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, all := packedHistory(t, tc.config...)
			want := stockContents(t, r.Root(), all)
			p := &packs{dir: filepath.Join(r.CommonDir(), "objects", "pack")}
			deltas := 0
			for _, h := range all {
				if p.has(h) {
					off, _ := p.list[0].offset(h)
					if typ, _, _ := entryHeader(p.list[0].data[off:]); typ == tc.delta {
						deltas++
					}
				}
			}
			if deltas == 0 {
				t.Fatalf("git wrote no entry of type %d; the test reads none", tc.delta)
			}
			for _, h := range all {
				o, err := p.find(h)
				if err != nil || o == nil {
					t.Fatalf("find %s: %v, %v", h, o, err)
				}
				data := readAll(t, o)
				if got := o.Type().String() + " " + string(data); got != want[h] {
					t.Fatalf("%s reads as %.60q, git reads %.60q", h, got, want[h])
				}
				if !p.has(h) {
					t.Fatalf("has(%s) = false", h)
				}
			}
			missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
			if o, err := p.find(missing); o != nil || err != nil {
				t.Fatalf("find of a missing object = %v, %v", o, err)
			}
			if p.has(missing) {
				t.Fatal("has of a missing object = true")
			}
		})
	}
}

// An object is looked up by binary search of the mapped index: the pack
// is not read whole, and a pack git writes later is found.
func TestPacksFindAPackWrittenLater(t *testing.T) {
	r, all := packedHistory(t)
	p := &packs{dir: filepath.Join(r.CommonDir(), "objects", "pack")}
	if !p.has(all[0]) {
		t.Fatal("object of the first pack not found")
	}
	if err := os.WriteFile(filepath.Join(r.Root(), "late.txt"), []byte("written after the first look\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, r.Root(), "add", "late.txt")
	gitRun(t, r.Root(), "commit", "-qm", "late")
	gitRun(t, r.Root(), "repack", "-q")
	late := plumbing.NewHash(strings.TrimSpace(gitRun(t, r.Root(), "rev-parse", "HEAD:late.txt")))
	o, err := p.find(late)
	if err != nil || o == nil {
		t.Fatalf("object of a later pack: %v, %v", o, err)
	}
	if got := string(readAll(t, o)); got != "written after the first look\n" {
		t.Fatalf("read %q", got)
	}
}

// A pack whose bytes were changed is not believed: the object read must
// be the object named.
func TestPacksRefuseAChangedObject(t *testing.T) {
	r, _ := packedHistory(t)
	blob := plumbing.NewHash(strings.TrimSpace(gitRun(t, r.Root(), "rev-parse", "HEAD:f39.txt")))
	packPath := strings.TrimSuffix(packIndex(t, r), ".idx") + ".pack"
	data, err := os.ReadFile(packPath)
	if err != nil {
		t.Fatal(err)
	}
	p := &packs{dir: filepath.Join(r.CommonDir(), "objects", "pack")}
	if !p.has(blob) {
		t.Fatal("blob not found")
	}
	off, _ := p.list[0].offset(blob)
	// A flipped byte of the entry's zlib stream: the read fails, or
	// yields other contents, which do not bear the name asked for.
	changed := append([]byte(nil), data...)
	changed[off+3] ^= 0x01
	os.Chmod(packPath, 0o644)
	if err := os.WriteFile(packPath, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	q := &packs{dir: p.dir}
	if o, err := q.find(blob); o != nil {
		t.Fatalf("a changed pack entry was read as the object (err %v)", err)
	}
}

func readAll(t *testing.T, o plumbing.EncodedObject) []byte {
	t.Helper()
	rd, err := o.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rd); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
