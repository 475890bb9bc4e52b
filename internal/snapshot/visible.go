package snapshot

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Visible returns s as it is safe to show a person who reviews it: every
// character that does not show itself is written as an escape, so nothing
// in a release that crossed a trust boundary can hide from its reviewer.
//
// Escaped as \u{XXXX} (hexadecimal, at least four digits):
//   - control characters (C0, DEL, C1) other than newline and tab, which
//     stay so that a multi-line body keeps its shape;
//   - format characters (unicode.Cf): zero-width spaces and joiners
//     (U+200B–U+200F, U+2060–U+2064, U+FEFF), the bidirectional controls of
//     the "Trojan Source" attack (U+202A–U+202E, U+2066–U+2069), tags;
//   - other characters that print as nothing: default-ignorable code
//     points (U+034F, Hangul fillers, …), variation selectors, U+2800;
//   - every space other than U+0020 (no-break, ideographic, line and
//     paragraph separators), private-use and unassigned code points;
//   - a combining mark that would attach to an ASCII character (or to
//     nothing), where it could make one letter pass for another;
//   - a character from the look-alike table (Cyrillic "а" for "a", Greek
//     "Ο" for "O", fullwidth and mathematical letters, "∕" for "/", …)
//     where it can pass for ASCII. That is in a word (a run of non-space
//     characters) that also holds an ASCII letter or digit or anything
//     escaped; and in a word whose letters are all look-alikes, unless the
//     nearest words with letters around it are written in another script
//     and none in ASCII. So "Prоduction" with a Cyrillic "о" is marked, and
//     so are "rm ѕrc" and a lone "ΟΚ", but "Zürich", "東京", "Москва" and
//     the "о" of Russian prose stay as they are.
//
// A byte that is not UTF-8 is written as \x{XX}, so the result is always
// valid UTF-8. The result is for people, not for parsing back: a literal
// "\u{200B}" in s is shown as it is.
func Visible(s string) string {
	return escape(s, modeBlock)
}

// HasHidden reports whether s holds anything Visible escapes: a character
// that does not show itself, a look-alike where it can pass for ASCII, or
// a byte that is not UTF-8. Visible(s) == s exactly when it does not.
func HasHidden(s string) bool {
	return escape(s, modeBlock) != s
}

// VisibleLine is Visible for text shown on one line: newline and tab are
// escaped too, so the text cannot forge lines of its own.
func VisibleLine(s string) string {
	return escape(s, modeLine)
}

// quote returns s as a double-quoted string for a reader: Visible's
// escapes, and \", \\, \n and \t as Go writes them, so that where the
// string ends and what it holds is never in doubt.
func quote(s string) string {
	return `"` + escape(s, modeQuoted) + `"`
}

type mode int

const (
	modeBlock  mode = iota // Visible: newline and tab kept
	modeLine               // one line: newline and tab escaped
	modeQuoted             // between double quotes
)

// plain reports whether every byte of s is printable ASCII (or newline
// and tab where the mode keeps them), so that escape has nothing to do.
func plain(s string, m mode) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || c == '\t':
			if m != modeBlock {
				return false
			}
		case c < 0x20 || c > 0x7e:
			return false
		case m == modeQuoted && (c == '"' || c == '\\'):
			return false
		}
	}
	return true
}

// char is one decoded character of a string; bad marks a byte that is not
// UTF-8, held in r.
type char struct {
	r   rune
	bad bool
}

func escape(s string, m mode) string {
	if plain(s, m) {
		return s
	}
	chars := make([]char, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			chars = append(chars, char{r: rune(s[i]), bad: true})
		} else {
			chars = append(chars, char{r: r})
		}
		i += n
	}
	marked := lookalikes(chars)

	var b strings.Builder
	b.Grow(len(s))
	// attach is whether a combining mark written now would attach to a
	// non-ASCII character shown as itself.
	attach := false
	for i, c := range chars {
		r := c.r
		switch {
		case c.bad:
			fmt.Fprintf(&b, `\x{%02X}`, r)
			attach = false
			continue
		case r == '\n' || r == '\t':
			switch {
			case m == modeBlock:
				b.WriteRune(r)
			case m == modeQuoted && r == '\n':
				b.WriteString(`\n`)
			case m == modeQuoted:
				b.WriteString(`\t`)
			default:
				writeEscape(&b, r)
			}
			attach = false
			continue
		case m == modeQuoted && (r == '"' || r == '\\'):
			b.WriteByte('\\')
			b.WriteRune(r)
			attach = false
			continue
		}
		isMark := unicode.In(r, unicode.Mn, unicode.Me)
		switch {
		case hidden(r) || marked[i] || (isMark && !attach):
			writeEscape(&b, r)
			attach = false
		default:
			b.WriteRune(r)
			attach = isMark || r >= utf8.RuneSelf
		}
	}
	return b.String()
}

func writeEscape(b *strings.Builder, r rune) {
	fmt.Fprintf(b, `\u{%04X}`, r)
}

// hidden reports whether r never shows itself, whatever surrounds it.
// Newline and tab are the caller's to decide.
func hidden(r rune) bool {
	switch {
	case r == ' ':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r < utf8.RuneSelf:
		return false
	case invisible[r]:
		return true
	}
	// Whatever is not a letter, mark, number, punctuation or symbol is a
	// space, a control, format, private-use or surrogate code point, or
	// unassigned.
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S) ||
		unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// invisible holds characters that print as blank space without being in
// any of the classes hidden tests (Hangul fillers, for one, are
// default-ignorable).
var invisible = map[rune]bool{
	0x2800: true, // BRAILLE PATTERN BLANK
}

// lookalikes marks the characters of chars that Visible escapes as
// look-alikes: see Visible for the rule.
func lookalikes(chars []char) []bool {
	marked := make([]bool, len(chars))
	// A word is a run of non-space characters. ascii: it holds an ASCII
	// letter or digit, or something Visible escapes; foreign: a letter or
	// digit of a script other than Latin that is no look-alike; looks: a
	// look-alike.
	type word struct {
		start, end            int
		ascii, foreign, looks bool
	}
	var words []word
	for i := 0; i < len(chars); {
		if !chars[i].bad && unicode.IsSpace(chars[i].r) {
			i++
			continue
		}
		w := word{start: i}
		for ; i < len(chars) && (chars[i].bad || !unicode.IsSpace(chars[i].r)); i++ {
			r := chars[i].r
			switch {
			case chars[i].bad || hidden(r):
				// Shown as an escape, which is ASCII; and a word that
				// hides something deserves no benefit of the doubt.
				w.ascii = true
			case r < utf8.RuneSelf:
				w.ascii = w.ascii || unicode.IsLetter(r) || unicode.IsDigit(r)
			case lookalike(r):
				w.looks = true
			case unicode.In(r, unicode.Mn, unicode.Me):
				// A mark on nothing or on ASCII is shown as an escape.
				w.ascii = w.ascii || i == w.start || chars[i-1].r < utf8.RuneSelf
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				w.foreign = w.foreign || !unicode.Is(unicode.Latin, r)
			}
		}
		w.end = i
		words = append(words, w)
	}
	// context[k] holds, for each side of word k, whether the nearest word
	// there that holds letters or digits (ASCII or of another script) is
	// ASCII, and whether it is of another script.
	type side struct{ ascii, foreign bool }
	context := make([][2]side, len(words))
	var last side
	for k := range words {
		context[k][0] = last
		if words[k].ascii || words[k].foreign {
			last = side{words[k].ascii, words[k].foreign}
		}
	}
	last = side{}
	for k := len(words) - 1; k >= 0; k-- {
		context[k][1] = last
		if words[k].ascii || words[k].foreign {
			last = side{words[k].ascii, words[k].foreign}
		}
	}
	for k, w := range words {
		if !w.looks {
			continue
		}
		mark := w.ascii
		if !mark && !w.foreign {
			// A word that reads as ASCII is shown as what it is unless it
			// stands in text of another script, and in no ASCII.
			before, after := context[k][0], context[k][1]
			mark = before.ascii || after.ascii || !(before.foreign || after.foreign)
		}
		if !mark {
			continue
		}
		for i := w.start; i < w.end; i++ {
			marked[i] = !chars[i].bad && lookalike(chars[i].r)
		}
	}
	return marked
}

// lookalike reports whether r is a non-ASCII character that can pass for
// an ASCII one.
func lookalike(r rune) bool {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // fullwidth ASCII
		return true
	case r >= 0x1D400 && r <= 0x1D7FF: // mathematical letters and digits
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case r >= 0x2160 && r <= 0x217F: // Roman numerals: Ⅰ Ⅴ Ⅹ Ⅼ Ⅽ Ⅾ Ⅿ
		return true
	}
	_, ok := confusables[r]
	return ok
}

// confusables maps common characters that look like ASCII to the ASCII
// they pass for, after Unicode's confusables.txt: the look-alikes of
// Cyrillic, Greek, Armenian, Cherokee, Latin extensions, and punctuation
// that can fake a path, a flag or a statement. Fullwidth forms,
// mathematical alphanumerics and Roman numerals are ranges in lookalike.
var confusables = map[rune]rune{
	// Cyrillic
	0x0430: 'a', 0x0435: 'e', 0x043E: 'o', 0x0440: 'p', 0x0441: 'c', 0x0443: 'y',
	0x0445: 'x', 0x0455: 's', 0x0456: 'i', 0x0458: 'j', 0x04BB: 'h', 0x04CF: 'l',
	0x0501: 'd', 0x051B: 'q', 0x051D: 'w',
	0x0405: 'S', 0x0406: 'I', 0x0408: 'J', 0x0410: 'A', 0x0412: 'B', 0x0415: 'E',
	0x0417: '3', 0x041A: 'K', 0x041C: 'M', 0x041D: 'H', 0x041E: 'O', 0x0420: 'P',
	0x0421: 'C', 0x0422: 'T', 0x0425: 'X', 0x04AE: 'Y', 0x04C0: 'I', 0x051A: 'Q',
	0x051C: 'W',
	// Greek
	0x0391: 'A', 0x0392: 'B', 0x0395: 'E', 0x0396: 'Z', 0x0397: 'H', 0x0399: 'I',
	0x039A: 'K', 0x039C: 'M', 0x039D: 'N', 0x039F: 'O', 0x03A1: 'P', 0x03A4: 'T',
	0x03A5: 'Y', 0x03A7: 'X', 0x03F9: 'C', 0x037F: 'J',
	0x03B1: 'a', 0x03B3: 'y', 0x03B9: 'i', 0x03BD: 'v', 0x03BF: 'o', 0x03C1: 'p',
	0x03F2: 'c', 0x03F3: 'j',
	// Armenian
	0x0555: 'O', 0x054D: 'U', 0x054F: 'S', 0x0566: 'q', 0x0570: 'h', 0x0578: 'n',
	0x057D: 'u', 0x0581: 'g', 0x0585: 'o',
	// Cherokee
	0x13A2: 'T', 0x13AA: 'A', 0x13AB: 'J', 0x13AC: 'E', 0x13B3: 'W', 0x13B7: 'M',
	0x13BB: 'H', 0x13C3: 'Z', 0x13D9: 'V', 0x13DA: 'S', 0x13DF: 'C', 0x13E2: 'P',
	0x13E6: 'K', 0x13F4: 'B',
	// Latin letters beyond ASCII that are drawn as ASCII ones
	0x0131: 'i', 0x01C0: 'l', 0x0251: 'a', 0x0261: 'g', 0x0269: 'i', 0x212A: 'K',
	0x1D04: 'c', 0x1D0F: 'o', 0x1D1C: 'u', 0x1D20: 'v', 0x1D21: 'w', 0x1D22: 'z',
	// punctuation
	0x01C3: '!', 0x037E: ';', 0x0589: ':', 0x2236: ':', 0xA789: ':', 0x2024: '.',
	0x2215: '/', 0x2044: '/', 0x29F8: '/', 0x2010: '-', 0x2011: '-', 0x2012: '-',
	0x2013: '-', 0x2212: '-', 0xFE63: '-', 0x02D7: '-', 0x2039: '<', 0x203A: '>',
	0x2223: '|',
}

// maxLineDiffCells bounds the table of the line diff: past it, the
// changed middle of two texts is shown as all removed, then all added.
const maxLineDiffCells = 1 << 22

// lineDiff returns a compact line diff of two texts for FieldChange.Lines:
// hunks as `git diff -U0` writes them, from a longest common subsequence of
// lines, so that a reviewer sees each changed line of a script and where
// it is.
func lineDiff(old, cur string) []string {
	a, b := splitLines(old), splitLines(cur)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]

	// same[i] is the line of mb that line i of ma is kept as, or -1.
	same := make([]int, len(ma))
	for i := range same {
		same[i] = -1
	}
	if n, m := len(ma), len(mb); n > 0 && m > 0 && (n+1)*(m+1) <= maxLineDiffCells {
		// lcs[i*(m+1)+j] is the length of a longest common subsequence
		// of ma[i:] and mb[j:].
		lcs := make([]int32, (n+1)*(m+1))
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				switch {
				case ma[i] == mb[j]:
					lcs[i*(m+1)+j] = lcs[(i+1)*(m+1)+j+1] + 1
				default:
					lcs[i*(m+1)+j] = max(lcs[(i+1)*(m+1)+j], lcs[i*(m+1)+j+1])
				}
			}
		}
		for i, j := 0, 0; i < n && j < m; {
			switch {
			case ma[i] == mb[j]:
				same[i] = j
				i, j = i+1, j+1
			case lcs[(i+1)*(m+1)+j] >= lcs[i*(m+1)+j+1]:
				i++
			default:
				j++
			}
		}
	}

	var out []string
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		if i < len(ma) && same[i] == j {
			i, j = i+1, j+1
			continue
		}
		// A hunk: the old lines up to the next kept one, and the new
		// lines up to its pair.
		i0, j0 := i, j
		for i < len(ma) && same[i] < 0 {
			i++
		}
		j = len(mb)
		if i < len(ma) {
			j = same[i]
		}
		out = append(out, "@@ -"+hunkRange(pre+i0, i-i0)+" +"+hunkRange(pre+j0, j-j0)+" @@")
		out = appendLines(out, "-", ma[i0:i])
		out = appendLines(out, "+", mb[j0:j])
	}
	return out
}

// splitLines splits text into lines that keep their "\n".
func splitLines(text string) []string {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// hunkRange writes a hunk's range of count lines from line start (from 0)
// as a unified diff does: an empty range names the line before it.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return strconv.Itoa(start) + ",0"
	case 1:
		return strconv.Itoa(start + 1)
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(count)
}

func appendLines(out []string, op string, lines []string) []string {
	for _, l := range lines {
		text, ok := strings.CutSuffix(l, "\n")
		out = append(out, op+text)
		if !ok {
			out = append(out, `\ No newline at end of file`)
		}
	}
	return out
}

// Text writes the diff for a person to review, every string from the
// snapshots through Visible (lines of a body) or quoted with Visible's
// escapes (values and attributes), so that nothing can hide in it; no
// sensitive value is in a Diff to be written. For example:
//
//	Project
//	  lifecycle: "Default" → "Prod"
//	Steps
//	  ~ Deploy web
//	      destination: "/srv/acme/#{Octopus.Environment.Name}" → "/srv/acme2"
//	  - Approve (removed, was step 3)
//	  ~ Migrate database (moved: step 1 → 2)
//	      environments: ["Test", "Production"] → ["Test", "Production", "Staging"]
//	      body:
//	        @@ -2 +2 @@
//	        - echo old
//	        + echo new
//	  + Smoke test (new, step 3)
//	      action: "run_script"
//	      condition: "success"
//	      syntax: "bash"
//	      body:
//	        @@ -0,0 +1 @@
//	        + ./smoke.sh
//	Packages
//	  ~ acme-web 1.4.0 (sha256 ab12ab12ab12…) → 1.5.0 (sha256 cd34cd34cd34…)
//	  + acme-api (version not pinned)
//	Variables
//	  ~ DatabaseHost
//	      ~ [environment Test] "test-db.internal" → "test-db2"
//	      + [environment Staging] "db2.internal"
//	  ~ ApiKey (sensitive)
//	      ~ [environment Test] (sensitive value changed)
//	Templates
//	  ~ DbPassword
//	      label: "Database password" → "Password of the database"
//	  + Region (text, per environment, optional)
//	      default: "eu"
//
// Sections come in that order, those without changes left out; an empty
// diff is "No differences". A thing is marked "+" added, "-" removed, "~"
// changed or moved; steps are numbered from 1. An added step or template
// lists every attribute it sets, an added or removed variable its values.
// Values and attributes are quoted as Go quotes strings ("\"", "\\",
// "\n", "\t") with Visible's \u{…} escapes, absent ones shown as (none);
// lists are in brackets, a template's options in braces. A name is shown
// as it is unless it holds a quote, bracket, brace, parenthesis, comma,
// semicolon, backslash, arrow, newline or tab, or space at either end, or
// is empty: then it is quoted. A multi-line text is shown as its line diff
// (FieldChange.Lines), each line through Visible, so a body cannot forge
// lines of the diff around it: its lines are always indented under "+ " or
// "- ". A scope is "[unscoped]" or its dimensions, as in
// "[environment Production, Test; tenant Contoso]". Package hashes are cut
// to 12 digits unless two that differ share those; a size is shown only
// where two pins of the same hash differ in it.
func (d *Diff) Text(w io.Writer) error {
	t := &textWriter{w: w}
	if d.Empty() {
		t.printf(0, "No differences")
		return t.err
	}
	if d.Project != nil {
		t.printf(0, "Project")
		for _, f := range d.Project.Fields {
			t.field(2, f)
		}
	}
	if len(d.Steps) > 0 {
		t.printf(0, "Steps")
		for _, s := range d.Steps {
			t.step(s)
		}
	}
	if len(d.Packages) > 0 {
		t.printf(0, "Packages")
		for _, p := range d.Packages {
			t.pkg(p)
		}
	}
	if len(d.Variables) > 0 {
		t.printf(0, "Variables")
		for _, v := range d.Variables {
			t.variable(v)
		}
	}
	if len(d.Templates) > 0 {
		t.printf(0, "Templates")
		for _, tc := range d.Templates {
			t.template(tc)
		}
	}
	return t.err
}

// textWriter writes lines and keeps the first error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(indent int, format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, "%*s"+format+"\n", append([]any{indent, ""}, args...)...)
}

func (t *textWriter) step(s StepChange) {
	switch s.Kind {
	case Added:
		t.printf(2, "+ %s (new, step %d)", name(s.Name), s.Index+1)
	case Removed:
		t.printf(2, "- %s (removed, was step %d)", name(s.Name), s.OldIndex+1)
	default:
		moved := ""
		if s.Moved || s.Kind == Moved {
			moved = fmt.Sprintf(" (moved: step %d → %d)", s.OldIndex+1, s.Index+1)
		}
		t.printf(2, "~ %s%s", name(s.Name), moved)
	}
	for _, f := range s.Fields {
		t.field(6, f)
	}
}

func (t *textWriter) field(indent int, f FieldChange) {
	switch {
	case f.Sensitive:
		t.printf(indent, "%s: (sensitive value changed)", f.Field)
	case f.Lines != nil:
		t.printf(indent, "%s:", f.Field)
		t.lines(indent+2, f.Lines)
	case f.Old == nil:
		t.printf(indent, "%s: %s", f.Field, shown(f.New))
	default:
		t.printf(indent, "%s: %s → %s", f.Field, shown(f.Old), shown(f.New))
	}
}

func (t *textWriter) lines(indent int, lines []string) {
	for _, l := range lines {
		op, text := l[:min(1, len(l))], l[min(1, len(l)):]
		switch {
		case (op == "+" || op == "-") && text != "":
			t.printf(indent, "%s %s", op, Visible(text))
		default:
			t.printf(indent, "%s", VisibleLine(l))
		}
	}
}

func (t *textWriter) pkg(p PackageChange) {
	switch p.Kind {
	case Added:
		t.printf(2, "+ %s %s", name(p.ID), version(p.New, nil))
	case Removed:
		t.printf(2, "- %s %s", name(p.ID), version(p.Old, nil))
	default:
		if p.Old.ID != p.New.ID {
			t.printf(2, "~ %s %s → %s %s", name(p.Old.ID), version(p.Old, p.New), name(p.New.ID), version(p.New, p.Old))
		} else {
			t.printf(2, "~ %s %s → %s", name(p.ID), version(p.Old, p.New), version(p.New, p.Old))
		}
	}
}

// version shows a pinned package beside the other side's pin, if any: its
// size too where only the size differs, which the same bytes cannot do.
func version(p, other *PackageRef) string {
	if p.Version == "" && p.SHA256 == "" {
		return "(version not pinned)"
	}
	h := p.SHA256
	if len(h) > 12 && isHex(h) && (other == nil || other.SHA256 == h || !strings.HasPrefix(other.SHA256, h[:12])) {
		h = h[:12] + "…"
	}
	s := VisibleLine(p.Version) + " (sha256 " + VisibleLine(h)
	if other != nil && other.SHA256 == p.SHA256 && other.Size != p.Size {
		s += ", " + strconv.FormatInt(p.Size, 10) + " bytes"
	}
	return s + ")"
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
}

func (t *textWriter) variable(v VariableChange) {
	mark := map[Kind]string{Added: "+", Removed: "-"}[v.Kind]
	if mark == "" {
		mark = "~"
	}
	label := name(v.Name)
	if v.Sensitive {
		label += " (sensitive)"
	}
	t.printf(2, "%s %s", mark, label)
	for _, f := range v.Fields {
		t.field(6, f)
	}
	for _, val := range v.Values {
		scope := scopeText(val.Scope)
		switch {
		case val.Kind == Added:
			t.printf(6, "+ %s %s", scope, value(val.New))
		case val.Kind == Removed:
			t.printf(6, "- %s %s", scope, value(val.Old))
		case val.Lines != nil:
			t.printf(6, "~ %s", scope)
			t.lines(8, val.Lines)
		case val.Old == nil || val.New == nil:
			t.printf(6, "~ %s (sensitive value changed)", scope)
		default:
			t.printf(6, "~ %s %s → %s", scope, quote(*val.Old), quote(*val.New))
		}
	}
}

// value shows a variable's value, which is nil when it is sensitive.
func value(v *string) string {
	if v == nil {
		return "(sensitive value)"
	}
	return quote(*v)
}

func (t *textWriter) template(tc TemplateChange) {
	switch tc.Kind {
	case Removed:
		t.printf(2, "- %s", name(tc.Name))
		return
	case Changed:
		t.printf(2, "~ %s", name(tc.Name))
		for _, f := range tc.Fields {
			t.field(6, f)
		}
		return
	}
	// An added template: its type, per and required on its line.
	var summary []string
	var rest []FieldChange
	required := "optional"
	for _, f := range tc.Fields {
		s, isText := f.New.(string)
		switch {
		case f.Field == "type" && isText:
			summary = append(summary, VisibleLine(s))
		case f.Field == "per" && isText:
			summary = append(summary, "per "+VisibleLine(s))
		case f.Field == "required":
			required = "required"
		default:
			rest = append(rest, f)
		}
	}
	t.printf(2, "+ %s (%s)", name(tc.Name), strings.Join(append(summary, required), ", "))
	for _, f := range rest {
		t.field(6, f)
	}
}

// shown writes an attribute's value.
func shown(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return quote(v)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case []Option:
		q := make([]string, len(v))
		for i, o := range v {
			q[i] = quote(o.Value) + " = " + quote(o.Display)
		}
		return "{" + strings.Join(q, ", ") + "}"
	}
	return quote(fmt.Sprint(v))
}

// name shows a name as it is where that cannot be misread, else quoted.
func name(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\"()[]{},;\\→\n\t") {
		return quote(s)
	}
	return VisibleLine(s)
}

// scopeText shows a value's scope: "[unscoped]", or its dimensions as
// "[environment Production, Test; tenant Contoso]".
func scopeText(s Scope) string {
	var parts []string
	for _, d := range []struct {
		dim   string
		names []string
	}{{"environment", s.Environment}, {"tenant", s.Tenant}, {"tenant tag", s.TenantTag}, {"step", s.Step}, {"channel", s.Channel}} {
		if len(d.names) == 0 {
			continue
		}
		shown := make([]string, len(d.names))
		for i, n := range d.names {
			shown[i] = name(n)
		}
		parts = append(parts, d.dim+" "+strings.Join(shown, ", "))
	}
	if len(parts) == 0 {
		return "[unscoped]"
	}
	return "[" + strings.Join(parts, "; ") + "]"
}
