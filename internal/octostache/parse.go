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

// parse builds the node tree. In lenient mode, used by References, it
// never fails: stray and unreadable tags become text and open blocks are
// closed at the end.
func parse(src string, lenient bool) ([]node, error) {
	p := &parser{src: src}
	var (
		nodes = make([]node, 0, 2*strings.Count(src, "#{")+1)
		stack []*block
		text  = pending{src: src}
	)
	flush := func() {
		if t, ok := text.take(); ok {
			nodes = append(nodes, node{text: t})
		}
	}
	i := 0
	for i < len(src) {
		j := strings.IndexByte(src[i:], '#')
		if j < 0 {
			text.add(i, len(src))
			break
		}
		text.add(i, i+j)
		i += j
		// src[i] == '#'. The escapes follow Octostache: "##" before "#{"
		// is one "#", "##{" is a literal "#{", and a "#" not before "{"
		// goes out with the character after it.
		switch {
		case i+1 == len(src):
			text.add(i, i+1)
			i++
			continue
		case strings.HasPrefix(src[i:], "###{"):
			text.add(i, i+1)
			i += 2
			continue
		case strings.HasPrefix(src[i:], "##{"):
			text.add(i+1, i+3)
			i += 3
			continue
		case src[i+1] != '{':
			text.add(i, i+2)
			i += 2
			continue
		}

		// src[i:] starts with "#{".
		k := skipSpace(src, i+2)
		if k < len(src) && src[k] == '/' {
			kw, end, ok := endTag(src, k+1)
			if !ok {
				if !lenient {
					return nil, syntaxErrorAt(src, i, "#{/ closes no #{if}, #{unless} or #{each}")
				}
				text.add(i, i+2)
				i += 2
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1].keyword != kw {
				if lenient {
					text.add(i, end)
					i = end
					continue
				}
				if len(stack) == 0 {
					return nil, syntaxErrorAt(src, i, "#{/%s} without a matching #{%s}", kw, kw)
				}
				top := stack[len(stack)-1]
				line, col := position(src, top.off)
				return nil, syntaxErrorAt(src, i, "#{/%s} closes the #{%s} opened at %d:%d", kw, top.keyword, line, col)
			}
			flush()
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			nodes = top.close(nodes)
			// An #{elseif} is an #{if} in the #{else} of the one before:
			// its #{/if} closes them all.
			for top.chained {
				top = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				nodes = top.close(nodes)
			}
			i = end
			continue
		}

		if top := topBlock(stack); top != nil && top.cond != nil && !top.cond.unless && !top.inElse && isElseIf(src, i) {
			c, end, want := p.parseCondition(i + len("#{elseif "))
			if want != "" {
				if lenient {
					text.add(i, i+2)
					i += 2
					continue
				}
				return nil, syntaxErrorAt(src, end, "malformed #{elseif}: expected %s", want)
			}
			flush()
			top.cond.then = nodes
			top.cond.elseOffset = i
			top.inElse = true
			stack = append(stack, &block{keyword: "if", off: i, cond: &condNode{off: i, cond: c}, chained: true})
			nodes = nil
			i = end
			continue
		}

		if hasKeyword(src[k:], "calc") && k+4 < len(src) && isBlank(src[k+4]) {
			if t, end, ok := p.parseCalc(k + 4); ok {
				flush()
				nodes = append(nodes, node{calc: &calcNode{root: t, echo: calcEcho(t)}})
				i = end
				continue
			}
		}

		kw := keywordAt(src, k)
		switch kw {
		case "else":
			end := skipSpace(src, k+4)
			if end >= len(src) || src[end] != '}' {
				break // #{else something}: a variable name
			}
			end++
			var top *block
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			}
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
				if lenient {
					text.add(i, end)
					i = end
					continue
				}
				return nil, syntaxErrorAt(src, i, "%s", msg)
			}
			flush()
			top.cond.then = nodes
			top.cond.elseOffset = i
			top.inElse = true
			nodes = nil
			i = end
			continue

		case "if", "unless", "each":
			after := k + len(kw)
			if len(stack) >= maxBlockDepth {
				if lenient {
					break
				}
				return nil, syntaxErrorAt(src, i, "blocks nest more than %d deep", maxBlockDepth)
			}
			b := &block{keyword: kw, off: i}
			var end int
			var want string
			if kw == "each" {
				var item string
				var coll *symbol
				item, coll, end, want = p.parseEach(after)
				b.each = &eachNode{off: i, item: item, coll: coll}
			} else {
				var c condition
				c, end, want = p.parseCondition(after)
				b.cond = &condNode{off: i, unless: kw == "unless", cond: c}
			}
			if want != "" {
				if lenient {
					text.add(i, i+2)
					i += 2
					continue
				}
				return nil, syntaxErrorAt(src, end, "malformed #{%s}: expected %s", kw, want)
			}
			flush()
			b.outer = nodes
			stack = append(stack, b)
			nodes = nil
			i = end
			continue
		}

		if x, end, ok := p.exprTag(i, 0); ok {
			flush()
			nodes = append(nodes, node{text: x.echo(), expr: x})
			i = end
			continue
		}
		if !lenient {
			// As in Octostache: "#{" that starts nothing it can read
			// (#{Foo at the end, #{a+b}) is an error, not text; "##{" is
			// how a template says "#{".
			return nil, syntaxErrorAt(src, i, "#{ starts no expression it can read; write ##{ for a literal #{")
		}
		text.add(i, i+2)
		i += 2
	}
	flush()
	if len(stack) > 0 {
		if !lenient {
			top := stack[len(stack)-1]
			return nil, syntaxErrorAt(src, top.off, "#{%s} is never closed: expected #{/%s}", top.keyword, top.keyword)
		}
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			nodes = top.close(nodes)
		}
	}
	return nodes, nil
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
