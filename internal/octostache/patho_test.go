package octostache

import (
	"strings"
	"testing"
)

// TestPathologicalInputs reads and evaluates 64 KiB of text that keeps
// almost forming an expression. There is no timing assertion: a parser
// that rescans to the end of the line for every "#{" took minutes here.
func TestPathologicalInputs(t *testing.T) {
	for _, unit := range []string{
		"#{A[", "#{A[#{", "#{", `#{A | x "`, `#{A | \"`, "#{A.", "#{A | Replace #{", "[#{", "##{", "###{",
		"#{A}", "#{if A}", "#{each a in L}", "#{if A}x#{/if}", "#{A[x]", "#{A[[",
	} {
		src := strings.Repeat(unit, (64<<10)/len(unit))
		_ = References(src)
		tmpl, err := Parse(src)
		if err != nil {
			continue
		}
		if _, err := tmpl.Evaluate(Vars{"A": "a", "L": "x"}, nil); err != nil {
			t.Errorf("%q: %v", unit, err)
		}
	}
}
