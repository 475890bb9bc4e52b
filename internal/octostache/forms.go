package octostache

import "strings"

// formFilters are the filters that turn a value into another spelling of
// it, with no argument: what a step's #{Secret | ToUpper} would print.
// The hashes are left out: one cannot read the value back from them.
var formFilters = []string{
	"tolower", "toupper", "tobase64", "htmlescape", "xmlescape", "jsonescape",
	"yamlsinglequoteescape", "yamldoublequoteescape", "propertieskeyescape",
	"propertiesvalueescape", "uriescape", "uridataescape", "trim",
}

// minLineLen is the fewest characters a line of a multi-line value needs
// to be a form of its own: shorter lines ("-----", "}") are everywhere.
const minLineLen = 8

// Forms lists the spellings of a sensitive value that templates can
// produce from it, for masking: the value through each filter that
// re-spells it, and each line of a multi-line value that is long enough
// to be told from ordinary output.
func Forms(value string) []string {
	out := []string{value}
	seen := map[string]bool{value: true}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, name := range formFilters {
		if v, ok := filters[name](nil, value, true, nil); ok {
			add(v)
		}
	}
	if strings.Contains(value, "\n") {
		for _, line := range strings.Split(value, "\n") {
			if line = strings.TrimSpace(line); len([]rune(line)) >= minLineLen {
				add(line)
				add(strings.ToUpper(line))
				add(strings.ToLower(line))
			}
		}
	}
	return out
}
