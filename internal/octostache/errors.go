package octostache

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SyntaxError is a template whose blocks do not balance or whose block
// tag cannot be read: an #{if} never closed, a stray #{/each}, an #{else}
// outside a conditional. Offset is in bytes from the start of the
// template; Line and Column count from 1, Column in characters. Its
// message starts with "line:column: ", so a caller that knows the file
// can prefix its name.
type SyntaxError struct {
	Offset, Line, Column int
	Msg                  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}

// CycleError is a variable whose value refers back to itself, directly or
// through others. Chain names the variables in the order they were
// expanded, starting and ending with the same one: [A B A].
type CycleError struct {
	Chain []string
}

func (e *CycleError) Error() string {
	if len(e.Chain) == 0 {
		return "variable refers to itself"
	}
	quoted := make([]string, len(e.Chain))
	for i, n := range e.Chain {
		quoted[i] = strconv.Quote(n)
	}
	return fmt.Sprintf("variable %s refers to itself: %s", quoted[0], strings.Join(quoted, " -> "))
}

// LimitError is an evaluation stopped by one of the bounds in Options:
// Limit is "depth", "output" or "steps". Chain names the variables being
// expanded when it stopped, outermost first.
type LimitError struct {
	Limit string
	Max   int
	Chain []string
}

func (e *LimitError) Error() string {
	var what string
	switch e.Limit {
	case "depth":
		what = fmt.Sprintf("variables nest more than %d deep", e.Max)
	case "output":
		what = fmt.Sprintf("evaluation writes more than %d bytes", e.Max)
	default:
		what = fmt.Sprintf("evaluation takes more than %d steps", e.Max)
	}
	if len(e.Chain) == 0 {
		return what
	}
	quoted := make([]string, len(e.Chain))
	for i, n := range e.Chain {
		quoted[i] = strconv.Quote(n)
	}
	return fmt.Sprintf("%s (expanding %s)", what, strings.Join(quoted, " -> "))
}

// syntaxErrorAt builds a SyntaxError for the byte offset off of src.
func syntaxErrorAt(src string, off int, format string, args ...any) *SyntaxError {
	line, col := position(src, off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// position returns the 1-based line and character column of byte offset
// off in src.
func position(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line = 1 + strings.Count(before, "\n")
	start := strings.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCountInString(before[start:])
}

// UnresolvedError is a condition in which expressions did not resolve:
// Tokens are their texts as written, each once, in the order met. Octopus
// reports them as "The following tokens were unable to be evaluated".
type UnresolvedError struct {
	Tokens []string
}

func (e *UnresolvedError) Error() string {
	quoted := make([]string, len(e.Tokens))
	for i, t := range e.Tokens {
		quoted[i] = "'" + t + "'"
	}
	return "these expressions do not resolve: " + strings.Join(quoted, ", ")
}

// ErrNull is a template that applies the null filter: Octostache's way of
// giving a template no value at all, which no text stands for.
var ErrNull = errors.New("the template applies the null filter: it has no value")
