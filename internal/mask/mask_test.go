package mask

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// reference masks text the slow, obvious way: find every occurrence of
// every registered form, merge those that overlap, mask each merged run.
func reference(text string, secrets []string) string {
	var patterns []string
	for _, s := range secrets {
		if len([]rune(s)) >= MinLen {
			patterns = append(patterns, forms(s)...)
		}
	}
	var spans []span
	for _, p := range patterns {
		for i := 0; i+len(p) <= len(text); i++ {
			if text[i:i+len(p)] == p {
				spans = append(spans, span{int64(i), int64(i + len(p))})
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.start - b.start) })
	var b strings.Builder
	var cursor, runEnd int64
	for _, sp := range spans {
		if sp.start < runEnd {
			runEnd = max(runEnd, sp.end)
			cursor = runEnd
			continue
		}
		b.WriteString(text[cursor:sp.start])
		b.WriteString(Mask)
		runEnd = sp.end
		cursor = sp.end
	}
	b.WriteString(text[cursor:])
	return b.String()
}

var maskTests = []struct {
	name    string
	secrets []string
	text    string
	want    string
}{
	{"no secrets", nil, "nothing to hide", "nothing to hide"},
	{"one", []string{"hunter2"}, "password is hunter2.", "password is ********."},
	{"at start and end", []string{"hunter2"}, "hunter2 is hunter2", "******** is ********"},
	{"whole text", []string{"hunter2"}, "hunter2", "********"},
	{"repeated", []string{"tok1"}, "tok1 tok1 tok1", "******** ******** ********"},
	{"adjacent", []string{"tok1"}, "tok1tok1", "****************"},
	{"adjacent different", []string{"abcd", "efgh"}, "abcdefgh", "****************"},
	{"longest first", []string{"secret", "secret-password"}, "secret-password, secret", "********, ********"},
	{"longest first, given in the other order", []string{"secret-password", "secret"}, "a secret-password", "a ********"},
	{"contained in the middle", []string{"word", "password1"}, "password1 word", "******** ********"},
	{"partial overlap shares a mask", []string{"abcdef", "defghi"}, "xabcdefghix", "x********x"},
	{"overlap with itself", []string{"abab"}, "ababab", "********"},
	{"chain of overlaps", []string{"aaaa"}, "aaaaaaaaaa!", "********!"},
	{"short values ignored", []string{"", "a", "ab", "abc"}, "a abc ab", "a abc ab"},
	{"four characters masked", []string{"abcd"}, "xabcdx", "x********x"},
	{"unicode", []string{"pässwörd", "日本語です"}, "ä pässwörd 日本語です!", "ä ******** ********!"},
	{"unicode counted in runes", []string{"日本語"}, "日本語", "日本語"},
	{"case-sensitive", []string{"Secret1"}, "secret1 SECRET1 Secret1", "secret1 SECRET1 ********"},
	{"multiline", []string{"line1\nline2"}, "a\nline1\nline2\nb", "a\n********\nb"},
	{"base64", []string{"hunter2"}, "auth: aHVudGVyMg==", "auth: ********=="},
	{"base64 url alphabet", []string{"\xfb\xff\xbf?"}, "+/+/Pw -_-_Pw", "******** ********"},
	{"query escaped", []string{"p@ss w0rd"}, "?password=p%40ss+w0rd&x", "?password=********&x"},
	{"path escaped", []string{"p@ss w0rd"}, "/p@ss%20w0rd/", "/********/"},
	{"json escaped", []string{`pa"ss<w>`}, `{"p": "pa\"ss\u003cw\u003e", "q": "pa\"ss<w>"}`, `{"p": "********", "q": "********"}`},
	{"value of stars", []string{"****"}, "a****b", "a********b"},
}

func TestString(t *testing.T) {
	for _, tc := range maskTests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.secrets...)
			if got := m.String(tc.text); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if got := string(m.Bytes([]byte(tc.text))); got != tc.want {
				t.Errorf("Bytes(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if got := reference(tc.text, tc.secrets); got != tc.want {
				t.Errorf("the reference gives %q: the test is wrong", got)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	var m Masker // the zero Masker masks nothing
	if got := m.String("abcd efgh"); got != "abcd efgh" {
		t.Errorf("zero Masker: %q", got)
	}
	m.Add("abcd")
	m.Add("efgh", "abcd")
	if got := m.String("abcd efgh"); got != "******** ********" {
		t.Errorf("after Add: %q", got)
	}
	var nilMasker *Masker
	if got := nilMasker.String("abcd"); got != "abcd" {
		t.Errorf("nil Masker: %q", got)
	}
	if err := nilMasker.Error(errors.New("abcd")); err.Error() != "abcd" {
		t.Errorf("nil Masker: %v", err)
	}
}

func TestBytesReturnsInputWhenClean(t *testing.T) {
	m := New("secret")
	b := []byte("nothing here")
	if got := m.Bytes(b); &got[0] != &b[0] {
		t.Error("Bytes copied a slice with nothing to mask")
	}
	b = []byte("a secret")
	got := m.Bytes(b)
	if string(b) != "a secret" || string(got) != "a ********" {
		t.Errorf("Bytes changed its input or failed: %q, %q", b, got)
	}
}

func TestError(t *testing.T) {
	m := New("hunter2")
	if m.Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
	base := fmt.Errorf("login with %q: %w", "hunter2", fs.ErrPermission)
	err := m.Error(base)
	if got := err.Error(); got != `login with "********": permission denied` {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(err, fs.ErrPermission) || errors.Unwrap(err) != base {
		t.Error("the chain is lost")
	}
	var pe *fs.PathError
	err = m.Error(&fs.PathError{Op: "open", Path: "/tmp/hunter2", Err: fs.ErrNotExist})
	if !errors.As(err, &pe) || err.Error() != "open /tmp/********: file does not exist" {
		t.Errorf("Error() = %q", err)
	}
	m.Add("later-secret")
	if got := m.Error(errors.New("a later-secret")).Error(); got != "a ********" {
		t.Errorf("value added later: %q", got)
	}
}
