package mask

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// benchSecrets returns n random secrets and a log of about size bytes with
// one of them on every tenth line.
func benchInput(n, size int) ([]string, string) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	secrets := make([]string, n)
	for i := range secrets {
		b := make([]byte, 12+r.IntN(30))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		secrets[i] = string(b)
	}
	var log strings.Builder
	for i := 0; log.Len() < size; i++ {
		fmt.Fprintf(&log, "2025-01-01T00:00:%02d step %d: copying files to /srv/acme/web, %d done", i%60, i, i*7)
		if i%10 == 0 {
			log.WriteString(" token=" + secrets[r.IntN(n)])
		}
		log.WriteString("\n")
	}
	return secrets, log.String()
}

func BenchmarkString(b *testing.B) {
	secrets, log := benchInput(300, 1<<20)
	m := New(secrets...)
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		m.String(log)
	}
}

func BenchmarkWriter(b *testing.B) {
	secrets, log := benchInput(300, 1<<20)
	m := New(secrets...)
	lines := strings.SplitAfter(log, "\n")
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		w := m.Writer(io.Discard)
		for _, l := range lines {
			io.WriteString(w, l)
		}
		w.Close()
	}
}

// BenchmarkReferenceReplacer is the figure to compare with: the standard
// library's strings.Replacer over the same secrets, longest first. It does
// not merge overlapping occurrences or find encoded forms.
func BenchmarkReferenceReplacer(b *testing.B) {
	secrets, log := benchInput(300, 1<<20)
	slices.SortFunc(secrets, func(x, y string) int { return len(y) - len(x) })
	var args []string
	for _, s := range secrets {
		args = append(args, s, Mask)
	}
	r := strings.NewReplacer(args...)
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		r.Replace(log)
	}
}

func BenchmarkNew(b *testing.B) {
	secrets, _ := benchInput(300, 0)
	for b.Loop() {
		New(secrets...).String("x") // the automaton is built on first use
	}
}

func BenchmarkAddOneByOne(b *testing.B) {
	secrets, _ := benchInput(300, 0)
	for b.Loop() {
		m := New()
		for _, s := range secrets {
			m.Add(s)
		}
		m.String("x")
	}
}
