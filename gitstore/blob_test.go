package gitstore

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A blob written by streaming is the object stock git would write: git
// names it the same, reads the same bytes back, and fsck finds it sound.
// go-git, opened with its large-object threshold, reads it back too.
func TestWriteBlobIsGitsObject(t *testing.T) {
	r := newRepo(t)
	data := make([]byte, largeObject+12345) // above the threshold: read lazily
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rnd.Uint32())
	}
	path := filepath.Join(t.TempDir(), "blob")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := r.WriteBlob(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(gitRun(t, r.Root(), "hash-object", path)); h.String() != want {
		t.Fatalf("WriteBlob named the blob %s; git hash-object says %s", h, want)
	}
	if got := gitRun(t, r.Root(), "cat-file", "blob", h.String()); got != string(data) {
		t.Fatalf("git cat-file gives %d bytes, want %d", len(got), len(data))
	}
	gitRun(t, r.Root(), "fsck", "--strict")

	reopened, err := Open(r.Root())
	if err != nil {
		t.Fatal(err)
	}
	blob, err := reopened.Git().BlobObject(h)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := blob.Reader()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rd)
	rd.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("go-git read %d bytes back (%v), want the %d written", len(got), err, len(data))
	}

	// The same bytes again: the same name, nothing new.
	if again, err := r.WriteBlob(bytes.NewReader(data), int64(len(data))); err != nil || again != h {
		t.Fatalf("WriteBlob again = %s, %v", again, err)
	}
}

// A reader that yields another size, or fails, leaves no object and no
// temporary file behind.
func TestWriteBlobRefusesAnotherSize(t *testing.T) {
	r := newRepo(t)
	before := objectFiles(t, r)
	for name, tt := range map[string]struct {
		rd   io.Reader
		size int64
	}{
		"short":  {strings.NewReader("abc"), 4},
		"long":   {strings.NewReader("abcde"), 4},
		"failed": {io.MultiReader(strings.NewReader("ab"), errReader{}), 4},
	} {
		if _, err := r.WriteBlob(tt.rd, tt.size); err == nil {
			t.Errorf("%s: WriteBlob gave no error", name)
		}
	}
	if after := objectFiles(t, r); !slices.Equal(before, after) {
		t.Errorf("objects before %v, after %v", before, after)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func objectFiles(t *testing.T, r *Repo) []string {
	t.Helper()
	var files []string
	root := filepath.Join(r.CommonDir(), "objects")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, strings.TrimPrefix(p, root))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
