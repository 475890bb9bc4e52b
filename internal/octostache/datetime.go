package octostache

import (
	"strconv"
	"strings"
	"time"
)

// Dates are formatted as .NET's DateTime and DateTimeOffset ToString(format)
// in the invariant culture: English month and day names, 24-hour standard
// formats, "/" and ":" as separators.

type dateKind int

const (
	kindUnspecified dateKind = iota // a DateTime with no zone: K prints nothing
	kindUTC                         // K prints "Z"
	kindOffset                      // a DateTimeOffset: K prints "+hh:mm"
)

type dateValue struct {
	t    time.Time
	kind dateKind
}

var (
	zonedLayouts = []string{
		time.RFC3339Nano,
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02T15:04Z07:00",
		"2006-01-02 15:04Z07:00",
		time.RFC1123Z,
		time.RFC1123,
		"2006-01-02 15:04:05 -07:00",
		"1/2/2006 15:04:05 -07:00",
		"1/2/2006 3:04:05 PM -07:00",
	}
	localLayouts = []string{
		"2006-01-02T15:04:05",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
		"2006-01-02",
		"2006/1/2 15:04:05",
		"2006/1/2 15:04",
		"2006/1/2",
		"1/2/2006 15:04:05",
		"1/2/2006 3:04:05 PM",
		"1/2/2006 15:04",
		"1/2/2006",
		"2 Jan 2006 15:04:05",
		"2 Jan 2006",
		"2 January 2006",
		"January 2, 2006",
		"Jan 2, 2006",
	}
)

// parseDate reads a date in one of the common forms. A value with no zone
// is a DateTime of unspecified kind, or as a DateTimeOffset (offset set)
// one in UTC: .NET would take the server's zone, which a deployment tool
// should not depend on.
func parseDate(s string, offset bool) (dateValue, bool) {
	s = strings.TrimSpace(s)
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			kind := kindOffset
			if !offset && strings.HasSuffix(s, "Z") {
				kind = kindUTC
			}
			return dateValue{t: t, kind: kind}, true
		}
	}
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if offset {
				return dateValue{t: t, kind: kindOffset}, true
			}
			return dateValue{t: t, kind: kindUnspecified}, true
		}
	}
	return dateValue{}, false
}

// standardDateFormats are .NET's one-letter formats in the invariant
// culture; "r", "u" and "U" are in UTC.
var standardDateFormats = map[byte]string{
	'd': "MM/dd/yyyy",
	'D': "dddd, dd MMMM yyyy",
	'f': "dddd, dd MMMM yyyy HH:mm",
	'F': "dddd, dd MMMM yyyy HH:mm:ss",
	'g': "MM/dd/yyyy HH:mm",
	'G': "MM/dd/yyyy HH:mm:ss",
	'm': "MMMM dd",
	'M': "MMMM dd",
	'o': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'O': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'r': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	'R': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	's': "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
	't': "HH:mm",
	'T': "HH:mm:ss",
	'u': "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
	'U': "dddd, dd MMMM yyyy HH:mm:ss",
	'y': "yyyy MMMM",
	'Y': "yyyy MMMM",
}

// formatDate is .NET's date ToString(format): a standard one-letter format
// or a custom one. ok is false where .NET throws a FormatException.
func formatDate(d dateValue, f string) (string, bool) {
	if f == "" {
		f = "G"
	}
	if len(f) == 1 {
		std, ok := standardDateFormats[f[0]]
		if !ok {
			return "", false
		}
		switch f[0] {
		case 'r', 'R', 'u', 'U':
			d = dateValue{t: d.t.UTC(), kind: kindUTC}
		}
		f = std
	}
	var b strings.Builder
	t := d.t
	for i := 0; i < len(f); {
		c := f[i]
		n := 1
		for i+n < len(f) && f[i+n] == c {
			n++
		}
		switch c {
		case 'd':
			switch n {
			case 1:
				b.WriteString(strconv.Itoa(t.Day()))
			case 2:
				pad(&b, t.Day(), 2)
			case 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'f', 'F':
			if n > 7 {
				return "", false
			}
			frac := strconv.Itoa(t.Nanosecond()/100 + 10_000_000)[1 : 1+n]
			if c == 'F' {
				frac = strings.TrimRight(frac, "0")
				if frac == "" && strings.HasSuffix(b.String(), ".") {
					s := b.String()
					b.Reset()
					b.WriteString(s[:len(s)-1])
				}
			}
			b.WriteString(frac)
		case 'g':
			b.WriteString("A.D.")
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			pad(&b, h, min(n, 2))
		case 'H':
			pad(&b, t.Hour(), min(n, 2))
		case 'K':
			for range n {
				writeKind(&b, d)
			}
		case 'm':
			pad(&b, t.Minute(), min(n, 2))
		case 'M':
			switch n {
			case 1:
				b.WriteString(strconv.Itoa(int(t.Month())))
			case 2:
				pad(&b, int(t.Month()), 2)
			case 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(t.Month().String())
			}
		case 's':
			pad(&b, t.Second(), min(n, 2))
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			if n == 1 {
				ampm = ampm[:1]
			}
			b.WriteString(ampm)
		case 'y':
			switch n {
			case 1:
				b.WriteString(strconv.Itoa(t.Year() % 100))
			case 2:
				pad(&b, t.Year()%100, 2)
			default:
				pad(&b, t.Year(), n)
			}
		case 'z':
			_, off := t.Zone()
			sign := '+'
			if off < 0 {
				sign, off = '-', -off
			}
			b.WriteRune(sign)
			switch n {
			case 1:
				b.WriteString(strconv.Itoa(off / 3600))
			case 2:
				pad(&b, off/3600, 2)
			default:
				pad(&b, off/3600, 2)
				b.WriteByte(':')
				pad(&b, off%3600/60, 2)
			}
		case '\'', '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				return "", false
			}
			b.WriteString(f[i+1 : i+1+end])
			n = end + 2
		case '\\':
			if i+1 >= len(f) {
				return "", false
			}
			b.WriteByte(f[i+1])
			n = 2
		case '%':
			// "%d": the next character alone as a custom specifier.
			n = 1
		default:
			b.WriteString(f[i : i+n])
		}
		i += n
	}
	return b.String(), true
}

func writeKind(b *strings.Builder, d dateValue) {
	switch d.kind {
	case kindUTC:
		b.WriteByte('Z')
	case kindOffset:
		_, off := d.t.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		b.WriteByte(sign)
		pad(b, off/3600, 2)
		b.WriteByte(':')
		pad(b, off%3600/60, 2)
	}
}

func pad(b *strings.Builder, v, width int) {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}
