package octostache

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	mdparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/idna"
)

// markdownFilter is Markdown and MarkdownToHtml: the trimmed input as
// HTML, followed by a line break, as Octostache writes Markdig's output
// (which itself ends in one). Octostache's pipeline is CommonMark with
// pipe tables, the extra emphases (~~del~~ ~sub~ ^sup^ ++ins++ ==mark==)
// and links made of bare URLs; raw HTML passes through, as in Markdig.
// goldmark does the CommonMark part, which Markdig also follows; the
// extensions here do what Markdig's do where goldmark's own differ.
func markdownFilter(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) > 0 {
		return "", false
	}
	var b bytes.Buffer
	if err := markdown().Convert([]byte(strings.TrimSpace(in)), &b); err != nil {
		return "", false
	}
	b.WriteByte('\n')
	return b.String(), true
}

// markdown is built on first use: most templates never render Markdown.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extraEmphasis{}, markdigLinks{}),
		goldmark.WithParserOptions(mdparser.WithASTTransformers(util.Prioritized(hardBreakSpaces{}, 100))),
		goldmark.WithRendererOptions(
			// Markdig writes <br />, <hr /> and <img ... />.
			html.WithXHTML(),
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(markdigTableCells{}, 100)),
		),
	)
})

// markdigTableCells renders table cells as Markdig does: alignment as
// style="text-align: left;" where goldmark writes align="left".
type markdigTableCells struct{}

func (markdigTableCells) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTableCell, renderTableCell)
}

func renderTableCell(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	tag := "td"
	if node.Parent().Kind() == east.KindTableHeader {
		tag = "th"
	}
	if !entering {
		_, _ = w.WriteString("</" + tag + ">\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<" + tag)
	if a := node.(*east.TableCell).Alignment; a != east.AlignNone {
		_, _ = w.WriteString(` style="text-align: ` + a.String() + `;"`)
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

// extraEmphasis is Markdig's EmphasisExtras: ~sub~, ~~del~~, ^sup^,
// ++ins++ and ==mark==, delimited as * is (also inside words).
type extraEmphasis struct{}

func (extraEmphasis) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(mdparser.WithInlineParsers(util.Prioritized(extraEmphasisParser{}, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extraEmphasisRenderer{}, 500)))
}

// emphasisDelimiter is one of the extra delimiter characters, with the
// fewest of it that make a delimiter (Markdig's MinimumCount).
type emphasisDelimiter struct {
	char byte
	min  int
}

var extraDelimiters = map[byte]*emphasisDelimiter{
	'~': {'~', 1},
	'^': {'^', 1},
	'+': {'+', 2},
	'=': {'=', 2},
}

func (d *emphasisDelimiter) IsDelimiter(b byte) bool { return b == d.char }

// CanOpenCloser refuses what Markdig would not match: fewer than min
// characters left on either side.
func (d *emphasisDelimiter) CanOpenCloser(opener, closer *mdparser.Delimiter) bool {
	return opener.Char == closer.Char && opener.Length >= d.min && closer.Length >= d.min
}

// OnMatch makes the element for consumes characters on each side. goldmark
// consumes one or two at a time; Markdig takes at most one ^ at a time
// and nests, which is what a count of 2 renders.
func (d *emphasisDelimiter) OnMatch(consumes int) ast.Node {
	switch d.char {
	case '~':
		if consumes == 2 {
			return &emphasisNode{tag: "del", count: 1}
		}
		return &emphasisNode{tag: "sub", count: 1}
	case '^':
		return &emphasisNode{tag: "sup", count: consumes}
	case '+':
		return &emphasisNode{tag: "ins", count: 1}
	}
	return &emphasisNode{tag: "mark", count: 1}
}

type extraEmphasisParser struct{}

func (extraEmphasisParser) Trigger() []byte { return []byte{'~', '^', '+', '='} }

func (extraEmphasisParser) Parse(_ ast.Node, block text.Reader, pc mdparser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	d := extraDelimiters[line[0]]
	// A run is taken whole: the rest of one that was refused is text.
	if rune(d.char) == before {
		return nil
	}
	n := 0
	for n < len(line) && line[n] == d.char {
		n++
	}
	if n < d.min {
		return nil
	}
	after := '\n'
	if n < len(line) {
		after = util.ToRune(line, n)
	}
	canOpen, canClose := flanking(before, after)
	node := mdparser.NewDelimiter(canOpen, canClose, n, d.char, d)
	node.Segment = segment.WithStop(segment.Start + n)
	block.Advance(n)
	pc.PushDelimiter(node)
	return node
}

// flanking is Markdig's CheckOpenCloseDelimiter for a delimiter allowed
// inside words: CommonMark's left- and right-flanking runs, except that a
// minus, dagger or double dagger does not count as punctuation next to
// the delimiter (10^-18^ is a superscript).
func flanking(before, after rune) (canOpen, canClose bool) {
	prevSpace, prevPunct := markdigClass(before)
	nextSpace, nextPunct := markdigClass(after)
	prevExcepted := prevPunct && strings.ContainsRune("−-†‡", before)
	nextExcepted := nextPunct && strings.ContainsRune("−-†‡", after)
	canOpen = !nextSpace && (!nextPunct || nextExcepted || prevSpace || prevPunct)
	canClose = !prevSpace && (!prevPunct || prevExcepted || nextSpace || nextPunct)
	return canOpen, canClose
}

// markdigClass says whether r is white space or punctuation as CommonMark
// (and Markdig) define them: symbols count as punctuation.
func markdigClass(r rune) (space, punct bool) {
	if isMarkdigSpace(r) {
		return true, false
	}
	return false, unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func (extraEmphasisParser) CloseBlock(ast.Node, mdparser.Context) {}

// emphasisNode is count nested tag elements.
type emphasisNode struct {
	ast.BaseInline
	tag   string
	count int
}

var kindEmphasisNode = ast.NewNodeKind("ExtraEmphasis")

func (n *emphasisNode) Kind() ast.NodeKind { return kindEmphasisNode }

func (n *emphasisNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Tag": n.tag}, nil)
}

type extraEmphasisRenderer struct{}

func (extraEmphasisRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindEmphasisNode, renderEmphasis)
}

func renderEmphasis(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*emphasisNode)
	tag := "<" + n.tag + ">"
	if !entering {
		tag = "</" + n.tag + ">"
	}
	_, _ = w.WriteString(strings.Repeat(tag, n.count))
	return ast.WalkContinue, nil
}

// hardBreakSpaces drops the spaces before a hard line break ("a   \n").
// goldmark leaves all but two of them when an inline parser triggered on
// a space (the link one below) has split the text there.
type hardBreakSpaces struct{}

func (hardBreakSpaces) Transform(doc *ast.Document, reader text.Reader, _ mdparser.Context) {
	source := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !entering || !ok || !t.HardLineBreak() || t.Segment.Stop >= len(source) || source[t.Segment.Stop] != ' ' {
			return ast.WalkContinue, nil // a break made with a backslash keeps its spaces
		}
		for t != nil {
			t.Segment = t.Segment.TrimRightSpace(source)
			if t.Segment.Len() > 0 {
				break
			}
			t, _ = t.PreviousSibling().(*ast.Text)
		}
		return ast.WalkContinue, nil
	})
}

// markdigLinks is Markdig's AutoLinks extension, which makes links of
// http://, https://, ftp://, mailto:, tel: and www. text, and Markdig's
// way of writing every link's URL.
type markdigLinks struct{}

func (markdigLinks) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(mdparser.WithInlineParsers(util.Prioritized(autoLinkParser{}, 999)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(linkRenderer{}, 100)))
}

// autoLinkParser is Markdig's AutoLinkParser. goldmark offers a parser
// the text at white space, at the start of a line and after each inline
// element (an emphasis delimiter, say), which is where Markdig allows a
// link to start: after white space, the start, or one of * _ ~ (.
type autoLinkParser struct{}

func (autoLinkParser) Trigger() []byte { return []byte{' ', '('} }

func (autoLinkParser) CloseBlock(ast.Node, mdparser.Context) {}

var autoLinkPrefixes = []string{"https://", "http://", "ftp://", "mailto:", "tel:", "www."}

func (autoLinkParser) Parse(parent ast.Node, block text.Reader, pc mdparser.Context) ast.Node {
	line, segment := block.PeekLine()
	// off is 1 when the trigger is the character before the link.
	off := 0
	switch line[0] {
	case ' ', '\t', '\n', '\f', '\r', '(':
		off = 1
	default:
		if prev := block.PrecendingCharacter(); !isMarkdigSpace(prev) && !strings.ContainsRune("*_~(", prev) {
			return nil
		}
	}
	rest := line[off:]
	if !hasAnyPrefix(rest) || pc.IsInLinkLabel() || inRawAnchor(parent, block.Source()) {
		return nil
	}
	n := scanAutoLinkURL(rest)
	if n < 0 {
		return nil
	}
	link := string(rest[:n])
	// Emphasis characters still open are given back: *http://a.b* is an
	// emphasised link.
	if pending := pendingDelimiters(pc); pending != "" {
		link = strings.TrimRight(link, pending)
	}
	url, skip, ok := autoLinkTarget(link)
	if !ok {
		return nil
	}
	if off > 0 {
		ast.MergeOrAppendTextSegment(parent, segment.WithStop(segment.Start+off))
	}
	start := segment.Start + off
	label := ast.NewTextSegment(text.NewSegment(start+skip, start+len(link)))
	label.SetRaw(true)
	node := &autoLinkNode{url: url}
	node.AppendChild(node, label)
	block.Advance(off + len(link))
	return node
}

func hasAnyPrefix(b []byte) bool {
	for _, p := range autoLinkPrefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

// isMarkdigSpace is Markdig's IsWhiteSpaceOrZero: Unicode Zs, tab, line
// feed, form feed and carriage return.
func isMarkdigSpace(r rune) bool {
	switch r {
	case 0, '\t', '\n', '\f', '\r':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// inRawAnchor tells whether an <a> written as raw HTML is still open
// before this point in the paragraph: Markdig does not nest links.
func inRawAnchor(parent ast.Node, source []byte) bool {
	for c := parent.LastChild(); c != nil; c = c.PreviousSibling() {
		raw, ok := c.(*ast.RawHTML)
		if !ok || raw.Segments.Len() == 0 {
			continue
		}
		first := raw.Segments.At(0)
		tag := strings.ToLower(string(first.Value(source)))
		if strings.HasPrefix(tag, "</a") {
			return false
		}
		if strings.HasPrefix(tag, "<a") {
			return true
		}
	}
	return false
}

// pendingDelimiters are the characters of the emphasis delimiters not yet
// matched.
func pendingDelimiters(pc mdparser.Context) string {
	var chars []byte
	for d := pc.LastDelimiter(); d != nil; d = d.PreviousDelimiter {
		if bytes.IndexByte(chars, d.Char) < 0 {
			chars = append(chars, d.Char)
		}
	}
	return string(chars)
}

// scanAutoLinkURL is Markdig's TryParseUrl for an autolink: the length of
// the URL at the start of b, or -1. It ends at white space, a control
// character, "<", an entity, an unbalanced ")", or a trailing ? ! . , : *
// _ ~ before any of those; a "(" never closed makes no link at all.
func scanAutoLinkURL(b []byte) int {
	open := 0
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == '(' {
			open++
		}
		if r == ')' {
			if open--; open < 0 {
				break
			}
		}
		if endsURL(r) || (r == '&' && isEntity(b[i:])) {
			break
		}
		if strings.ContainsRune("?!.,:*_~", r) && (i+size == len(b) || endsURL(firstRune(b[i+size:]))) {
			break
		}
		i += size
	}
	if open > 0 {
		return -1
	}
	return i
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

func endsURL(r rune) bool {
	return r == ' ' || r == '\t' || r == '<' || unicode.IsControl(r)
}

// isEntity is Markdig's ScanEntity: &name; &#digits; or &#xhex; at the
// start of b.
func isEntity(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	var body []byte
	var digits func(byte) bool
	var limit int
	switch {
	case b[1] == '#' && (b[2] == 'x' || b[2] == 'X'):
		body, digits, limit = b[3:], isHexDigit, 6
	case b[1] == '#':
		body, digits, limit = b[2:], isDigit, 7
	case isASCIILetter(b[1]):
		body, digits, limit = b[2:], asciiAlnum, 31
	default:
		return false
	}
	n := 0
	for n < len(body) && digits(body[n]) {
		if n++; n > limit {
			return false
		}
	}
	return n > 0 && n < len(body) && body[n] == ';'
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func asciiAlnum(c byte) bool    { return isDigit(c) || isASCIILetter(c) }

// autoLinkTarget is the URL an autolink goes to and how much of its text
// to skip for the label ("mailto:" and "tel:" are not shown), after
// Markdig's checks of the domain.
func autoLinkTarget(link string) (url string, skip int, ok bool) {
	domain := 0
	switch link[0] {
	case 'h':
		if link == "http://" || link == "https://" {
			return "", 0, false
		}
		domain = len("http://")
		if link[4] == 's' {
			domain++
		}
	case 'w':
		domain = len("www.")
		url = "http://"
	case 'f':
		if link == "ftp://" {
			return "", 0, false
		}
		domain = len("ftp://")
	case 't':
		// "tel:" at the end of a sentence stops before its colon.
		return link, len("tel:"), link != "tel"
	case 'm':
		at := strings.IndexByte(link, '@')
		if at < 0 || at == len("mailto:") {
			return "", 0, false
		}
		domain, skip = at+1, len("mailto:")
	}
	// Trailing punctuation may have cut the link short of its domain.
	return url + link, skip, domain <= len(link) && isValidDomain(link[domain:])
}

// isValidDomain is Markdig's IsValidDomain: letters, digits, - and _ up
// to the first / ? # or :, in two segments at least, with no _ in the
// last two. Other characters than punctuation and spaces count as
// letters, so ☃.net is a domain.
func isValidDomain(s string) bool {
	segments, hasChars, lastUnderscore := 1, false, -1
	for _, r := range s {
		if r < utf8.RuneSelf && asciiAlnum(byte(r)) {
			hasChars = true
			continue
		}
		switch {
		case r == '.':
			if !hasChars {
				return false
			}
			segments++
			hasChars = false
			continue
		case strings.ContainsRune("/?#:", r):
			return segments != 1 && hasChars && segments-lastUnderscore >= 2
		case r == '_':
			lastUnderscore = segments
		case r != '-' && isSpaceOrPunct(r):
			return false
		}
		hasChars = true
	}
	return segments != 1 && hasChars && segments-lastUnderscore >= 2
}

func isSpaceOrPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return r == 0 || r == ' ' || (r >= '\t' && r <= '\r') || unicode.IsPunct(r) || unicode.IsSymbol(r)
	}
	return unicode.IsPunct(r) || unicode.In(r, unicode.Z)
}

// autoLinkNode is a link found in text; its URL is used as written,
// without the backslash escapes and entities of a [text](url) link.
type autoLinkNode struct {
	ast.BaseInline
	url string
}

var kindAutoLinkNode = ast.NewNodeKind("MarkdigAutoLink")

func (n *autoLinkNode) Kind() ast.NodeKind { return kindAutoLinkNode }

func (n *autoLinkNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"URL": n.url}, nil)
}

// linkRenderer writes links, images and autolinks with Markdig's URLs.
type linkRenderer struct{}

func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindAutoLink, renderCommonMarkAutoLink)
	reg.Register(kindAutoLinkNode, renderAutoLink)
}

func renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Link)
	_, _ = w.WriteString(`<a href="` + markdigURL(unescapeLinkText(n.Destination)) + `"`)
	writeTitle(w, n.Title)
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	_, _ = w.WriteString(`<img src="` + markdigURL(unescapeLinkText(n.Destination)) + `" alt="`)
	writePlainText(w, source, n)
	_ = w.WriteByte('"')
	writeTitle(w, n.Title)
	_, _ = w.WriteString(" />")
	return ast.WalkSkipChildren, nil
}

// renderCommonMarkAutoLink writes <http://…> and <a@b.c>, which take
// their text as it is.
func renderCommonMarkAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	label := string(n.Label(source))
	href := `<a href="`
	if n.AutoLinkType == ast.AutoLinkEmail {
		href += "mailto:"
	}
	_, _ = w.WriteString(href + markdigURL(label) + `">`)
	_, _ = w.Write(util.EscapeHTML([]byte(label)))
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="` + markdigURL(node.(*autoLinkNode).url) + `">`)
	return ast.WalkContinue, nil
}

func writeTitle(w util.BufWriter, title []byte) {
	if len(title) == 0 {
		return
	}
	_, _ = w.WriteString(` title="`)
	html.DefaultWriter.Write(w, title)
	_ = w.WriteByte('"')
}

// writePlainText writes what an image's description says, without
// markup, as Markdig writes alt text.
func writePlainText(w util.BufWriter, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if c.IsRaw() {
				html.DefaultWriter.RawWrite(w, c.Value(source))
			} else {
				html.DefaultWriter.Write(w, c.Value(source))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				_ = w.WriteByte('\n')
			}
		case *ast.String:
			html.DefaultWriter.RawWrite(w, c.Value)
		case *ast.AutoLink:
			_, _ = w.Write(util.EscapeHTML(c.Label(source)))
		case *ast.RawHTML:
		default:
			writePlainText(w, source, c)
		}
	}
}

// unescapeLinkText resolves a link destination's backslash escapes and
// entities, as Markdig does when it reads one.
func unescapeLinkText(b []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(b))))
}

// idnMapping is .NET's IdnMapping, as ICU runs it: UTS 46 without
// transitional mappings, with the Bidi rule.
var idnMapping = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(false))

// markdigURL is a URL as Markdig's HtmlRenderer writes one: a non-ASCII
// host in Punycode, and every character but letters, digits and
// !#$%()*+,-./:;=?@_ percent-encoded (& as &amp;), UTF-8 for the others.
func markdigURL(s string) string {
	if isASCII(s) {
		return escapeMarkdigURL(s)
	}
	scheme := strings.Index(s, "://")
	if scheme <= 0 {
		return escapeMarkdigURL(s)
	}
	start := scheme + 3
	end := strings.IndexAny(s[start:], "/?#:")
	if end < 0 {
		end = len(s)
	} else {
		end += start
	}
	host, err := idnMapping.ToASCII(s[start:end])
	if err != nil {
		return escapeMarkdigURL(s)
	}
	return escapeMarkdigURL(s[:start]) + escapeMarkdigURL(host) + escapeMarkdigURL(s[end:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const urlSafe = "!#$%()*+,-./:;=?@_"

func escapeMarkdigURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case asciiAlnum(c) || strings.IndexByte(urlSafe, c) >= 0:
			b.WriteByte(c)
		case c == '&':
			b.WriteString("&amp;")
		default:
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}
