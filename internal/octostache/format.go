package octostache

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Format follows .NET's ToString(format) in the invariant culture: "."
// for the decimal point, "," between thousands, "¤" for currency.
//
//	#{Amount | Format "#,##0.00"}     number, custom format
//	#{Amount | Format N2}             number, standard format
//	#{When | Format "yyyy-MM-dd"}     a date, when the value is not a number
//	#{Count | Format Int32 D4}        a type (Int32/Int, Double, Decimal,
//	#{When | Format DateTime "HH:mm"} DateTime/Date, DateTimeOffset) first
//
// A value that does not parse as the type, or a format .NET would reject,
// has no output and the expression is left as written.
func formatFilter(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok || len(args) == 0 || len(args) > 2 {
		return "", false
	}
	if len(args) == 1 {
		if d, ok := parseDecimal(in); ok {
			return formatNumber(d, args[0], kindDecimal)
		}
		if t, ok := parseDate(in, true); ok {
			return formatDate(t, args[0])
		}
		return "", false
	}
	f := args[1]
	switch strings.ToLower(args[0]) {
	case "int", "int32":
		if d, ok := parseInt32(in); ok {
			return formatNumber(d, f, kindInt)
		}
	case "double":
		if d, special, ok := parseDouble(in); ok {
			if special != "" {
				return special, true
			}
			return formatNumber(d, f, kindDouble)
		}
	case "decimal":
		if d, ok := parseDecimal(in); ok {
			return formatNumber(d, f, kindDecimal)
		}
	case "date", "datetime":
		if t, ok := parseDate(in, false); ok {
			return formatDate(t, f)
		}
	case "datetimeoffset":
		if t, ok := parseDate(in, true); ok {
			return formatDate(t, f)
		}
	}
	return "", false
}

type numberKind int

const (
	kindDecimal numberKind = iota
	kindDouble
	kindInt
)

// decimal is an exact decimal number: 0.digits × 10^point.
type decimal struct {
	neg    bool
	digits []byte // no leading or trailing zeros; empty for zero
	point  int
	scale  int // fraction digits as written, which G keeps for a decimal
}

func (d decimal) isZero() bool { return len(d.digits) == 0 }

// newDecimal builds a decimal from the digits of intPart and fracPart.
func newDecimal(neg bool, intPart, fracPart string) decimal {
	all := intPart + fracPart
	point := len(intPart)
	lead := 0
	for lead < len(all) && all[lead] == '0' {
		lead++
	}
	all, point = all[lead:], point-lead
	all = strings.TrimRight(all, "0")
	d := decimal{neg: neg, digits: []byte(all), point: point, scale: len(fracPart)}
	if d.isZero() {
		d.point, d.neg = 0, false
	}
	return d
}

// parseDecimal parses as .NET's decimal.Parse in the invariant culture:
// white space around, a leading or trailing sign, "," between digits of
// the integer part, a "." and no exponent.
func parseDecimal(s string) (decimal, bool) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	case strings.HasSuffix(s, "-"):
		neg, s = true, s[:len(s)-1]
	case strings.HasSuffix(s, "+"):
		s = s[:len(s)-1]
	}
	intPart, fracPart, _ := strings.Cut(s, ".")
	if intPart == "" && fracPart == "" || strings.HasPrefix(intPart, ",") {
		return decimal{}, false
	}
	intPart = strings.ReplaceAll(intPart, ",", "")
	if !allDigits(intPart) || !allDigits(fracPart) || len(intPart)+len(fracPart) > 60 {
		return decimal{}, false
	}
	return newDecimal(neg, intPart, fracPart), true
}

func parseInt32(s string) (decimal, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return decimal{}, false
	}
	neg := n < 0
	if neg {
		n = -n
	}
	return newDecimal(neg, strconv.FormatInt(n, 10), ""), true
}

// parseDouble parses a double, exponent allowed; special is the text of
// NaN and the infinities.
func parseDouble(s string) (d decimal, special string, ok bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 64)
	if err != nil && !math.IsInf(f, 0) {
		return decimal{}, "", false
	}
	switch {
	case math.IsNaN(f):
		return decimal{}, "NaN", true
	case math.IsInf(f, 1):
		return decimal{}, "Infinity", true
	case math.IsInf(f, -1):
		return decimal{}, "-Infinity", true
	}
	// The shortest digits that read back as f.
	e := strconv.FormatFloat(math.Abs(f), 'e', -1, 64) // d.dddde±xx
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	intPart, fracPart, _ := strings.Cut(mant, ".")
	dd := newDecimal(f < 0, intPart+fracPart, "")
	if !dd.isZero() {
		dd.point = x + 1 // d.ddd × 10^x = 0.dddd × 10^(x+1)
	}
	dd.scale = -1
	return dd, "", true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// round returns d rounded to n digits after the point, half away from
// zero as .NET formats.
func (d decimal) round(n int) decimal {
	p := d.point + n
	if p >= len(d.digits) {
		return d
	}
	r := d
	if p < 0 {
		r.digits, r.point, r.neg = nil, 0, false
		return r
	}
	up := d.digits[p] >= '5'
	digits := append([]byte(nil), d.digits[:p]...)
	if up {
		i := len(digits) - 1
		for i >= 0 && digits[i] == '9' {
			i--
		}
		if i < 0 {
			digits = []byte{'1'}
			r.point++
		} else {
			digits[i]++
			digits = digits[:i+1]
		}
	}
	r.digits = []byte(strings.TrimRight(string(digits), "0"))
	if len(r.digits) == 0 {
		r.point, r.neg = 0, false
	}
	return r
}

// intDigits returns the digits before the point, "" when there are none.
func (d decimal) intDigits() string {
	if d.point <= 0 {
		return ""
	}
	if d.point <= len(d.digits) {
		return string(d.digits[:d.point])
	}
	return string(d.digits) + strings.Repeat("0", d.point-len(d.digits))
}

// fracDigits returns the digits after the point, without trailing zeros.
func (d decimal) fracDigits() string {
	if d.point >= len(d.digits) {
		return ""
	}
	if d.point >= 0 {
		return string(d.digits[d.point:])
	}
	return strings.Repeat("0", -d.point) + string(d.digits)
}

// fixed renders d with exactly n fraction digits (after rounding it),
// with "," between thousands when group is set, without a sign.
func (d decimal) fixed(n int, group bool) string {
	r := d.round(n)
	ip := r.intDigits()
	if ip == "" {
		ip = "0"
	}
	if group {
		ip = groupThousands(ip)
	}
	if n == 0 {
		return ip
	}
	fp := r.fracDigits()
	return ip + "." + fp + strings.Repeat("0", n-len(fp))
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatNumber is .NET's number ToString(format): a standard format (a
// letter and an optional precision) or a custom one.
func formatNumber(d decimal, f string, kind numberKind) (string, bool) {
	if f == "" {
		f = "G"
	}
	if len(f) <= 3 && unicode.IsLetter(rune(f[0])) && f[0] < 0x80 && allDigits(f[1:]) {
		prec := -1
		if len(f) > 1 {
			prec, _ = strconv.Atoi(f[1:])
		}
		return formatStandard(d, f[0], prec, kind)
	}
	return formatCustom(d, f), true
}

func precision(prec, def int) int {
	if prec < 0 {
		return def
	}
	return prec
}

func formatStandard(d decimal, spec byte, prec int, kind numberKind) (string, bool) {
	sign := ""
	if d.neg {
		sign = "-"
	}
	switch spec {
	case 'F', 'f':
		r := d.round(precision(prec, 2))
		return signOf(r) + d.fixed(precision(prec, 2), false), true
	case 'N', 'n':
		r := d.round(precision(prec, 2))
		return signOf(r) + d.fixed(precision(prec, 2), true), true
	case 'C', 'c':
		r := d.round(precision(prec, 2))
		s := "¤" + d.fixed(precision(prec, 2), true)
		if r.neg {
			return "(" + s + ")", true
		}
		return s, true
	case 'P', 'p':
		p := d
		if !p.isZero() {
			p.point += 2
		}
		r := p.round(precision(prec, 2))
		return signOf(r) + p.fixed(precision(prec, 2), true) + " %", true
	case 'D', 'd':
		if d.fracDigits() != "" {
			return "", false
		}
		ip := d.intDigits()
		if ip == "" {
			ip = "0"
		}
		if n := precision(prec, 0); len(ip) < n {
			ip = strings.Repeat("0", n-len(ip)) + ip
		}
		return sign + ip, true
	case 'X', 'x':
		if d.fracDigits() != "" || kind != kindInt && d.neg {
			return "", false
		}
		n, err := strconv.ParseInt(sign+orZero(d.intDigits()), 10, 64)
		if err != nil {
			return "", false
		}
		var s string
		if n < 0 {
			s = strconv.FormatUint(uint64(uint32(int32(n))), 16)
		} else {
			s = strconv.FormatInt(n, 16)
		}
		if spec == 'X' {
			s = strings.ToUpper(s)
		}
		if p := precision(prec, 0); len(s) < p {
			s = strings.Repeat("0", p-len(s)) + s
		}
		return s, true
	case 'E', 'e':
		return sign + scientific(d, precision(prec, 6), spec, 3, false), true
	case 'G', 'g', 'R', 'r':
		if prec <= 0 && kind == kindDecimal {
			// A decimal keeps the digits it was written with.
			s := orZero(d.intDigits())
			if d.scale > 0 {
				fp := d.fracDigits()
				s += "." + fp + strings.Repeat("0", d.scale-len(fp))
			}
			return sign + s, true
		}
		p := prec
		if p <= 0 {
			p = 15 // doubles switch to an exponent from 1E+15
		}
		r := d
		if prec > 0 {
			r = d.round(p - d.point)
		}
		exp := r.point - 1
		e := byte('E')
		if spec == 'g' {
			e = 'e'
		}
		if !r.isZero() && (exp >= p || exp < -4) {
			return signOf(r) + scientific(r, len(r.digits)-1, e, 2, true), true
		}
		s := orZero(r.intDigits())
		if fp := r.fracDigits(); fp != "" {
			s += "." + fp
		}
		return signOf(r) + s, true
	}
	return "", false
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func signOf(d decimal) string {
	if d.neg && !d.isZero() {
		return "-"
	}
	return ""
}

// scientific renders d as d.ddd[E|e]±xxx with n digits after the point
// and at least minExp exponent digits; trim drops trailing zeros.
func scientific(d decimal, n int, e byte, minExp int, trim bool) string {
	exp := 0
	var digits string
	if !d.isZero() {
		exp = d.point - 1
		r := d.round(n - exp)
		exp = r.point - 1
		digits = string(r.digits)
	}
	digits += strings.Repeat("0", max(0, n+1-len(digits)))
	digits = digits[:n+1]
	mant := digits[:1]
	frac := digits[1:]
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	if frac != "" {
		mant += "." + frac
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	x := strconv.Itoa(exp)
	if len(x) < minExp {
		x = strings.Repeat("0", minExp-len(x)) + x
	}
	return mant + string(e) + sign + x
}
