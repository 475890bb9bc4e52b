package octostache

import (
	"fmt"
	"strings"
)

// maxBlockDepth bounds how deeply #{if}, #{unless} and #{each} nest.
const maxBlockDepth = 256

// Template is a parsed template, safe to evaluate many times and from
// several goroutines at once.
type Template struct {
	src   string
	nodes []node
}

// node is one piece of a template: text, a substitution, a conditional
// or a loop. Nodes are values, not interfaces, to spare an allocation
// each.
type node struct {
	// text is the text, or for a substitution the expression as
	// Octostache writes it back, output when it does not resolve.
	text string
	expr *expr // a substitution #{...}
	cond *condNode
	each *eachNode
	calc *calcNode
}

type condNode struct {
	off        int
	unless     bool
	cond       condition
	then, els  []node
	elseOffset int
}

type eachNode struct {
	off  int
	item string
	coll *symbol
	body []node
}

// Parse reads a template as Octostache reads it by default: a "#{" that
// starts nothing it can read (an unclosed #{, a name with characters no
// name may hold), blocks that do not balance and #{if}, #{unless} or
// #{each} tags that cannot be read are a *SyntaxError.
func Parse(src string) (*Template, error) {
	nodes, err := parse(src, false)
	if err != nil {
		return nil, err
	}
	return &Template{src: src, nodes: nodes}, nil
}

// String returns the template's source.
func (t *Template) String() string { return t.src }

// block is an open #{if}, #{unless} or #{each} while parsing.
type block struct {
	keyword string
	off     int
	cond    *condNode
	each    *eachNode
	outer   []node // the node list the block belongs to
	inElse  bool
	chained bool // an #{elseif}: the #{if} before it ends with it
}

// parse builds the node tree. In lenient mode, used by References and
// EvaluateLenient, it never fails: stray and unreadable tags become text
// and open blocks are closed at the end.
func parse(src string, lenient bool) ([]node, error) {
	b := &builder{parser: &parser{src: src}, lenient: lenient, nodes: make([]node, 0, 2*strings.Count(src, "#{")+1), text: pending{src: src}}
	i := 0
	for i < len(src) {
		j := strings.IndexByte(src[i:], '#')
		if j < 0 {
			b.text.add(i, len(src))
			break
		}
		b.text.add(i, i+j)
		i += j
		if next, ok := b.escape(i); ok {
			i = next
			continue
		}
		next, err := b.tag(i)
		if err != nil {
			return nil, err
		}
		i = next
	}
	b.flush()
	return b.finish()
}

// builder is the state of parse: the nodes of the innermost open block,
// the blocks open around them, and the text not yet made a node.
type builder struct {
	*parser
	lenient bool
	nodes   []node
	stack   []*block
	text    pending
}

func (b *builder) flush() {
	if t, ok := b.text.take(); ok {
		b.nodes = append(b.nodes, node{text: t})
	}
}

// escape handles the "#" at i unless it starts a tag. The escapes follow
// Octostache: "##" before "#{" is one "#", "##{" is a literal "#{", and a
// "#" not before "{" goes out with the character after it.
func (b *builder) escape(i int) (int, bool) {
	src := b.src
	switch {
	case i+1 == len(src):
		b.text.add(i, i+1)
		return i + 1, true
	case strings.HasPrefix(src[i:], "###{"):
		b.text.add(i, i+1)
		return i + 2, true
	case strings.HasPrefix(src[i:], "##{"):
		b.text.add(i+1, i+3)
		return i + 3, true
	case src[i+1] != '{':
		b.text.add(i, i+2)
		return i + 2, true
	}
	return i, false
}

// tag reads the tag at i, which starts "#{", and returns where it ends.
func (b *builder) tag(i int) (int, error) {
	k := skipSpace(b.src, i+2)
	for _, read := range [...]func(i, k int) (int, bool, error){b.endTag, b.elseIf, b.calc, b.keyword, b.expression} {
		if next, ok, err := read(i, k); err != nil || ok {
			return next, err
		}
	}
	if !b.lenient {
		// As in Octostache: "#{" that starts nothing it can read (#{Foo
		// at the end, #{a+b}) is an error, not text; "##{" is how a
		// template says "#{".
		return 0, syntaxErrorAt(b.src, i, "#{ starts no expression it can read; write ##{ for a literal #{")
	}
	b.text.add(i, i+2)
	return i + 2, nil
}

// asText is what a tag that cannot be read becomes: text from i to end
// when lenient, else the error.
func (b *builder) asText(i, end int, err error) (int, bool, error) {
	if !b.lenient {
		return 0, true, err
	}
	b.text.add(i, end)
	return end, true, nil
}

// endTag reads #{/if}, #{/unless} or #{/each}, closing its block.
func (b *builder) endTag(i, k int) (int, bool, error) {
	src := b.src
	if k >= len(src) || src[k] != '/' {
		return i, false, nil
	}
	kw, end, ok := endTag(src, k+1)
	if !ok {
		return b.asText(i, i+2, syntaxErrorAt(src, i, "#{/ closes no #{if}, #{unless} or #{each}"))
	}
	top := topBlock(b.stack)
	switch {
	case top == nil:
		return b.asText(i, end, syntaxErrorAt(src, i, "#{/%s} without a matching #{%s}", kw, kw))
	case top.keyword != kw:
		line, col := position(src, top.off)
		return b.asText(i, end, syntaxErrorAt(src, i, "#{/%s} closes the #{%s} opened at %d:%d", kw, top.keyword, line, col))
	}
	b.flush()
	b.pop()
	// An #{elseif} is an #{if} in the #{else} of the one before: its
	// #{/if} closes them all.
	for top.chained {
		top = b.pop()
	}
	return end, true, nil
}

// pop closes the innermost block and returns it.
func (b *builder) pop() *block {
	top := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.nodes = top.close(b.nodes)
	return top
}

// elseIf reads #{elseif COND} inside an #{if}: an #{if} opened in the
// #{else} of the one before.
func (b *builder) elseIf(i, _ int) (int, bool, error) {
	top := topBlock(b.stack)
	if top == nil || top.cond == nil || top.cond.unless || top.inElse || !isElseIf(b.src, i) {
		return i, false, nil
	}
	c, end, want := b.parseCondition(i + len("#{elseif "))
	if want != "" {
		return b.asText(i, i+2, syntaxErrorAt(b.src, end, "malformed #{elseif}: expected %s", want))
	}
	b.flush()
	top.cond.then = b.nodes
	top.cond.elseOffset = i
	top.inElse = true
	b.stack = append(b.stack, &block{keyword: "if", off: i, cond: &condNode{off: i, cond: c}, chained: true})
	b.nodes = nil
	return end, true, nil
}

// calc reads #{calc EXPR}; one that does not read as a calculation is
// left to the other readings (a variable named "calc x", say).
func (b *builder) calc(i, k int) (int, bool, error) {
	src := b.src
	if !hasKeyword(src[k:], "calc") || k+4 >= len(src) || !isBlank(src[k+4]) {
		return i, false, nil
	}
	t, end, ok := b.parseCalc(k + 4)
	if !ok {
		return i, false, nil
	}
	b.flush()
	b.nodes = append(b.nodes, node{calc: &calcNode{root: t, echo: calcEcho(t)}})
	return end, true, nil
}

// keyword reads #{else} and the headers of #{if}, #{unless} and #{each}.
func (b *builder) keyword(i, k int) (int, bool, error) {
	switch kw := keywordAt(b.src, k); kw {
	case "else":
		return b.elseTag(i, k)
	case "if", "unless", "each":
		return b.open(i, k, kw)
	}
	return i, false, nil
}

// elseTag reads #{else}; #{else something} is a variable's name.
func (b *builder) elseTag(i, k int) (int, bool, error) {
	src := b.src
	end := skipSpace(src, k+4)
	if end >= len(src) || src[end] != '}' {
		return i, false, nil
	}
	end++
	top := topBlock(b.stack)
	var msg string
	switch {
	case top == nil:
		msg = "#{else} outside #{if} or #{unless}"
	case top.each != nil:
		msg = "#{else} directly inside #{each}"
	case top.inElse:
		line, col := position(src, top.cond.elseOffset)
		msg = fmt.Sprintf("second #{else} in one #{%s}, the first at %d:%d", top.keyword, line, col)
	}
	if msg != "" {
		return b.asText(i, end, syntaxErrorAt(src, i, "%s", msg))
	}
	b.flush()
	top.cond.then = b.nodes
	top.cond.elseOffset = i
	top.inElse = true
	b.nodes = nil
	return end, true, nil
}

// open reads the header of #{if}, #{unless} or #{each} and opens its
// block.
func (b *builder) open(i, k int, kw string) (int, bool, error) {
	if len(b.stack) >= maxBlockDepth {
		if b.lenient {
			return i, false, nil
		}
		return 0, true, syntaxErrorAt(b.src, i, "blocks nest more than %d deep", maxBlockDepth)
	}
	after := k + len(kw)
	blk := &block{keyword: kw, off: i}
	var end int
	var want string
	if kw == "each" {
		var item string
		var coll *symbol
		item, coll, end, want = b.parseEach(after)
		blk.each = &eachNode{off: i, item: item, coll: coll}
	} else {
		var c condition
		c, end, want = b.parseCondition(after)
		blk.cond = &condNode{off: i, unless: kw == "unless", cond: c}
	}
	if want != "" {
		return b.asText(i, i+2, syntaxErrorAt(b.src, end, "malformed #{%s}: expected %s", kw, want))
	}
	b.flush()
	blk.outer = b.nodes
	b.stack = append(b.stack, blk)
	b.nodes = nil
	return end, true, nil
}

// expression reads a substitution, #{...}.
func (b *builder) expression(i, _ int) (int, bool, error) {
	x, end, ok := b.exprTag(i, 0)
	if !ok {
		return i, false, nil
	}
	b.flush()
	b.nodes = append(b.nodes, node{text: x.echo(), expr: x})
	return end, true, nil
}

// finish closes the blocks left open: an error, or in lenient mode
// closed at the end.
func (b *builder) finish() ([]node, error) {
	if len(b.stack) > 0 && !b.lenient {
		top := topBlock(b.stack)
		return nil, syntaxErrorAt(b.src, top.off, "#{%s} is never closed: expected #{/%s}", top.keyword, top.keyword)
	}
	for len(b.stack) > 0 {
		b.pop()
	}
	return b.nodes, nil
}

// close ends the block with body as its last part and returns the node
// list it belongs to, with the block appended.
func (b *block) close(body []node) []node {
	switch {
	case b.each != nil:
		b.each.body = body
		return append(b.outer, node{each: b.each})
	case b.inElse:
		b.cond.els = body
	default:
		b.cond.then = body
	}
	return append(b.outer, node{cond: b.cond})
}

// topBlock is the innermost open block, or nil.
func topBlock(stack []*block) *block {
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// isElseIf reports whether src[i:] starts an #{elseif} clause: the
// keyword exactly, right after "#{", and one white-space character.
// Anything else (#{elseifX}, #{ElseIf X}) is a variable's name, as in
// Octostache.
func isElseIf(src string, i int) bool {
	const kw = "#{elseif"
	if !strings.HasPrefix(src[i:], kw) || i+len(kw) >= len(src) {
		return false
	}
	return isBlank(src[i+len(kw)])
}

// isBlank reports an ASCII white-space character.
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// keywordAt returns the block keyword at i: "if", "unless" or "each"
// followed by white space or "}", or "else"; otherwise "".
func keywordAt(src string, i int) string {
	for _, kw := range [...]string{"if", "unless", "each", "else"} {
		if !hasKeyword(src[i:], kw) {
			continue
		}
		j := i + len(kw)
		if j >= len(src) {
			return ""
		}
		if c := src[j]; c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			return kw
		}
		return ""
	}
	return ""
}

// endTag reads the keyword and "}" of #{/if}, #{/unless} or #{/each}
// after the slash.
func endTag(src string, i int) (kw string, end int, ok bool) {
	i = skipSpace(src, i)
	for _, k := range [...]string{"if", "unless", "each"} {
		if hasKeyword(src[i:], k) {
			j := skipSpace(src, i+len(k))
			if j < len(src) && src[j] == '}' {
				return k, j + 1, true
			}
		}
	}
	return "", i, false
}

// pending collects a run of text. While the run is a plain stretch of the
// source it is kept as offsets, and it is copied only when an escape
// makes it differ.
type pending struct {
	src        string
	start, end int // the run is src[start:end] unless copied
	buf        []byte
	copied     bool
	has        bool
}

// add appends src[a:b] to the run.
func (t *pending) add(a, b int) {
	switch {
	case !t.has:
		t.start, t.end, t.has, t.copied = a, b, true, false
	case !t.copied && a == t.end:
		t.end = b
	case !t.copied:
		t.buf = append(t.buf[:0], t.src[t.start:t.end]...)
		t.copied = true
		fallthrough
	default:
		t.buf = append(t.buf, t.src[a:b]...)
	}
}

// take returns the run and starts a new one.
func (t *pending) take() (string, bool) {
	if !t.has {
		return "", false
	}
	t.has = false
	if t.copied {
		return string(t.buf), true
	}
	return t.src[t.start:t.end], true
}
