package octostache

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A variable whose value is JSON can be walked into, as in Octostache:
// #{Config.Hello}, #{Config[Hello]}, #{Config.Items[1].Name}, and
// #{each} over an array or an object. It is a fallback: a variable of
// the full name wins. Values are read as Newtonsoft reads them by default:
// property names may be unquoted, strings single-quoted.

// jsonValue is a parsed JSON value; objects keep their properties'
// order, which #{each} and the compact form written back follow.
type jsonValue struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str   string
	props []jsonProp
	items []*jsonValue
}

type jsonProp struct {
	name  string
	value *jsonValue
}

// parseJSON reads s, which must hold one object or array and nothing
// after it but white space.
func parseJSON(s string) (*jsonValue, bool) {
	r := &jsonReader{s: s}
	r.space()
	if r.i >= len(s) || s[r.i] != '{' && s[r.i] != '[' {
		return nil, false
	}
	v, err := r.value(0)
	if err != nil {
		return nil, false
	}
	r.space()
	return v, r.i == len(s)
}

type jsonReader struct {
	s string
	i int
}

var errJSON = errors.New("not JSON")

// maxJSONDepth bounds nesting, as anything read from a variable must be.
const maxJSONDepth = 64

func (r *jsonReader) space() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t' || r.s[r.i] == '\n' || r.s[r.i] == '\r') {
		r.i++
	}
}

func (r *jsonReader) value(depth int) (*jsonValue, error) {
	if depth > maxJSONDepth {
		return nil, errJSON
	}
	r.space()
	if r.i >= len(r.s) {
		return nil, errJSON
	}
	switch c := r.s[r.i]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"' || c == '\'':
		s, err := r.quoted()
		return &jsonValue{kind: 's', str: s}, err
	case c == '-' || c >= '0' && c <= '9':
		j := r.i + 1
		for j < len(r.s) && strings.IndexByte("0123456789.eE+-", r.s[j]) >= 0 {
			j++
		}
		if _, err := strconv.ParseFloat(r.s[r.i:j], 64); err != nil {
			return nil, errJSON
		}
		v := &jsonValue{kind: 'n', str: r.s[r.i:j]}
		r.i = j
		return v, nil
	}
	for _, lit := range [...]struct {
		word string
		v    jsonValue
	}{{"true", jsonValue{kind: 'b', str: "True"}}, {"false", jsonValue{kind: 'b', str: "False"}}, {"null", jsonValue{kind: 'z'}}} {
		if strings.HasPrefix(r.s[r.i:], lit.word) {
			r.i += len(lit.word)
			v := lit.v
			return &v, nil
		}
	}
	return nil, errJSON
}

func (r *jsonReader) object(depth int) (*jsonValue, error) {
	v := &jsonValue{kind: 'o'}
	err := r.list('}', func() error {
		name, err := r.propertyName()
		if err != nil {
			return err
		}
		r.space()
		if r.i >= len(r.s) || r.s[r.i] != ':' {
			return errJSON
		}
		r.i++
		pv, err := r.value(depth + 1)
		v.props = append(v.props, jsonProp{name, pv})
		return err
	})
	return v, err
}

// list reads the comma-separated members of an object or array, each
// with member, up to and past its closing character.
func (r *jsonReader) list(closing byte, member func() error) error {
	r.i++ // the opening character
	for first := true; ; first = false {
		r.space()
		if r.i < len(r.s) && r.s[r.i] == closing {
			r.i++
			return nil
		}
		if !first {
			if r.i >= len(r.s) || r.s[r.i] != ',' {
				return errJSON
			}
			r.i++
			r.space()
		}
		if err := member(); err != nil {
			return err
		}
	}
}

// propertyName reads a quoted name or, as Newtonsoft allows, a bare one.
func (r *jsonReader) propertyName() (string, error) {
	if r.i < len(r.s) && (r.s[r.i] == '"' || r.s[r.i] == '\'') {
		return r.quoted()
	}
	start := r.i
	for r.i < len(r.s) {
		c, size := utf8.DecodeRuneInString(r.s[r.i:])
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '$' && c != '@' && c != '-' {
			break
		}
		r.i += size
	}
	if r.i == start {
		return "", errJSON
	}
	return r.s[start:r.i], nil
}

func (r *jsonReader) array(depth int) (*jsonValue, error) {
	v := &jsonValue{kind: 'a'}
	err := r.list(']', func() error {
		item, err := r.value(depth + 1)
		v.items = append(v.items, item)
		return err
	})
	return v, err
}

// quoted reads a string in double or single quotes, with JSON's escapes.
func (r *jsonReader) quoted() (string, error) {
	q := r.s[r.i]
	var b strings.Builder
	for j := r.i + 1; j < len(r.s); j++ {
		c := r.s[j]
		switch {
		case c == q:
			r.i = j + 1
			return b.String(), nil
		case c == '\\' && j+1 < len(r.s):
			j++
			switch e := r.s[j]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if j+4 >= len(r.s) {
					return "", errJSON
				}
				n, err := strconv.ParseUint(r.s[j+1:j+5], 16, 16)
				if err != nil {
					return "", errJSON
				}
				b.WriteRune(rune(n))
				j += 4
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", errJSON
}

// child is the property or element key of v; an absent property or an
// index out of range is null, as Octostache gives "".
func (v *jsonValue) child(key string) (*jsonValue, bool) {
	switch v.kind {
	case 'o':
		for _, p := range v.props {
			if p.name == key {
				return p.value, true
			}
		}
		return &jsonValue{kind: 'z'}, true
	case 'a':
		n, err := strconv.Atoi(key)
		if err != nil || n < 0 {
			return nil, false
		}
		if n >= len(v.items) {
			return &jsonValue{kind: 'z'}, true
		}
		return v.items[n], true
	}
	return nil, false
}

// text is the value as Octostache writes it: a string as it is, null as
// "", a number as .NET writes it, booleans True and False, and an object
// or array as compact JSON.
func (v *jsonValue) text() string {
	switch v.kind {
	case 's', 'b':
		return v.str
	case 'z':
		return ""
	case 'n':
		if f, err := strconv.ParseFloat(v.str, 64); err == nil && strings.ContainsAny(v.str, ".eE") {
			return formatDouble(f)
		}
		return v.str
	}
	var b strings.Builder
	v.compact(&b)
	return b.String()
}

func (v *jsonValue) compact(b *strings.Builder) {
	switch v.kind {
	case 'o':
		b.WriteByte('{')
		for i, p := range v.props {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(p.name))
			b.WriteByte(':')
			p.value.compact(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.compact(b)
		}
		b.WriteByte(']')
	case 's':
		b.WriteString(strconv.Quote(v.str))
	case 'b':
		b.WriteString(strings.ToLower(v.str))
	case 'z':
		b.WriteString("null")
	default:
		b.WriteString(v.str)
	}
}

// nameParts splits a rendered name into its identifiers and indexes:
// "Test.Items[1].Name" is Test, Items, 1, Name.
func nameParts(name string) []string {
	var parts []string
	start, level := 0, 0
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '.':
			if level == 0 {
				if i == 0 || name[i-1] != ']' {
					parts = append(parts, name[start:i])
				}
				start = i + 1
			}
		case '[':
			if level == 0 {
				if i > start {
					parts = append(parts, name[start:i])
				}
				start = i + 1
			}
			level++
		case ']':
			level--
			if level == 0 {
				parts = append(parts, name[start:i])
				start = i + 1
			}
		}
	}
	if start < len(name) {
		parts = append(parts, name[start:])
	}
	return parts
}

// jsonLookup finds name in the JSON value of a variable whose name is a
// leading part of it, the longest that is a variable. A variable being
// expanded is skipped, not a cycle: its JSON may refer to its own
// properties, which are then left as written.
func (e *evaluator) jsonLookup(name string) (string, bool, error) {
	parts := nameParts(name)
	for k := len(parts) - 1; k >= 1; k-- {
		prefix := joinName(name, parts[:k])
		if prefix == "" || e.expanding(prefix) {
			continue
		}
		raw, ok := e.vars.Get(prefix)
		if !ok || !strings.ContainsAny(raw, "{[") {
			continue
		}
		v, ok, err := e.lookup(prefix)
		if err != nil || !ok {
			return "", false, err
		}
		root, ok := parseJSON(v)
		if !ok {
			return "", false, nil
		}
		for _, key := range parts[k:] {
			if root, ok = root.child(key); !ok {
				return "", false, nil
			}
		}
		return root.text(), true, nil
	}
	return "", false, nil
}

// joinName is the leading part of name made of parts, as written in name.
func joinName(name string, parts []string) string {
	n := 0
	for i, p := range parts {
		at := strings.Index(name[n:], p)
		if at < 0 {
			return ""
		}
		n += at + len(p)
		if i == len(parts)-1 && n < len(name) && name[n] == ']' {
			n++
		}
	}
	return name[:n]
}

// expanding reports whether the variable name is being expanded.
func (e *evaluator) expanding(name string) bool {
	key := foldKey(name)
	for _, k := range e.keys {
		if k == key {
			return true
		}
	}
	return false
}

// jsonItems lists what #{each} iterates in a JSON value: an array's
// elements, or an object's properties (each named by its name, with
// item.Key and item.Value).
func jsonItems(v string) ([]item, bool) {
	root, ok := parseJSON(v)
	if !ok {
		return nil, false
	}
	var items []item
	for _, el := range root.items {
		items = append(items, item{value: el.text(), json: el})
	}
	for _, p := range root.props {
		items = append(items, item{value: p.name, json: p.value, prop: true})
	}
	return items, true
}

// jsonChild is rest (".Name", "[1].Name", ".Key", ".Value.X") below the
// JSON element s iterates.
func (s scope) jsonChild(rest string) (string, bool) {
	if rest == "" {
		return s.value, true
	}
	parts := nameParts(strings.TrimPrefix(rest, "."))
	v := s.json
	if s.prop {
		switch parts[0] {
		case "Key":
			if len(parts) == 1 {
				return s.value, true
			}
			return "", false
		case "Value":
			parts = parts[1:]
		default:
			return "", false
		}
	}
	for _, key := range parts {
		var ok bool
		if v, ok = v.child(key); !ok {
			return "", false
		}
	}
	return v.text(), true
}
