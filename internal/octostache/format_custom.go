package octostache

import "strings"

// numberSection is one analysed section of a custom numeric format.
type numberSection struct {
	tokens    []numToken
	intSlots  int  // digit placeholders before the point
	intMin    int  // of which from the first "0" on
	fracSlots int  // digit placeholders after the point
	fracMin   int  // up to the last "0" after the point
	group     bool // "," between integer placeholders
	scale     int  // powers of ten: +2 for %, +3 for ‰, -3 for each scaling ","
	simple    bool // nothing but placeholders and "," among the integer slots
}

type numToken struct {
	kind byte // '0' integer placeholder, 'f' fraction placeholder, '.', 'l' literal
	zero bool // a "0" placeholder rather than "#"
	text string
}

// formatCustom is .NET's custom numeric format: 0 and # placeholders, "."
// "," % ‰, quoted and \-escaped literals and ";" sections. Exponents are
// not supported: E0 is literal text.
func formatCustom(d decimal, f string) string {
	sections := splitSections(f)
	sec := sections[0]
	neg := d.neg
	if len(sections) > 1 && d.neg && sections[1] != "" {
		sec, neg = sections[1], false
	}
	s := analyse(sec)
	v := d
	if !v.isZero() {
		v.point += s.scale
	}
	v = v.round(s.fracSlots)
	if v.isZero() && len(sections) > 2 && sections[2] != "" {
		s = analyse(sections[2])
		neg = false
	}

	ip := v.intDigits()
	if len(ip) < s.intMin {
		ip = strings.Repeat("0", s.intMin-len(ip)) + ip
	}
	fp := v.fracDigits()
	if len(fp) < s.fracMin {
		fp += strings.Repeat("0", s.fracMin-len(fp))
	}

	var b strings.Builder
	if neg && !v.isZero() {
		b.WriteByte('-')
	}
	intSlot, fracSlot := 0, 0
	for _, t := range s.tokens {
		switch t.kind {
		case 'l':
			b.WriteString(t.text)
		case '.':
			if fp != "" {
				b.WriteByte('.')
			}
		case 'f':
			if fracSlot < len(fp) {
				b.WriteByte(fp[fracSlot])
			}
			fracSlot++
		case '0':
			// Integer placeholders take digits from the right; the first
			// takes all the digits left over.
			switch {
			case s.simple && intSlot > 0:
			case s.simple && s.group:
				b.WriteString(groupThousands(ip))
			case s.simple:
				b.WriteString(ip)
			default:
				pos := len(ip) - s.intSlots + intSlot
				switch {
				case intSlot == 0 && pos >= 0:
					b.WriteString(ip[:pos+1])
				case pos >= 0:
					b.WriteByte(ip[pos])
				case t.zero:
					b.WriteByte('0')
				}
			}
			intSlot++
		}
	}
	return b.String()
}

// splitSections splits a custom format at the ";" that are not quoted or
// escaped.
func splitSections(f string) []string {
	var out []string
	start := 0
	var quote byte
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '\'' || c == '"':
			quote = c
		case c == ';':
			out = append(out, f[start:i])
			start = i + 1
		}
	}
	return append(out, f[start:])
}

func analyse(f string) numberSection {
	var s numberSection
	var tokens []numToken
	afterPoint := false
	firstZero := -1
	lastGroupable := false // the previous token was an integer placeholder
	pendingCommas := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '0' || c == '#':
			if afterPoint {
				s.fracSlots++
				if c == '0' {
					s.fracMin = s.fracSlots
				}
			} else {
				if pendingCommas > 0 && lastGroupable {
					s.group = true
				}
				pendingCommas = 0
				if c == '0' && firstZero < 0 {
					firstZero = s.intSlots
				}
				s.intSlots++
				lastGroupable = true
			}
			kind := byte('0')
			if afterPoint {
				kind = 'f'
			}
			tokens = append(tokens, numToken{kind: kind, zero: c == '0'})
		case c == '.' && !afterPoint:
			s.scale -= 3 * pendingCommas
			pendingCommas = 0
			afterPoint = true
			tokens = append(tokens, numToken{kind: '.'})
		case c == ',' && !afterPoint:
			if lastGroupable {
				pendingCommas++
			}
		case c == '%':
			s.scale += 2
			tokens = append(tokens, numToken{kind: 'l', text: "%"})
		case strings.HasPrefix(f[i:], "‰"):
			s.scale += 3
			tokens = append(tokens, numToken{kind: 'l', text: "‰"})
			i += len("‰") - 1
		case c == '\\' && i+1 < len(f):
			tokens = append(tokens, numToken{kind: 'l', text: f[i+1 : i+2]})
			i++
		case c == '\'' || c == '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				end = len(f) - i - 1
			}
			tokens = append(tokens, numToken{kind: 'l', text: f[i+1 : i+1+end]})
			i += end + 1
		default:
			if c == ',' {
				continue // a "," after the point is nothing
			}
			tokens = append(tokens, numToken{kind: 'l', text: f[i : i+1]})
			if !afterPoint && s.intSlots > 0 {
				lastGroupable = false
			}
		}
	}
	if !afterPoint {
		s.scale -= 3 * pendingCommas
	}
	if firstZero >= 0 {
		s.intMin = s.intSlots - firstZero
	}
	// Simple when no literal sits between the first and last integer
	// placeholders.
	s.simple = true
	seen, literal := 0, false
	for _, t := range tokens {
		if t.kind == '.' {
			break
		}
		if t.kind == '0' {
			if literal && seen > 0 {
				s.simple = false
			}
			seen++
			literal = false
		} else if seen > 0 {
			literal = true
		}
	}
	s.tokens = tokens
	return s
}
