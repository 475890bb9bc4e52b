package octostache

import (
	"errors"
	"strings"
	"testing"
)

// fuzzVars has a bit of everything: plain, recursive, cyclic, malformed
// and collection-shaped values.
var fuzzVars = NewLookup(map[string]string{
	"A":              "a",
	"B":              "#{A}#{A}",
	"C":              "#{B | ToUpper}#{each r in L}#{r}#{/each}",
	"L":              "x, y,z",
	"Self":           "#{Self}",
	"P":              "#{Q}",
	"Q":              "#{P}",
	"Bad":            "#{if A}",
	"M[a].N":         "1",
	"M[b].N":         "#{A}",
	"M[b]":           "bee",
	"Yes":            "True",
	"Octopus.Env":    "Prod",
	"Fmt":            "yyyy",
	"Num":            "1234.5",
	"Date":           "2030-05-22T09:05:00Z",
	"Key[#{A}]":      "odd",
	"Deep[a].X[b].Y": "deep",
})

func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		"", "text", "#", "#{", "#{A}", "##{A}", "###{A}", "#{A | ToUpper | Truncate 1}",
		"#{M[#{A}].N}", "#{if Yes}y#{else}n#{/if}", "#{unless A == \"a\"}x#{/unless}",
		"#{each m in M}#{m}:#{m.N}#{Octopus.Template.Each.Last}#{/each}",
		"#{each r in L}#{each s in L}#{r}#{s}#{/each}#{/each}",
		"#{Self}", "#{P}", "#{Bad}", "#{C}", "#{Num | Format \"#,##0.00\"}", "#{Date | Format Date o}",
		"#{ | NowDate #{Fmt}}", "#{A | Replace \"(a)\" \"$1$1\"}", "#{if A}#{/each}", "#{/if}",
		"#{A[#{B[#{C}]}]}", "#{Deep[a].X[b].Y}", "#{each d in Deep}#{each x in d.X}#{x.Y}#{/each}#{/each}",
	} {
		f.Add(s)
	}
	opts := &Options{Now: fixedClock, MaxSteps: 100_000, MaxOutput: 1 << 20}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		_ = References(src)
		tmpl, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %v is not a *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("bad position in %+v", se)
			}
			return
		}
		_ = tmpl.References()
		got, err := tmpl.Evaluate(fuzzVars, opts)
		if err != nil {
			var ce *CycleError
			var le *LimitError
			if !errors.As(err, &ce) && !errors.As(err, &le) {
				t.Fatalf("Evaluate error %v is neither a *CycleError nor a *LimitError", err)
			}
			if got != "" {
				t.Fatalf("Evaluate returned %q with error %v", got, err)
			}
		}
		if !strings.Contains(src, "#{") {
			if err != nil || got != src {
				t.Fatalf("a template with no #{ changed: %q -> %q, %v", src, got, err)
			}
		}
		again, err2 := tmpl.Evaluate(fuzzVars, opts)
		if again != got || (err == nil) != (err2 == nil) {
			t.Fatalf("two evaluations differ: %q, %v and %q, %v", got, err, again, err2)
		}
	})
}
