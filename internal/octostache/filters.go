package octostache

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// filterFunc applies a filter to its input, which ok says is present (an
// unknown variable is absent), and returns the output and whether there
// is one. A filter with no output leaves the whole #{...} as written.
type filterFunc func(e *evaluator, in string, ok bool, args []string) (string, bool)

// filters are the built-in filters by lower-case name: Octostache's
// BuiltInFunctions but null, which the parser recognises (parseFilter).
var filters = map[string]filterFunc{
	"tolower":               text0(strings.ToLower),
	"toupper":               text0(strings.ToUpper),
	"tobase64":              toBase64,
	"frombase64":            fromBase64,
	"htmlescape":            text0(htmlEscape),
	"xmlescape":             text0(xmlEscape),
	"jsonescape":            text0(jsonEscape),
	"yamlsinglequoteescape": text0(yamlSingleQuoteEscape),
	"yamldoublequoteescape": text0(yamlDoubleQuoteEscape),
	"propertieskeyescape":   text0(propertiesKeyEscape),
	"propertiesvalueescape": text0(propertiesValueEscape),
	"markdown":              markdownFilter,
	"markdowntohtml":        markdownFilter,
	"uriescape":             text0(uriEscape),
	"uridataescape":         text0(uriDataEscape),
	"uripart":               uriPart,
	"nowdate":               nowDate(false),
	"nowdateutc":            nowDate(true),
	"addhours":              addTime(ticksPerHour),
	"adddays":               addTime(ticksPerDay),
	"format":                formatFilter,
	"replace":               replaceFilter,
	"match":                 matchFilter,
	"startswith":            compare1(strings.HasPrefix),
	"endswith":              compare1(strings.HasSuffix),
	"contains":              compare1(strings.Contains),
	"substring":             substring,
	"truncate":              truncate,
	"trim":                  trim,
	"indent":                indent,
	"append":                appendFilter,
	"prepend":               prependFilter,
	"md5":                   hashFilter(md5.New),
	"sha1":                  hashFilter(sha1.New),
	"sha256":                hashFilter(sha256.New),
	"sha384":                hashFilter(sha512.New384),
	"sha512":                hashFilter(sha512.New),

	"versionmajor":             versionNumber("major"),
	"versionminor":             versionNumber("minor"),
	"versionpatch":             versionNumber("patch"),
	"versionrevision":          versionNumber("revision"),
	"versionprerelease":        versionText("prerelease"),
	"versionprereleaseprefix":  versionText("prereleaseprefix"),
	"versionprereleasecounter": versionText("prereleasecounter"),
	"versionmetadata":          versionText("buildmetadata"),
}

// text0 is a filter of the input alone, taking no arguments.
func text0(f func(string) string) filterFunc {
	return func(_ *evaluator, in string, ok bool, args []string) (string, bool) {
		if !ok || len(args) > 0 {
			return "", false
		}
		return f(in), true
	}
}

// compare1 is a test of the input against one argument: "true" or "false".
func compare1(f func(s, arg string) bool) filterFunc {
	return func(_ *evaluator, in string, ok bool, args []string) (string, bool) {
		if !ok || len(args) != 1 {
			return "", false
		}
		return strconv.FormatBool(f(in, args[0])), true
	}
}

// encode returns s in the named encoding: utf8 (the default) or unicode,
// which is UTF-16 little-endian as in .NET.
func encode(s, encoding string) ([]byte, bool) {
	switch strings.ToLower(encoding) {
	case "", "utf8", "utf-8":
		return []byte(s), true
	case "unicode":
		units := utf16.Encode([]rune(s))
		b := make([]byte, 2*len(units))
		for i, u := range units {
			b[2*i], b[2*i+1] = byte(u), byte(u>>8)
		}
		return b, true
	}
	return nil, false
}

func decode(b []byte, encoding string) (string, bool) {
	switch strings.ToLower(encoding) {
	case "", "utf8", "utf-8":
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	case "unicode":
		units := make([]uint16, len(b)/2)
		for i := range units {
			units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(units)), true
	}
	return "", false
}

func optionalArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func toBase64(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) > 1 {
		return "", false
	}
	b, ok := encode(in, optionalArg(args))
	if !ok {
		return "", false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

func fromBase64(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) > 1 {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, in))
	if err != nil {
		return "", false
	}
	return decode(b, optionalArg(args))
}

// nowDate is NowDate and NowDateUtc: the time of the evaluation's clock,
// formatted as in Format (default "O", ISO 8601 round trip). It takes no
// input: #{ | NowDate} or #{ | NowDate "yyyy-MM-dd"}.
func nowDate(utc bool) filterFunc {
	return func(e *evaluator, _ string, ok bool, args []string) (string, bool) {
		if ok || len(args) > 1 {
			return "", false
		}
		d := dateValue{t: e.clock(), kind: kindUnspecified}
		if utc {
			d = dateValue{t: d.t.UTC(), kind: kindUTC}
		}
		f := "O"
		if len(args) == 1 {
			f = args[0]
		}
		return formatDate(d, f)
	}
}

// replaceFilter is Replace pattern [replacement]: every match of the
// regular expression (Go's RE2 syntax) replaced, with .NET's $1, ${name},
// $$, $&, $`, $', $+ and $_ in the replacement.
func replaceFilter(e *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) == 0 || len(args) > 2 {
		return "", false
	}
	re := e.regexp(args[0])
	if re == nil {
		return "", false
	}
	repl := ""
	if len(args) == 2 {
		repl = args[1]
	}
	matches := re.FindAllStringSubmatchIndex(in, -1)
	if len(matches) == 0 {
		return in, true
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(in[last:m[0]])
		expandDotNet(&b, re, repl, in, m)
		last = m[1]
	}
	b.WriteString(in[last:])
	return b.String(), true
}

// expandDotNet writes .NET's expansion of the replacement repl for the
// match m of re in s.
func expandDotNet(b *strings.Builder, re *regexp.Regexp, repl, s string, m []int) {
	group := func(n int) {
		if 2*n+1 < len(m) && m[2*n] >= 0 {
			b.WriteString(s[m[2*n]:m[2*n+1]])
		}
	}
	groups := re.NumSubexp()
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '$' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		next := repl[i+1]
		switch {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '&':
			group(0)
			i++
		case next == '`':
			b.WriteString(s[:m[0]])
			i++
		case next == '\'':
			b.WriteString(s[m[1]:])
			i++
		case next == '_':
			b.WriteString(s)
			i++
		case next == '+':
			if groups > 0 {
				group(groups)
			}
			i++
		case next >= '0' && next <= '9':
			j := i + 1
			for j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			// The longest run of digits that names a group.
			for ; j > i+1; j-- {
				if n, err := strconv.Atoi(repl[i+1 : j]); err == nil && n <= groups {
					group(n)
					break
				}
			}
			if j == i+1 {
				b.WriteByte('$')
				continue
			}
			i = j - 1
		case next == '{':
			end := strings.IndexByte(repl[i+2:], '}')
			if end < 0 {
				b.WriteByte('$')
				continue
			}
			name := repl[i+2 : i+2+end]
			n := re.SubexpIndex(name)
			if k, err := strconv.Atoi(name); err == nil && k <= groups {
				n = k
			}
			if n < 0 {
				b.WriteByte('$')
				continue
			}
			group(n)
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
}

func matchFilter(e *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) != 1 {
		return "", false
	}
	re := e.regexp(args[0])
	if re == nil {
		return "", false
	}
	return strconv.FormatBool(re.MatchString(in)), true
}

// nonNegative parses a count argument.
func nonNegative(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 0
}

// substring is Substring length or Substring start length, counted in
// characters. As in Octostache, a length past the end takes what is left,
// and only a start past the end has no output.
func substring(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) == 0 || len(args) > 2 {
		return "", false
	}
	nums := make([]int, len(args))
	for i, a := range args {
		n, ok := nonNegative(a)
		if !ok {
			return "", false
		}
		nums[i] = n
	}
	start, length := 0, nums[0]
	if len(nums) == 2 {
		start, length = nums[0], nums[1]
	}
	r := []rune(in)
	if start > len(r) {
		return "", false
	}
	length = min(length, len(r)-start)
	return string(r[start : start+length]), true
}

// truncate is Truncate length [suffix]: the first length characters and
// the suffix, "..." unless given ("" for none), if there were more.
// Octostache ignores options after the suffix.
func truncate(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) == 0 {
		return "", false
	}
	n, valid := nonNegative(args[0])
	if !valid {
		return "", false
	}
	suffix := "..."
	if len(args) > 1 {
		suffix = args[1]
	}
	r := []rune(in)
	if n >= len(r) {
		return in, true
	}
	return string(r[:n]) + suffix, true
}

// trim is Trim, Trim start or Trim end.
func trim(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) > 1 {
		return "", false
	}
	switch strings.ToLower(optionalArg(args)) {
	case "":
		return strings.TrimSpace(in), true
	case "start":
		return strings.TrimLeftFunc(in, unicode.IsSpace), true
	case "end":
		return strings.TrimRightFunc(in, unicode.IsSpace), true
	}
	return "", false
}

var indentSizes = regexp.MustCompile(`^((\d{1,3})?/)?(\d{1,3})$`)

// indent is Indent [size | initial/subsequent | text | initial subsequent]:
// the first line prefixed with the initial indent, the others with the
// subsequent one; four spaces by default.
func indent(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) > 2 {
		return "", false
	}
	if in == "" {
		return "", true
	}
	first, rest := "    ", "    "
	switch len(args) {
	case 1:
		first, rest = args[0], args[0]
		if m := indentSizes.FindStringSubmatch(args[0]); m != nil {
			spaces := func(s string) (string, bool) {
				n, err := strconv.Atoi(s)
				return strings.Repeat(" ", n), err == nil && n <= 255
			}
			sub, okSub := spaces(m[3])
			switch {
			case m[1] == "" && okSub:
				first, rest = sub, sub
			case m[2] == "" && okSub:
				first, rest = "", sub
			default:
				if ini, okIni := spaces(m[2]); okIni && okSub {
					first, rest = ini, sub
				}
			}
		}
	case 2:
		first, rest = args[0], args[1]
	}
	return first + strings.ReplaceAll(in, "\n", "\n"+rest), true
}

// appendFilter is Append text...: also works on an unknown variable,
// which counts as empty, as in Octostache.
func appendFilter(_ *evaluator, in string, _ bool, args []string) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	return in + strings.Join(args, ""), true
}

func prependFilter(_ *evaluator, in string, _ bool, args []string) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	return strings.Join(args, "") + in, true
}

// hashFilter is MD5, SHA1, SHA256, SHA384 and SHA512 [size] [encoding]:
// the lower-case hex digest of the input's bytes (utf8, unicode, or base64
// to hash the bytes it decodes to), cut to size bytes.
func hashFilter(h func() hash.Hash) filterFunc {
	return func(_ *evaluator, in string, ok bool, args []string) (string, bool) {
		if !ok || len(args) > 2 {
			return "", false
		}
		size, encoding := 0, ""
		for _, a := range args {
			if n, err := strconv.Atoi(a); err == nil {
				if n <= 0 || size != 0 {
					return "", false
				}
				size = n
				continue
			}
			if encoding != "" {
				return "", false
			}
			encoding = a
		}
		var data []byte
		if strings.EqualFold(encoding, "base64") {
			b, err := base64.StdEncoding.DecodeString(in)
			if err != nil {
				return "", false
			}
			data = b
		} else {
			b, ok := encode(in, encoding)
			if !ok {
				return "", false
			}
			data = b
		}
		w := h()
		w.Write(data)
		sum := w.Sum(nil)
		if size > 0 && size < len(sum) {
			sum = sum[:size]
		}
		return hex.EncodeToString(sum), true
	}
}
