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

// echoNodes writes nodes back as Octostache writes a block it cannot
// evaluate: expressions in their echo form, an #{unless} as the #{if}
// it is with its branches swapped, and an #{elseif} as the #{if} nested
// in the #{else} that it stands for.
func echoNodes(b *strings.Builder, nodes []node) {
	for _, n := range nodes {
		switch {
		case n.expr != nil:
			b.WriteString(n.expr.echo())
		case n.cond != nil:
			n.cond.echo(b)
		case n.each != nil:
			b.WriteString("#{each " + n.each.item + " in " + n.each.coll.echo() + "}")
			echoNodes(b, n.each.body)
			b.WriteString("#{/each}")
		case n.calc != nil:
			b.WriteString(n.calc.echo)
		default:
			b.WriteString(n.text)
		}
	}
}

func (c *condNode) echo(b *strings.Builder) {
	then, els := c.then, c.els
	if c.unless {
		then, els = els, then
	}
	b.WriteString("#{if ")
	b.WriteString(c.cond.left.echo())
	if c.cond.op != "" {
		b.WriteString(" " + c.cond.op + " " + c.cond.right.echo() + " ")
	}
	b.WriteString("}")
	echoNodes(b, then)
	if len(els) > 0 {
		b.WriteString("#{else}")
		echoNodes(b, els)
	}
	b.WriteString("#{/if}")
}

// echo writes a side of a condition: a literal quoted, an expression
// without its #{ }.
func (o operand) echo() string {
	if o.x == nil {
		return `"` + o.lit + `"`
	}
	s := o.x.echo()
	return s[2 : len(s)-1]
}
