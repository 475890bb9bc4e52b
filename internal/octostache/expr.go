package octostache

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads what stands between #{ and }: a variable name (a
// symbol), an optional chain of filters with their arguments, and the
// headers of #{if}, #{unless} and #{each}. Every function takes the offset
// to start at and returns the offset after what it read and whether it
// read anything; a failure is not an error, the caller passes the text
// through as written.

// maxExprDepth bounds #{...} nested inside an index or a filter argument.
const maxExprDepth = 16

// parser holds a template's source while it is read.
type parser struct {
	src string
	// close maps the offset of each "[" to that of its matching "]" on
	// the same line, or -1; computed a line at a time on first use, so
	// that a line of unclosed "[" is not scanned again for each.
	close map[int]int
	// inCondition is set while a side of a condition is read: a bare
	// filter argument stops before "==" and "!=" there.
	inCondition bool
}

// closing returns the offset of the "]" matching the "[" at i, or -1.
func (p *parser) closing(i int) int {
	if k := strings.IndexAny(p.src[i+1:], "[]\n\r"); k >= 0 && p.src[i+1+k] == ']' {
		return i + 1 + k // no nesting: the first "]" it is
	}
	if end, ok := p.close[i]; ok {
		return end
	}
	if p.close == nil {
		p.close = make(map[int]int)
	}
	// Match the brackets of i's line, once.
	start := strings.LastIndexAny(p.src[:i], "\n\r") + 1
	end := strings.IndexAny(p.src[i:], "\n\r")
	if end < 0 {
		end = len(p.src)
	} else {
		end += i
	}
	var open []int
	for k := start; k < end; k++ {
		switch p.src[k] {
		case '[':
			open = append(open, k)
			p.close[k] = -1
		case ']':
			if len(open) > 0 {
				p.close[open[len(open)-1]] = k
				open = open[:len(open)-1]
			}
		}
	}
	return p.close[i]
}

// expr is the inside of #{...}: a symbol, a filter chain, or both.
type expr struct {
	sym     *symbol // nil in #{ | NowDate}
	filters []filterCall
}

type filterCall struct {
	name string // as written
	fn   filterFunc
	args []filterArg
}

// filterArg is a literal, or a nested #{...} evaluated first and, if it
// does not resolve, used as written (lit).
type filterArg struct {
	lit string
	sub *expr
}

// symbol is a variable name: identifiers joined by dots, and indexes in
// brackets, which are literal (Action[Deploy web]) or computed
// (Action[#{StepName}]).
type symbol struct {
	steps []step
	// head is the first identifier; rest is what follows, rendered
	// ".Name[key]"; full is both. They are set when no index is computed.
	head, rest, full string
	static           bool
}

type step struct {
	ident string // ".ident" when index is false
	index bool
	key   string // literal index
	dyn   *expr  // computed index
}

// condition is the header of #{if}, #{elseif} and #{unless}: a side
// alone (true when Truthy), or two sides compared.
type condition struct {
	left  operand
	op    string // "", "==" or "!="
	right operand
}

// operand is a side of a condition: a variable with its filters, or a
// quoted literal.
type operand struct {
	x   *expr // nil for a literal
	lit string
}

func isSpace(r rune) bool { return r != '\n' && r != '\r' && unicode.IsSpace(r) }

// isIdentRune reports whether r may appear in an identifier: Octostache's
// letters, digits, whitespace and _ - : / ~ ( ) @. Identifiers do not
// span lines.
func isIdentRune(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) || isSpace(r) {
		return true
	}
	switch r {
	case '_', '-', ':', '/', '~', '(', ')', '@':
		return true
	}
	return false
}

// identASCII is isIdentRune for ASCII, for the common case.
var identASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isIdentRune(rune(c))
	}
	return t
}()

func isFilterRune(r rune) bool { return !isSpace(r) && isIdentRune(r) }

// skipSpace returns the offset of the first character at or after i that
// is not white space; between tokens a tag may span lines.
func skipSpace(src string, i int) int {
	for i < len(src) {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

// scan returns the offset after the run of runes at i that satisfy ok.
func scan(src string, i int, ok func(rune) bool) int {
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if !ok(rune(c)) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !ok(r) {
			return i
		}
		i += size
	}
	return i
}

// ident reads an identifier at i, which may hold inner spaces, and returns
// it without its surrounding spaces.
func ident(src string, i int) (string, int) {
	j := i
	for j < len(src) && src[j] < utf8.RuneSelf && identASCII[src[j]] {
		j++
	}
	if j < len(src) && src[j] >= utf8.RuneSelf {
		j = scan(src, j, isIdentRune)
	}
	id := src[i:j]
	if id != "" && id[0] > ' ' && id[len(id)-1] > ' ' && id[0] < utf8.RuneSelf && id[len(id)-1] < utf8.RuneSelf {
		return id, j
	}
	return strings.TrimFunc(id, unicode.IsSpace), j
}

// exprTag reads "#{" expr "}" at i.
func (p *parser) exprTag(i, depth int) (*expr, int, bool) {
	src := p.src
	if depth > maxExprDepth || !strings.HasPrefix(src[i:], "#{") {
		return nil, i, false
	}
	x, j, ok := p.parseExpr(i+2, depth)
	if !ok {
		return nil, i, false
	}
	j = skipSpace(src, j)
	if j >= len(src) || src[j] != '}' {
		return nil, i, false
	}
	return x, j + 1, true
}

// parseExpr reads [symbol] { "|" filter }.
func (p *parser) parseExpr(i, depth int) (*expr, int, bool) {
	src := p.src
	// One allocation for the expression, its symbol and a few steps.
	box := &struct {
		x     expr
		sym   symbol
		steps [4]step
	}{}
	x := &box.x
	i = skipSpace(src, i)
	if i < len(src) && src[i] != '|' {
		box.sym.steps = box.steps[:0]
		j, ok := p.symbolInto(&box.sym, i, depth)
		if !ok {
			return nil, i, false
		}
		x.sym, i = &box.sym, j
	}
	for {
		j := skipSpace(src, i)
		if j >= len(src) || src[j] != '|' {
			break
		}
		f, k, ok := p.parseFilter(j+1, depth)
		if !ok {
			return nil, i, false
		}
		x.filters = append(x.filters, f)
		i = k
	}
	if x.sym == nil && len(x.filters) == 0 {
		return nil, i, false
	}
	return x, i, true
}

// parseSymbol reads ident { "." ident | "[" index "]" }.
func (p *parser) parseSymbol(i, depth int) (*symbol, int, bool) {
	sym := &symbol{}
	j, ok := p.symbolInto(sym, i, depth)
	if !ok {
		return nil, i, false
	}
	return sym, j, true
}

// symbolInto is parseSymbol into sym, whose steps may have capacity.
func (p *parser) symbolInto(sym *symbol, i, depth int) (int, bool) {
	src := p.src
	id, j := ident(src, i)
	if id == "" {
		return i, false
	}
	sym.static = true
	sym.steps = append(sym.steps[:0], step{ident: id})
	for j < len(src) {
		switch src[j] {
		case '.':
			id, k := ident(src, j+1)
			if id == "" {
				return i, false
			}
			sym.steps = append(sym.steps, step{ident: id})
			j = k
			continue
		case '[':
			st, k, ok := p.parseIndex(j, depth)
			if !ok {
				return i, false
			}
			if st.dyn != nil {
				sym.static = false
			}
			sym.steps = append(sym.steps, st)
			j = k
			continue
		}
		break
	}
	if sym.static {
		// Where nothing was trimmed the name is the source text as it
		// stands, and needs no copy.
		n := 0
		for _, st := range sym.steps {
			n += 1 + len(st.ident) + len(st.key)
			if st.index {
				n++
			}
		}
		if n-1 == j-i {
			h := len(sym.steps[0].ident)
			sym.head, sym.rest, sym.full = src[i:i+h], src[i+h:j], src[i:j]
		} else {
			sym.head, sym.rest = sym.render(nil)
			sym.full = sym.head + sym.rest
		}
	}
	return j, true
}

// parseIndex reads "[" (#{expr} | literal) "]" at i. A literal index may
// hold balanced brackets (Package[containers[0].name]) but not a line
// break.
func (p *parser) parseIndex(i, depth int) (step, int, bool) {
	src := p.src
	j := skipSpace(src, i+1)
	if x, k, ok := p.exprTag(j, depth+1); ok {
		k = skipSpace(src, k)
		if k < len(src) && src[k] == ']' {
			return step{index: true, dyn: x}, k + 1, true
		}
	}
	if end := p.closing(i); end >= 0 {
		return step{index: true, key: strings.TrimFunc(src[i+1:end], unicode.IsSpace)}, end + 1, true
	}
	return step{}, i, false
}

// parseFilter reads a filter name and its arguments after "|".
func (p *parser) parseFilter(i, depth int) (filterCall, int, bool) {
	src := p.src
	i = skipSpace(src, i)
	j := scan(src, i, isFilterRune)
	if j == i {
		return filterCall{}, i, false
	}
	f := filterCall{name: src[i:j], fn: filters[strings.ToLower(src[i:j])]}
	if f.name == "null" {
		// Octostache's null, in lower case only: the template has no value.
		f.fn = nullFilter
	}
	for {
		k := skipSpace(src, j)
		if k >= len(src) {
			return filterCall{}, i, false
		}
		switch c := src[k]; {
		case c == '|' || c == '}':
			return f, j, true
		case p.inCondition && (strings.HasPrefix(src[k:], "==") || strings.HasPrefix(src[k:], "!=")):
			return f, j, true
		case strings.HasPrefix(src[k:], "#{"):
			x, end, ok := p.exprTag(k, depth+1)
			if !ok {
				return filterCall{}, i, false
			}
			f.args = append(f.args, filterArg{lit: src[k:end], sub: x})
			j = end
		case c == '"':
			end := strings.IndexAny(src[k+1:], "\"\n")
			if end < 0 || src[k+1+end] != '"' {
				return filterCall{}, i, false
			}
			f.args = append(f.args, filterArg{lit: src[k+1 : k+1+end]})
			j = k + 2 + end
		case strings.HasPrefix(src[k:], `\"`):
			end := strings.Index(src[k+2:], `\"`)
			if end < 0 || strings.ContainsAny(src[k+2:k+2+end], "\n") {
				return filterCall{}, i, false
			}
			f.args = append(f.args, filterArg{lit: src[k+2 : k+2+end]})
			j = k + 4 + end
		default:
			end := k
			for end < len(src) {
				r, size := utf8.DecodeRuneInString(src[end:])
				if unicode.IsSpace(r) || r == '|' || r == '}' || r == '"' || strings.HasPrefix(src[end:], "#{") ||
					p.inCondition && (strings.HasPrefix(src[end:], "==") || strings.HasPrefix(src[end:], "!=")) {
					break
				}
				end += size
			}
			if end == k {
				return filterCall{}, i, false
			}
			f.args = append(f.args, filterArg{lit: src[k:end]})
			j = end
		}
	}
}

// parseCondition reads the rest of an #{if}, #{elseif} or #{unless}
// header after the keyword: a side, or two sides around "==" or "!=",
// then "}". A side is a variable with filters or a quoted literal; a
// literal alone is no condition.
func (p *parser) parseCondition(i int) (condition, int, string) {
	src := p.src
	var c condition
	left, j, want := p.parseOperand(skipSpace(src, i))
	if want != "" {
		return c, j, want
	}
	c.left = left
	j = skipSpace(src, j)
	if strings.HasPrefix(src[j:], "==") || strings.HasPrefix(src[j:], "!=") {
		c.op = src[j : j+2]
		right, k, want := p.parseOperand(skipSpace(src, j+2))
		if want != "" {
			return c, k, want + " after " + c.op
		}
		if left.x == nil && right.x == nil {
			return c, k, "a variable name on one side of " + c.op
		}
		c.right, j = right, skipSpace(src, k)
	} else if left.x == nil {
		return c, j, `"==" or "!=" after a quoted string`
	}
	if j >= len(src) || src[j] != '}' {
		return c, j, `"}"`
	}
	return c, j + 1, ""
}

// parseOperand reads a side of a condition: "quoted", \"quoted\", or a
// variable and its filters, whose bare arguments stop before == and !=.
func (p *parser) parseOperand(i int) (operand, int, string) {
	src := p.src
	switch {
	case strings.HasPrefix(src[i:], `\"`):
		end := strings.Index(src[i+2:], `\"`)
		if end < 0 {
			return operand{}, i, `a closing \"`
		}
		return operand{lit: src[i+2 : i+2+end]}, i + 4 + end, ""
	case i < len(src) && src[i] == '"':
		end := strings.IndexByte(src[i+1:], '"')
		if end < 0 {
			return operand{}, i, `a closing "`
		}
		return operand{lit: src[i+1 : i+1+end]}, i + 2 + end, ""
	}
	p.inCondition = true
	x, j, ok := p.parseExpr(i, 0)
	p.inCondition = false
	if !ok || x.sym == nil {
		return operand{}, i, "a variable name"
	}
	return operand{x: x}, j, ""
}

// parseEach reads the rest of an #{each} header after the keyword:
// item "in" symbol "}".
func (p *parser) parseEach(i int) (item string, coll *symbol, end int, want string) {
	src := p.src
	i = skipSpace(src, i)
	j := scan(src, i, isFilterRune)
	if j == i {
		return "", nil, i, "a name for the item"
	}
	item = src[i:j]
	k := skipSpace(src, j)
	if k == j || !hasKeyword(src[k:], "in") || k+2 >= len(src) || !unicode.IsSpace(rune(src[k+2])) {
		return "", nil, k, `"in"`
	}
	k = skipSpace(src, k+2)
	coll, k, ok := p.parseSymbol(k, 0)
	if !ok {
		return "", nil, k, "the name of a list"
	}
	k = skipSpace(src, k)
	if k >= len(src) || src[k] != '}' {
		return "", nil, k, `"}"`
	}
	return item, coll, k + 1, ""
}

// hasKeyword reports whether s starts with kw, compared without regard to
// case.
func hasKeyword(s, kw string) bool {
	return len(s) >= len(kw) && strings.EqualFold(s[:len(kw)], kw)
}

// render returns the symbol's first identifier and the rest of its name,
// with computed indexes given by keys in order (nil: "*").
func (s *symbol) render(keys []string) (head, rest string) {
	var b strings.Builder
	n := 0
	for _, st := range s.steps[1:] {
		switch {
		case !st.index:
			b.WriteByte('.')
			b.WriteString(st.ident)
		case st.dyn != nil:
			b.WriteByte('[')
			if keys == nil {
				b.WriteByte('*')
			} else {
				b.WriteString(keys[n])
			}
			n++
			b.WriteByte(']')
		default:
			b.WriteByte('[')
			b.WriteString(st.key)
			b.WriteByte(']')
		}
	}
	return s.steps[0].ident, b.String()
}

// echo is how Octostache writes an expression back when it does not
// resolve: regenerated, not copied: names trimmed, " | " between filters,
// and every literal argument quoted, with "#{" in it doubled.
func (x *expr) echo() string {
	var b strings.Builder
	b.WriteString("#{")
	if x.sym != nil {
		b.WriteString(x.sym.echo())
	}
	for _, f := range x.filters {
		b.WriteString(" | ")
		b.WriteString(f.name)
		for _, a := range f.args {
			b.WriteByte(' ')
			if a.sub != nil {
				b.WriteString(a.sub.echo())
				continue
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(a.lit, "#{", "##{"))
			b.WriteByte('"')
		}
	}
	b.WriteString("}")
	return b.String()
}

// echo writes the symbol's name with its computed indexes as written.
func (s *symbol) echo() string {
	var b strings.Builder
	for i, st := range s.steps {
		switch {
		case !st.index:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(st.ident)
		case st.dyn != nil:
			b.WriteString("[" + st.dyn.echo() + "]")
		default:
			b.WriteString("[" + st.key + "]")
		}
	}
	return b.String()
}
