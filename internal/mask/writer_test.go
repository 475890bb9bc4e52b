package mask

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

const sample = "start hunter2 then secret-password and secret, abcdefghi, abab ab " +
	"aHVudGVyMg== hunter2hunter2 pässwörd\nline2 hunter" + "2\n end hunter2"

var sampleSecrets = []string{"hunter2", "secret", "secret-password", "abcdef", "defghi", "abab", "pässwörd", "line2 h"}

func write(t testing.TB, m *Masker, pieces ...string) string {
	t.Helper()
	var out bytes.Buffer
	w := m.Writer(&out)
	for _, p := range pieces {
		n, err := w.Write([]byte(p))
		if err != nil || n != len(p) {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestWriterEverySplit(t *testing.T) {
	m := New(sampleSecrets...)
	want := m.String(sample)
	if want != reference(sample, sampleSecrets) {
		t.Fatalf("String disagrees with the reference:\n%q\n%q", want, reference(sample, sampleSecrets))
	}
	for i := 0; i <= len(sample); i++ {
		if got := write(t, m, sample[:i], sample[i:]); got != want {
			t.Fatalf("split at %d:\n got %q\nwant %q", i, got, want)
		}
		for j := i; j <= len(sample); j += 3 {
			if got := write(t, m, sample[:i], sample[i:j], sample[j:]); got != want {
				t.Fatalf("split at %d and %d:\n got %q\nwant %q", i, j, got, want)
			}
		}
	}
}

func TestWriterOneByteAtATime(t *testing.T) {
	for _, tc := range maskTests {
		m := New(tc.secrets...)
		pieces := strings.Split(tc.text, "")
		var bytewise []string
		for i := 0; i < len(tc.text); i++ {
			bytewise = append(bytewise, tc.text[i:i+1])
		}
		for _, p := range [][]string{pieces, bytewise} {
			if got := write(t, m, p...); got != tc.want {
				t.Errorf("%s: %q one piece at a time = %q, want %q", tc.name, tc.text, got, tc.want)
			}
		}
	}
}

// TestWriterHoldsBackOnlyAPossibleSecret checks that output is passed on as
// soon as it cannot be part of a secret.
func TestWriterHoldsBackOnlyAPossibleSecret(t *testing.T) {
	m := New("secret", "multi\nline")
	var out bytes.Buffer
	w := m.Writer(&out)
	for _, step := range []struct{ write, passed string }{
		{"hello sec", "hello "},
		{"re", "hello "},
		{"t!\n", "hello ********!\n"},
		{"no secret here\n", "hello ********!\nno ******** here\n"},
		{"multi\n", "hello ********!\nno ******** here\n"},
		{"other", "hello ********!\nno ******** here\nmulti\nother"},
	} {
		io.WriteString(w, step.write)
		if out.String() != step.passed {
			t.Fatalf("after writing %q, passed on %q, want %q", step.write, out.String(), step.passed)
		}
	}
	w.Close()
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestWriterAddWhileStreaming(t *testing.T) {
	m := New("first-secret")
	var out bytes.Buffer
	w := m.Writer(&out)
	io.WriteString(w, "first-secret, then first-")
	if got := out.String(); got != "********, then " {
		t.Fatalf("passed on %q before Add", got)
	}
	m.Add("first-new-secret") // a step declared a sensitive output variable
	io.WriteString(w, "new-secret and first-new-secret\n")
	w.Close()
	if got, want := out.String(), "********, then ******** and ********\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriterUnderlyingError(t *testing.T) {
	w := New("secret").Writer(&failWriter{n: 1})
	if _, err := io.WriteString(w, "one\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "two\n"); err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v", err)
	}
	if _, err := io.WriteString(w, "three\n"); err == nil {
		t.Error("error is not sticky")
	}
	if err := w.Close(); err == nil {
		t.Error("Close forgot the error")
	}
}

// TestWritersShareAnOutput runs a step's stdout and stderr through two
// Writers into one buffer from two goroutines (run with -race).
func TestWritersShareAnOutput(t *testing.T) {
	m := New("s3cr3t-token")
	var log bytes.Buffer
	stdout, stderr := m.Writer(&log), m.Writer(&log)
	var wg sync.WaitGroup
	for name, w := range map[string]io.WriteCloser{"out": stdout, "err": stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				fmt.Fprintf(w, "%s %d s3cr3t-token\n", name, i)
			}
			w.Close()
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var name string
		var i int
		if _, err := fmt.Sscanf(l, "%s %d ********", &name, &i); err != nil || !strings.HasSuffix(l, " ********") {
			t.Fatalf("line %q is mangled", l)
		}
		seen[l] = true
	}
	if len(seen) != 400 {
		t.Errorf("%d distinct lines, want 400", len(seen))
	}
}

// TestAddWhileWriting adds values while Writers and String run (run with
// -race): every value added before a line is written is masked in it.
func TestAddWhileWriting(t *testing.T) {
	m := New()
	var log bytes.Buffer
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := m.Writer(&log)
			defer w.Close()
			for i := range 100 {
				s := fmt.Sprintf("secret-%d-%d", g, i)
				m.Add(s)
				fmt.Fprintf(w, "%s\n", s)
				if got := m.String(s); got != Mask {
					t.Errorf("String(%q) = %q", s, got)
				}
			}
		}()
	}
	wg.Wait()
	if strings.Contains(log.String(), "secret-") {
		t.Errorf("unmasked output:\n%s", log.String())
	}
}
