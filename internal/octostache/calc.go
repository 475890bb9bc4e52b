package octostache

import (
	"math"
	"strconv"
	"strings"
)

// calcNode is #{calc expr}: arithmetic on numbers and variables.
type calcNode struct {
	root *calcTerm
	echo string // output when a variable does not resolve to a number
}

// calcTerm is a number, a variable, or an operation on two terms.
type calcTerm struct {
	op   byte // '+', '-', '*', '/', or 0 for a leaf
	l, r *calcTerm
	num  string // a constant as written
	sym  *symbol
}

// parseCalc reads the expression of #{calc ...} from i to its "}", in
// Octostache's grammar: + and - over * and /, left to right,
// parentheses, constants (digits with an optional fraction, no sign),
// and variables, bare or in braces. A bare name runs as far as a name
// does, so "B-2" is the variable B-2, as in Octostache; "{B}-2" is not.
func (p *parser) parseCalc(i int) (*calcTerm, int, bool) {
	t, j, ok := p.calcSum(skipSpace(p.src, i))
	if !ok {
		return nil, i, false
	}
	j = skipSpace(p.src, j)
	if j >= len(p.src) || p.src[j] != '}' {
		return nil, i, false
	}
	return t, j + 1, true
}

func (p *parser) calcSum(i int) (*calcTerm, int, bool) {
	return p.calcChain(i, "+-", p.calcProduct)
}

func (p *parser) calcProduct(i int) (*calcTerm, int, bool) {
	return p.calcChain(i, "*/", p.calcFactor)
}

// calcChain reads operand { op operand }, left associative.
func (p *parser) calcChain(i int, ops string, operand func(int) (*calcTerm, int, bool)) (*calcTerm, int, bool) {
	left, j, ok := operand(i)
	if !ok {
		return nil, i, false
	}
	for {
		k := skipSpace(p.src, j)
		if k >= len(p.src) || !strings.ContainsRune(ops, rune(p.src[k])) {
			return left, j, true
		}
		right, end, ok := operand(skipSpace(p.src, k+1))
		if !ok {
			return left, j, true
		}
		left, j = &calcTerm{op: p.src[k], l: left, r: right}, end
	}
}

func (p *parser) calcFactor(i int) (*calcTerm, int, bool) {
	src := p.src
	if i >= len(src) {
		return nil, i, false
	}
	switch c := src[i]; {
	case c == '(':
		t, j, ok := p.calcSum(skipSpace(src, i+1))
		j = skipSpace(src, j)
		if !ok || j >= len(src) || src[j] != ')' {
			return nil, i, false
		}
		return t, j + 1, true
	case c >= '0' && c <= '9' || c == '.':
		j := scanDigits(src, i)
		if j < len(src) && src[j] == '.' {
			j = scanDigits(src, j+1)
		}
		if src[i:j] == "." {
			return nil, i, false
		}
		return &calcTerm{num: src[i:j]}, j, true
	case c == '{':
		sym, j, ok := p.parseSymbol(skipSpace(src, i+1), 0)
		j = skipSpace(src, j)
		if !ok || j >= len(src) || src[j] != '}' {
			return nil, i, false
		}
		return &calcTerm{sym: sym}, j + 1, true
	}
	sym, j, ok := p.parseSymbol(i, 0)
	if !ok {
		return nil, i, false
	}
	return &calcTerm{sym: sym}, j, true
}

func scanDigits(src string, i int) int {
	for i < len(src) && src[i] >= '0' && src[i] <= '9' {
		i++
	}
	return i
}

// calc evaluates the expression; ok is false when a variable does not
// resolve to a number.
func (e *evaluator) calc(t *calcTerm) (float64, bool, error) {
	switch {
	case t.num != "":
		v, err := strconv.ParseFloat(t.num, 64)
		return v, err == nil, nil
	case t.sym != nil:
		s, ok, err := e.symbolValue(t.sym)
		if !ok || err != nil {
			return 0, false, err
		}
		v, perr := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 64)
		return v, perr == nil, nil
	}
	l, ok, err := e.calc(t.l)
	if !ok || err != nil {
		return 0, false, err
	}
	r, ok, err := e.calc(t.r)
	if !ok || err != nil {
		return 0, false, err
	}
	switch t.op {
	case '+':
		return l + r, true, nil
	case '-':
		return l - r, true, nil
	case '*':
		return l * r, true, nil
	}
	return l / r, true, nil
}

// formatDouble writes a result as .NET writes a double: the shortest
// form that reads back the same, in exponent form from 1E+15 up and
// below 1E-04.
func formatDouble(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case math.IsNaN(v):
		return "NaN"
	}
	if a := math.Abs(v); a != 0 && (a >= 1e15 || a < 1e-4) {
		return strconv.FormatFloat(v, 'E', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// calcEcho is how Octostache writes a calculation it cannot make: the
// expression without "calc", spaces, parentheses or braces.
func calcEcho(t *calcTerm) string {
	var b strings.Builder
	b.WriteString("#{")
	var walk func(t *calcTerm)
	walk = func(t *calcTerm) {
		switch {
		case t.num != "":
			b.WriteString(t.num)
		case t.sym != nil:
			head, rest := t.sym.render(nil)
			b.WriteString(head + rest)
		default:
			walk(t.l)
			b.WriteByte(t.op)
			walk(t.r)
		}
	}
	walk(t)
	b.WriteString("}")
	return b.String()
}
