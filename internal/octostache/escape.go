package octostache

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// The escaping filters, character for character as Octostache does them.

var (
	htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;", "/", "&#x2F;")
	xmlReplacer  = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
)

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

func xmlEscape(s string) string { return xmlReplacer.Replace(s) }

// jsonEscape escapes for the inside of a JSON string: quote, backslash,
// \r, \n, \t as Octostache does, and, unlike Octostache, the other control
// characters as \u00XX so that the result is always valid JSON.
func jsonEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

var newlines = regexp.MustCompile(`(?:\r?\n)+`)

// yamlSingleQuoteEscape escapes for the inside of a single-quoted YAML
// scalar: ' doubled, and each run of line breaks given one more, since
// YAML folds a single line break into a space.
func yamlSingleQuoteEscape(s string) string {
	s = newlines.ReplaceAllStringFunc(s, func(m string) string {
		if m[0] == '\r' {
			return "\r\n" + m
		}
		return "\n" + m
	})
	return strings.ReplaceAll(s, "'", "''")
}

// yamlDoubleQuoteEscape escapes for the inside of a double-quoted YAML
// scalar: \r \n \t \\ \" and everything outside printable ASCII as \uXXXX
// (UTF-16 code units, as .NET counts characters).
func yamlDoubleQuoteEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			if r >= 0x20 && r <= 0x7e {
				b.WriteRune(r)
			} else {
				writeUnicodeEscape(&b, r)
			}
		}
	}
	return b.String()
}

func writeUnicodeEscape(b *strings.Builder, r rune) {
	if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' {
		fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// propertiesKeyEscape and propertiesValueEscape escape for a Java
// .properties file.
func propertiesKeyEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ':
			b.WriteString(`\ `)
		case ':':
			b.WriteString(`\:`)
		case '=':
			b.WriteString(`\=`)
		default:
			writeProperties(&b, r)
		}
	}
	return b.String()
}

func propertiesValueEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i == 0 && r == ' ' {
			b.WriteString(`\ `)
			continue
		}
		writeProperties(&b, r)
	}
	return b.String()
}

func writeProperties(b *strings.Builder, r rune) {
	switch r {
	case '\\':
		b.WriteString(`\\`)
	case '\r':
		b.WriteString(`\r`)
	case '\n':
		b.WriteString(`\n`)
	case '\t':
		b.WriteString(`\t`)
	default:
		if r < 0xff {
			b.WriteRune(r)
		} else {
			writeUnicodeEscape(b, r)
		}
	}
}

// uriEscape percent-encodes the UTF-8 bytes of everything but RFC 3986's
// unreserved and reserved characters, as .NET's Uri.EscapeUriString.
func uriEscape(s string) string { return percentEncode(s, true) }

// uriDataEscape percent-encodes everything but the unreserved characters,
// as .NET's Uri.EscapeDataString.
func uriDataEscape(s string) string { return percentEncode(s, false) }

func percentEncode(s string, keepReserved bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || keepReserved && strings.IndexByte(":/?#[]@!$&'()*+,;=", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
