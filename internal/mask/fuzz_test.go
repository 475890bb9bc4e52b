package mask

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWriter checks, for random text, secrets and cuts, that the Writer
// gives what String gives, that String agrees with the reference, and
// that no secret survives in the output. A secret with a '*' in it is left
// out of the last check: the mask itself is made of '*'.
func FuzzWriter(f *testing.F) {
	f.Add(sample, "hunter2", "secret", "secret-password", []byte{3, 10, 1})
	f.Add("abababab", "abab", "baba", "", []byte{1})
	f.Add("xabcdefghix", "abcdef", "defghi", "cdefgh", []byte{4, 4})
	f.Add("a****b", "****", "***", "b***", []byte{2})
	f.Fuzz(func(t *testing.T, text, s1, s2, s3 string, cuts []byte) {
		secrets := []string{s1, s2, s3}
		m := New(secrets...)
		whole := m.String(text)
		if want := reference(text, secrets); whole != want {
			t.Fatalf("String(%q) = %q, reference %q", text, whole, want)
		}
		var out bytes.Buffer
		w := m.Writer(&out)
		rest := text
		for _, c := range cuts {
			if rest == "" {
				break
			}
			n := int(c) % (len(rest) + 1)
			w.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		w.Write([]byte(rest))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != whole {
			t.Fatalf("Writer gave %q, String %q", out.String(), whole)
		}
		for _, s := range secrets {
			if utf8.RuneCountInString(s) >= MinLen && !strings.Contains(s, "*") && strings.Contains(whole, s) {
				t.Fatalf("secret %q survives in %q", s, whole)
			}
		}
	})
}
