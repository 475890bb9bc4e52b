package octostache

import "strings"

// References returns the names of the variables src refers to, each once
// (compared without regard to case) in the order they first appear: in
// substitutions, in filter arguments and computed indexes, in conditions
// and as the lists of #{each}. It reads src leniently and never fails: a
// malformed block is read as far as it goes.
//
// A computed index is given as "*": #{Octopus.Action[#{Step}].Output.X}
// refers to Step and to Octopus.Action[*].Output.X. Inside #{each a in
// List}, a.Prop is List[*].Prop; the loop variable itself and
// Octopus.Template.Each.* are not variables and are left out. The values
// of the variables are not read, so names that they refer to in turn are
// not included.
func References(src string) []string {
	nodes, _ := parse(src, true)
	return collectRefs(nodes)
}

// References returns the names of the variables the template refers to,
// as the function References does.
func (t *Template) References() []string { return collectRefs(t.nodes) }

func collectRefs(nodes []node) []string {
	r := &refs{seen: make(map[string]bool)}
	r.nodes(nodes)
	return r.names
}

type refs struct {
	names []string
	seen  map[string]bool
	loops []loopRef // innermost last
}

type loopRef struct{ item, coll string }

func (r *refs) add(name string) {
	if f := foldKey(name); !r.seen[f] {
		r.seen[f] = true
		r.names = append(r.names, name)
	}
}

func (r *refs) nodes(nodes []node) {
	for _, n := range nodes {
		switch {
		case n.expr != nil:
			r.expr(n.expr)
		case n.cond != nil:
			for _, side := range [...]operand{n.cond.cond.left, n.cond.cond.right} {
				if side.x != nil {
					r.expr(side.x)
				}
			}
			r.nodes(n.cond.then)
			r.nodes(n.cond.els)
		case n.calc != nil:
			r.calc(n.calc.root)
		case n.each != nil:
			coll := r.symbol(n.each.coll)
			r.loops = append(r.loops, loopRef{item: n.each.item, coll: coll})
			r.nodes(n.each.body)
			r.loops = r.loops[:len(r.loops)-1]
		}
	}
}

func (r *refs) expr(x *expr) {
	if x.sym != nil {
		r.symbol(x.sym)
	}
	for _, f := range x.filters {
		for _, a := range f.args {
			if a.sub != nil {
				r.expr(a.sub)
			}
		}
	}
}

// symbol records the names in s and returns the name s stands for, or ""
// when it is a loop variable.
func (r *refs) symbol(s *symbol) string {
	for _, st := range s.steps {
		if st.dyn != nil {
			r.expr(st.dyn)
		}
	}
	head, rest := s.render(nil)
	if len(r.loops) > 0 {
		name := head + rest
		for _, special := range [...]string{eachFirst, eachLast, eachIndex} {
			if strings.EqualFold(name, special) {
				return ""
			}
		}
		for i := len(r.loops) - 1; i >= 0; i-- {
			l := r.loops[i]
			if !strings.EqualFold(l.item, head) {
				continue
			}
			if rest == "" || l.coll == "" {
				return ""
			}
			name := l.coll + "[*]" + rest
			r.add(name)
			return name
		}
	}
	name := head + rest
	r.add(name)
	return name
}

func (r *refs) calc(t *calcTerm) {
	switch {
	case t.sym != nil:
		r.symbol(t.sym)
	case t.l != nil:
		r.calc(t.l)
		r.calc(t.r)
	}
}
