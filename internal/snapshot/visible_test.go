package snapshot

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ASCII", "echo \"hi\" > /tmp/x\n\tdone\n", "echo \"hi\" > /tmp/x\n\tdone\n"},
		{"empty", "", ""},
		{"ordinary Unicode", "Zürich, 東京, Москва, Αθήνα, café ☕", "Zürich, 東京, Москва, Αθήνα, café ☕"},
		{"Russian prose keeps its one-letter words", "я и ты о нём", "я и ты о нём"},
		{"control characters", "a\x00b\x1bc\x7fd\u0085e\rf", `a\u{0000}b\u{001B}c\u{007F}d\u{0085}e\u{000D}f`},
		{"zero-width", "ad\u200bmin\u200c\u200d\u200e\u200f\u2060\u2061\u2064\ufeff", `ad\u{200B}min\u{200C}\u{200D}\u{200E}\u{200F}\u{2060}\u{2061}\u{2064}\u{FEFF}`},
		{"bidi controls", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", `\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}`},
		{
			// The Trojan Source paper's "commenting out": the reviewer sees
			// an if that the compiler reads as a comment, and vice versa.
			"Trojan Source",
			"/*\u202e } \u2066if (isAdmin)\u2069 \u2066 begin admins only */",
			`/*\u{202E} } \u{2066}if (isAdmin)\u{2069} \u{2066} begin admins only */`,
		},
		{"other format characters", "soft\u00adhyphen tag\U000E0041", `soft\u{00AD}hyphen tag\u{E0041}`},
		{"blank look-alikes", "a\u3164b \u2800 \u115f", `a\u{3164}b \u{2800} \u{115F}`},
		{"variation selector", "x\ufe0f", `x\u{FE0F}`},
		{"spaces other than space", "a\u00a0b\u2003c\u3000d\u2028e\u2029f", `a\u{00A0}b\u{2003}c\u{3000}d\u{2028}e\u{2029}f`},
		{"private use and unassigned", "\ue000\U000F0000\u0378", `\u{E000}\u{F0000}\u{0378}`},
		{"combining mark on ASCII", "cafe\u0301 n\u0338", `cafe\u{0301} n\u{0338}`},
		{"combining mark on a letter of another script", "काम", "काम"},
		{"marks stacked on an escape", "a\u0301\u0301", `a\u{0301}\u{0301}`},
		{"invalid UTF-8", "a\xffb\xc3", `a\x{FF}b\x{C3}`},
		{"Cyrillic in an ASCII word", "pаypal", `p\u{0430}ypal`},
		{"Cyrillic path", "/srv/асме/", `/srv/\u{0430}\u{0441}м\u{0435}/`},
		{"look-alike word alone", "ΟΚ", `\u{039F}\u{039A}`},
		{"look-alike word beside ASCII", "rm -rf ѕrc", `rm -rf \u{0455}rc`},
		{"look-alike word beside another script", "Это о сос", "Это о сос"},
		{"whole string otherwise ASCII", "сос", `\u{0441}\u{043E}\u{0441}`},
		{"Greek in an ASCII word", "Prοduction", `Pr\u{03BF}duction`},
		{"capital look-alikes", "АWS_KEY", `\u{0410}WS_KEY`},
		{"i and j", "іnstall јq", `\u{0456}nstall \u{0458}q`},
		{"fullwidth", "ｅｃｈｏ ｈｉ", `\u{FF45}\u{FF43}\u{FF48}\u{FF4F} \u{FF48}\u{FF49}`},
		{"fullwidth in Japanese", "東京（本社）", "東京（本社）"},
		{"mathematical letters", "𝐚dmin", `\u{1D41A}dmin`},
		{"punctuation look-alikes", "echo a\u037e rm ‐rf ∕etc", `echo a\u{037E} rm \u{2010}rf \u{2215}etc`},
		{"look-alike beside digits", "v1․2", `v1\u{2024}2`},
		{"look-alike in non-Latin word stays", "Москва", "Москва"},
		{"hidden character in a look-alike word", "東 ΟΚ\u200b", `東 \u{039F}\u{039A}\u{200B}`},
		{"invisible letter is no other script", "ΟΚ \u3164", `\u{039F}\u{039A} \u{3164}`},
		{"mixed word marks only look-alikes", "Zürіch", `Zür\u{0456}ch`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Visible(tt.in)
			if got != tt.want {
				t.Errorf("Visible(%+q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if HasHidden(tt.in) != (tt.in != tt.want) {
				t.Errorf("HasHidden(%+q) = %v", tt.in, HasHidden(tt.in))
			}
		})
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`C:\srv "x"`, `"C:\\srv \"x\""`},
		{"two\nlines\tand tab", `"two\nlines\tand tab"`},
		{"Zürich", `"Zürich"`},
		{"pаss\u200b", `"p\u{0430}ss\u{200B}"`},
		{`\u{200B}`, `"\\u{200B}"`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%+q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Deploy web", "Deploy web"},
		{"Deploy web (blue)", `"Deploy web (blue)"`},
		{"", `""`},
		{" padded", `" padded"`},
		{"Test, Production", `"Test, Production"`},
		{"two\nlines", `"two\nlines"`},
		{"tab\there", `"tab\there"`},
		{"Prοd", `Pr\u{03BF}d`},
	}
	for _, tt := range tests {
		if got := name(tt.in); got != tt.want {
			t.Errorf("name(%+q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, cur string
		want     []string
	}{
		{"equal", "a\nb\n", "a\nb\n", nil},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", []string{"@@ -2 +2 @@", "-b", "+B"}},
		{"added at the end", "a\n", "a\nb\nc\n", []string{"@@ -1,0 +2,2 @@", "+b", "+c"}},
		{"removed at the start", "a\nb\n", "b\n", []string{"@@ -1 +0,0 @@", "-a"}},
		{"from nothing", "", "a\nb\n", []string{"@@ -0,0 +1,2 @@", "+a", "+b"}},
		{"to nothing", "a\n", "", []string{"@@ -1 +0,0 @@", "-a"}},
		{
			"two hunks", "1\n2\n3\n4\n5\n6\n", "1\nX\n3\n4\n5\nY\nZ\n",
			[]string{"@@ -2 +2 @@", "-2", "+X", "@@ -6 +6,2 @@", "-6", "+Y", "+Z"},
		},
		{
			"moved line", "a\nb\nc\n", "b\nc\na\n",
			[]string{"@@ -1 +0,0 @@", "-a", "@@ -3,0 +3 @@", "+a"},
		},
		{"final newline", "a\nb", "a\nb\n", []string{"@@ -2 +2 @@", "-b", `\ No newline at end of file`, "+b"}},
		{"CRLF", "a\r\nb\r\n", "a\nb\n", []string{"@@ -1,2 +1,2 @@", "-a\r", "-b\r", "+a", "+b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineDiff(tt.old, tt.cur); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lineDiff(%q, %q)\n got %q\nwant %q", tt.old, tt.cur, got, tt.want)
			}
		})
	}
}

// TestLineDiffLarge checks that texts past the table's bound still give a
// correct diff: the changed middle as removed, then added.
func TestLineDiffLarge(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		a.WriteString(strings.Repeat("x", 1+i%7) + "\n")
		b.WriteString(strings.Repeat("y", 1+i%5) + "\n")
	}
	got := lineDiff("head\n"+a.String()+"tail\n", "head\n"+b.String()+"tail\n")
	if len(got) != 1+6000 || got[0] != "@@ -2,3000 +2,3000 @@" {
		t.Errorf("lineDiff of large texts: %d lines, first %q", len(got), got[0])
	}
}

func FuzzVisible(f *testing.F) {
	for _, s := range []string{
		"", "plain ASCII", "Zürich", "東京", "pаypal", "\u202e\u2066x\u2069",
		"a\x00\xff", "ｅｃｈｏ", "e\u0301", "я и ты о нём", "ΟΚ 東", "\u200b\ufeff",
		"line\nwith\ttab", "\U000E0041\U000F0000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Visible(s)
		if !utf8.ValidString(v) {
			t.Fatalf("Visible(%+q) = %+q: not UTF-8", s, v)
		}
		if !HasHidden(s) && v != s {
			t.Fatalf("HasHidden(%+q) is false but Visible changes it to %+q", s, v)
		}
		for _, r := range v {
			switch {
			case unicode.Is(unicode.Bidi_Control, r),
				unicode.In(r, unicode.Cf, unicode.Co, unicode.Zl, unicode.Zp),
				unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
				r < 0x20 && r != '\n' && r != '\t':
				t.Fatalf("Visible(%+q) = %+q holds %U", s, v, r)
			}
		}
		if Visible(v) != v {
			t.Fatalf("Visible is not idempotent on %+q: %+q, then %+q", s, v, Visible(v))
		}
		if q := quote(s); strings.ContainsAny(q[1:len(q)-1], "\n\t") || !utf8.ValidString(q) {
			t.Fatalf("quote(%+q) = %+q", s, q)
		}
	})
}
