package octostache

import "strings"

// EvaluateTruthy evaluates src as a condition, the way Octopus judges a
// step's run condition: true only when src parses, every expression in it
// resolves and the result is Truthy. An expression that does not resolve
// (an unknown variable, an unknown filter, a filter that fails) makes the
// condition false with an *UnresolvedError naming it: it is never judged
// by its text, which "#{Missing}" would make true.
func EvaluateTruthy(src string, vars Lookup) (bool, error) {
	t, err := Parse(src)
	if err != nil {
		return false, err
	}
	if vars == nil {
		vars = Vars(nil)
	}
	e := &evaluator{vars: vars, opts: (*Options)(nil).withDefaults()}
	out, err := e.run(t.nodes, make([]byte, 0, len(src)))
	if err != nil {
		return false, err
	}
	if len(e.unresolved) > 0 {
		return false, &UnresolvedError{Tokens: e.unresolved}
	}
	return Truthy(string(out)), nil
}

// noteUnresolved records an expression that did not resolve, once.
func (e *evaluator) noteUnresolved(text string) {
	for _, t := range e.unresolved {
		if t == text {
			return
		}
	}
	e.unresolved = append(e.unresolved, strings.TrimSpace(text))
}

// nullFilter marks the evaluation as having no value (ErrNull).
func nullFilter(e *evaluator, _ string, _ bool, _ []string) (string, bool) {
	e.null = true
	return "", false
}
