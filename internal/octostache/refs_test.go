package octostache

import (
	"slices"
	"testing"
)

func TestReferences(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"none", "plain text ##{Escaped}", nil},
		{"simple, deduplicated without regard to case", "#{A} #{B} #{a}", []string{"A", "B"}},
		{"dotted and indexed", "#{Octopus.Action[Deploy web].Output.Port}", []string{"Octopus.Action[Deploy web].Output.Port"}},
		{"computed index", "#{Octopus.Action[#{Step}].Output.X}", []string{"Step", "Octopus.Action[*].Output.X"}},
		{"filters and their arguments", "#{A | Replace #{B} \"x\" | ToUpper}", []string{"A", "B"}},
		{"no symbol", "#{ | NowDate #{Fmt}}", []string{"Fmt"}},
		{"conditions", `#{if A == B}#{C}#{else}#{D}#{/if}#{unless E != "x"}#{/unless}`, []string{"A", "B", "C", "D", "E"}},
		{"each", "#{each a in Octopus.Action}#{a}#{a.Name}#{Octopus.Template.Each.Index}#{Other}#{/each}",
			[]string{"Octopus.Action", "Octopus.Action[*].Name", "Other"}},
		{"nested each", "#{each a in Action}#{each r in a.Roles}#{r}#{r.X}#{/each}#{/each}",
			[]string{"Action", "Action[*].Roles", "Action[*].Roles[*].X"}},
		{"loop variable outside its loop", "#{each a in L}#{/each}#{a}", []string{"L", "a"}},
		{"malformed: unclosed block", "#{if A}#{B}", []string{"A", "B"}},
		{"malformed: stray end", "#{/if}#{A}", []string{"A"}},
		{"malformed: unreadable header", "#{if}#{A}", []string{"A"}},
		{"unclosed expression", "#{A #{B}", []string{"B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := References(tt.src); !slices.Equal(got, tt.want) {
				t.Errorf("References(%q) = %q, want %q", tt.src, got, tt.want)
			}
			if tmpl, err := Parse(tt.src); err == nil {
				if got := tmpl.References(); !slices.Equal(got, tt.want) {
					t.Errorf("Template.References() = %q, want %q", got, tt.want)
				}
			}
		})
	}
}
