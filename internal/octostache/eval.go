package octostache

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults for the bounds in Options.
const (
	DefaultMaxDepth  = 32
	DefaultMaxOutput = 64 << 20
	DefaultMaxSteps  = 10_000_000
)

// Options parameterise and bound an evaluation. A nil *Options and zero
// fields mean the defaults.
type Options struct {
	// Now is the clock read by the NowDate and NowDateUtc filters, once an
	// evaluation; nil means time.Now.
	Now func() time.Time
	// MaxDepth bounds how deeply variable values expand inside one
	// another (A's value refers to B, whose value refers to C...).
	MaxDepth int
	// MaxOutput bounds the bytes an evaluation writes, counting the
	// expansions of variable values and filter arguments on the way.
	MaxOutput int
	// MaxSteps bounds the work of an evaluation: one step for each piece
	// of text, expression, block, loop iteration and variable look-up.
	// It stops nested loops that write nothing.
	MaxSteps int
}

// Validate reports a negative bound.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"MaxDepth", o.MaxDepth}, {"MaxOutput", o.MaxOutput}, {"MaxSteps", o.MaxSteps}} {
		if f.v < 0 {
			return fmt.Errorf("octostache: %s is %d: it cannot be negative", f.name, f.v)
		}
	}
	return nil
}

// withDefaults returns a copy of o with zero fields set to the defaults.
func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.MaxDepth == 0 {
		r.MaxDepth = DefaultMaxDepth
	}
	if r.MaxOutput == 0 {
		r.MaxOutput = DefaultMaxOutput
	}
	if r.MaxSteps == 0 {
		r.MaxSteps = DefaultMaxSteps
	}
	return r
}

// Evaluate parses src and evaluates it against vars with the default
// Options. A template that does not parse is given back unchanged with
// the *SyntaxError, as Octostache gives it back: a caller may use it as
// it is (Octopus runs such a script unsubstituted) or refuse it.
func Evaluate(src string, vars Lookup) (string, error) {
	t, err := Parse(src)
	if err != nil {
		return src, err
	}
	return t.Evaluate(vars, nil)
}

// EvaluateLenient is Evaluate reading src as Octostache does with
// haltOnError off: what does not parse (a stray #{/if}, an unreadable
// tag) is output as written, blocks left open are closed at the end, and
// the rest is evaluated. It fails only as Template.Evaluate does.
func EvaluateLenient(src string, vars Lookup) (string, error) {
	nodes, _ := parse(src, true)
	t := &Template{src: src, nodes: nodes}
	return t.Evaluate(vars, nil)
}

// Evaluate substitutes vars into the template. An expression that does
// not resolve — an unknown variable, an unknown filter, a filter given
// arguments it cannot use — is output as written. The error is a
// *CycleError, a *LimitError or an invalid Options.
func (t *Template) Evaluate(vars Lookup, opts *Options) (string, error) {
	if err := opts.Validate(); err != nil {
		return "", err
	}
	switch {
	case len(t.nodes) == 0:
		return "", nil
	case len(t.nodes) == 1:
		if n := t.nodes[0]; n.expr == nil && n.cond == nil && n.each == nil && n.calc == nil {
			return n.text, nil
		}
	}
	if vars == nil {
		vars = Vars(nil)
	}
	e := &evaluator{vars: vars, opts: opts.withDefaults()}
	out, err := e.run(t.nodes, make([]byte, 0, len(t.src)+len(t.src)/4))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// Truthy reports whether a value counts as true in #{if}, and so in a
// step's condition: anything but "", "0", and "False" or "No" in any case
// and with any surrounding white space.
func Truthy(s string) bool {
	if s == "" || s == "0" {
		return false
	}
	t := strings.TrimSpace(s)
	return !strings.EqualFold(t, "false") && !strings.EqualFold(t, "no")
}

type evaluator struct {
	vars Lookup
	opts Options

	names []string // variables being expanded, outermost first
	keys  []string // their folded names

	scopes []scope // #{each} iterations, innermost last

	steps, written int

	parsed  map[string][]node // variable values holding #{, parsed; nil if malformed
	cache   map[string]string // folded name → expanded value, outside loops
	regexps map[string]*regexp.Regexp
	now     time.Time
	nowSet  bool

	unresolved []string // expressions output as written (EvaluateTruthy)
	null       bool     // the null filter ran
}

// scope is one iteration of #{each item in List}.
type scope struct {
	item  string     // the loop variable
	value string     // the element: a key of the collection or a part of the value
	path  string     // "List[key]" when iterating a collection, else ""
	json  *jsonValue // the element of a JSON array, or a JSON property's value
	prop  bool       // json is a property's value: item.Key and item.Value
	index int
	count int
}

const (
	eachFirst = "Octopus.Template.Each.First"
	eachLast  = "Octopus.Template.Each.Last"
	eachIndex = "Octopus.Template.Each.Index"
)

func (e *evaluator) tick() error {
	e.steps++
	if e.steps > e.opts.MaxSteps {
		return &LimitError{Limit: "steps", Max: e.opts.MaxSteps, Chain: e.chain()}
	}
	return nil
}

func (e *evaluator) write(out []byte, s string) ([]byte, error) {
	e.written += len(s)
	if e.written > e.opts.MaxOutput {
		return out, &LimitError{Limit: "output", Max: e.opts.MaxOutput, Chain: e.chain()}
	}
	return append(out, s...), nil
}

func (e *evaluator) chain() []string {
	if len(e.names) == 0 {
		return nil
	}
	return append([]string(nil), e.names...)
}

func (e *evaluator) run(nodes []node, out []byte) ([]byte, error) {
	for _, n := range nodes {
		if err := e.tick(); err != nil {
			return out, err
		}
		var err error
		switch {
		case n.expr != nil:
			var v string
			var ok bool
			v, ok, err = e.eval(n.expr)
			if err == nil {
				if !ok {
					v = n.text
					e.noteUnresolved(n.text)
				}
				out, err = e.write(out, v)
			}
		case n.cond != nil:
			var yes, ok bool
			yes, ok, err = e.test(&n.cond.cond)
			if err == nil && !ok {
				var b strings.Builder
				n.cond.echo(&b)
				e.noteUnresolved(b.String())
				out, err = e.write(out, b.String())
			} else if err == nil {
				if yes != n.cond.unless {
					out, err = e.run(n.cond.then, out)
				} else {
					out, err = e.run(n.cond.els, out)
				}
			}
		case n.each != nil:
			out, err = e.each(n.each, out)
		case n.calc != nil:
			var v float64
			var ok bool
			if v, ok, err = e.calc(n.calc.root); err == nil {
				s := n.calc.echo
				if ok {
					s = formatDouble(v)
				}
				out, err = e.write(out, s)
			}
		default:
			out, err = e.write(out, n.text)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// eval evaluates #{...}; ok is false when it does not resolve.
func (e *evaluator) eval(x *expr) (v string, ok bool, err error) {
	if x.sym != nil {
		if v, ok, err = e.symbolValue(x.sym); err != nil {
			return "", false, err
		}
	}
	for _, f := range x.filters {
		if f.fn == nil {
			v, ok = "", false
			continue
		}
		var args []string
		if len(f.args) > 0 {
			args = make([]string, len(f.args))
			for i, a := range f.args {
				if a.sub == nil {
					args[i] = a.lit
					continue
				}
				s, found, err := e.eval(a.sub)
				if err != nil {
					return "", false, err
				}
				if !found {
					s = a.lit
				}
				args[i] = s
			}
		}
		v, ok = f.fn(e, v, ok, args)
		if e.null {
			return "", false, ErrNull
		}
		if e.written += len(v); e.written > e.opts.MaxOutput {
			return "", false, &LimitError{Limit: "output", Max: e.opts.MaxOutput, Chain: e.chain()}
		}
	}
	return v, ok, nil
}

// name renders a symbol's name, computing its indexes; ok is false when a
// computed index does not resolve.
func (e *evaluator) name(s *symbol) (head, rest, full string, ok bool, err error) {
	if s.static {
		return s.head, s.rest, s.full, true, nil
	}
	var keys []string
	for _, st := range s.steps {
		if st.dyn == nil {
			continue
		}
		k, found, err := e.eval(st.dyn)
		if err != nil || !found {
			return "", "", "", false, err
		}
		keys = append(keys, k)
	}
	head, rest = s.render(keys)
	return head, rest, head + rest, true, nil
}

func (e *evaluator) symbolValue(s *symbol) (string, bool, error) {
	head, rest, full, ok, err := e.name(s)
	if !ok || err != nil {
		return "", false, err
	}
	return e.resolve(head, rest, full)
}

// resolve finds the value of the variable full = head+rest, where head
// may be a loop variable: inside #{each a in Octopus.Action}, "a" is the
// element's key and "a.Name" is Octopus.Action[key].Name.
func (e *evaluator) resolve(head, rest, full string) (string, bool, error) {
	if len(e.scopes) > 0 {
		if strings.EqualFold(head, "Octopus") {
			if v, ok := e.special(full); ok {
				return v, true, nil
			}
		}
		for i := len(e.scopes) - 1; i >= 0; i-- {
			s := e.scopes[i]
			if !strings.EqualFold(s.item, head) {
				continue
			}
			if s.json != nil {
				if v, ok := s.jsonChild(rest); ok {
					return v, true, nil
				}
				continue
			}
			if s.path == "" {
				if rest == "" {
					return s.value, true, nil
				}
				continue
			}
			v, ok, err := e.lookup(s.path + rest)
			if ok || err != nil {
				return v, ok, err
			}
			if rest == "" {
				return s.value, true, nil
			}
		}
	}
	return e.lookup(full)
}

// special returns the value of an Octopus.Template.Each variable for the
// innermost loop.
func (e *evaluator) special(name string) (string, bool) {
	s := e.scopes[len(e.scopes)-1]
	switch {
	case strings.EqualFold(name, eachFirst):
		return boolString(s.index == 0), true
	case strings.EqualFold(name, eachLast):
		return boolString(s.index == s.count-1), true
	case strings.EqualFold(name, eachIndex):
		return strconv.Itoa(s.index), true
	}
	return "", false
}

func boolString(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// lookup returns the value of the variable name with the expressions in
// it evaluated.
func (e *evaluator) lookup(name string) (string, bool, error) {
	if err := e.tick(); err != nil {
		return "", false, err
	}
	if strings.Contains(name, "[*]") {
		name = e.firstOf(name)
	}
	v, ok := e.vars.Get(name)
	if !ok {
		s, found, err := e.jsonLookup(name)
		if err != nil || !found {
			return "", false, err
		}
		// A property's value may hold expressions too; they are
		// evaluated as a variable's value is.
		v, ok = s, true
	}
	if !strings.Contains(v, "#{") {
		return v, ok, nil
	}
	key := foldKey(name)
	for i, k := range e.keys {
		if k == key {
			chain := append(append([]string(nil), e.names[i:]...), name)
			return "", false, &CycleError{Chain: chain}
		}
	}
	if len(e.scopes) == 0 {
		if c, ok := e.cache[key]; ok {
			return c, true, nil
		}
	}
	if len(e.names) >= e.opts.MaxDepth {
		return "", false, &LimitError{Limit: "depth", Max: e.opts.MaxDepth, Chain: append(e.chain(), name)}
	}
	nodes, ok := e.parseValue(v)
	if !ok {
		return v, true, nil
	}
	e.names = append(e.names, name)
	e.keys = append(e.keys, key)
	out, err := e.run(nodes, make([]byte, 0, len(v)))
	e.names = e.names[:len(e.names)-1]
	e.keys = e.keys[:len(e.keys)-1]
	if err != nil {
		return "", false, err
	}
	s := string(out)
	if len(e.scopes) == 0 {
		if e.cache == nil {
			e.cache = make(map[string]string)
		}
		e.cache[key] = s
	}
	return s, true, nil
}

// parseValue parses a variable's value as a template; ok is false when it
// is malformed, and the value is then used as it is, as Octostache does.
func (e *evaluator) parseValue(v string) ([]node, bool) {
	if nodes, ok := e.parsed[v]; ok {
		return nodes, nodes != nil
	}
	nodes, err := parse(v, false)
	if err != nil {
		nodes = nil
	} else if nodes == nil {
		nodes = []node{}
	}
	if e.parsed == nil {
		e.parsed = make(map[string][]node)
	}
	e.parsed[v] = nodes
	return nodes, nodes != nil
}

// test evaluates the condition of #{if} or #{unless}. An unknown
// variable is the empty string; a side whose filters do not resolve
// leaves the condition unresolved (ok false), and the whole block is
// output as written, as Octostache does.
func (e *evaluator) test(c *condition) (yes, ok bool, err error) {
	left, ok, err := e.operand(c.left)
	if !ok || err != nil {
		return false, ok, err
	}
	if c.op == "" {
		return Truthy(left), true, nil
	}
	right, ok, err := e.operand(c.right)
	if !ok || err != nil {
		return false, ok, err
	}
	return (left == right) == (c.op == "=="), true, nil
}

// operand is the value of a side of a condition.
func (e *evaluator) operand(o operand) (string, bool, error) {
	if o.x == nil {
		return o.lit, true, nil
	}
	v, ok, err := e.eval(o.x)
	if !ok && len(o.x.filters) == 0 {
		return "", true, err
	}
	return v, ok, err
}

func (e *evaluator) each(n *eachNode, out []byte) ([]byte, error) {
	items, err := e.items(n.coll)
	if err != nil {
		return out, err
	}
	for i, it := range items {
		if err := e.tick(); err != nil {
			return out, err
		}
		e.scopes = append(e.scopes, scope{item: n.item, value: it.value, path: it.path, json: it.json, prop: it.prop, index: i, count: len(items)})
		out, err = e.run(n.body, out)
		e.scopes = e.scopes[:len(e.scopes)-1]
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

type item struct {
	value, path string
	json        *jsonValue
	prop        bool
}

// items lists what #{each} iterates: the keys of the collection
// List[key]... if there is one, else the elements of List's JSON value,
// else the comma-separated parts of its value.
func (e *evaluator) items(coll *symbol) ([]item, error) {
	head, rest, full, ok, err := e.name(coll)
	if !ok || err != nil {
		return nil, err
	}
	name := full
	for i := len(e.scopes) - 1; i >= 0; i-- {
		if s := e.scopes[i]; s.path != "" && strings.EqualFold(s.item, head) {
			name = s.path + rest
			break
		}
	}
	prefix := name + "["
	if keys := collectionKeys(e.vars.Names(prefix), prefix); len(keys) > 0 {
		items := make([]item, len(keys))
		for i, k := range keys {
			items[i] = item{value: k, path: prefix + k + "]"}
		}
		return items, nil
	}
	v, ok, err := e.resolve(head, rest, full)
	if !ok || err != nil {
		return nil, err
	}
	if items, ok := jsonItems(v); ok {
		return items, nil
	}
	// As Octostache: split at commas, each part as it is, so an empty
	// value is one empty item.
	parts := strings.Split(v, ",")
	items := make([]item, len(parts))
	for i, p := range parts {
		items[i] = item{value: p}
	}
	return items, nil
}

// collectionKeys returns the distinct keys of names of the form
// prefix key "]" ..., where prefix ends in "[", in the order of names.
// A key may hold balanced brackets: Package[containers[0]].Name.
func collectionKeys(names []string, prefix string) []string {
	if len(names) == 0 {
		return nil
	}
	n := len([]rune(prefix))
	var keys []string
	seen := make(map[string]bool)
	for _, name := range names {
		rest := skipRunes(name, n)
		end, level := -1, 0
	scan:
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case '[':
				level++
			case ']':
				if level == 0 {
					end = i
					break scan
				}
				level--
			}
		}
		if end < 0 {
			continue
		}
		if after := rest[end+1:]; after != "" && after[0] != '.' && after[0] != '[' {
			continue
		}
		key := rest[:end]
		if f := foldKey(key); !seen[f] {
			seen[f] = true
			keys = append(keys, key)
		}
	}
	return keys
}

// clock returns the time NowDate reads, the same for a whole evaluation.
func (e *evaluator) clock() time.Time {
	if !e.nowSet {
		e.now, e.nowSet = e.opts.Now(), true
	}
	return e.now
}

// regexp compiles pattern once an evaluation; nil if it does not compile.
func (e *evaluator) regexp(pattern string) *regexp.Regexp {
	if re, ok := e.regexps[pattern]; ok {
		return re
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		re = nil
	}
	if e.regexps == nil {
		e.regexps = make(map[string]*regexp.Regexp)
	}
	e.regexps[pattern] = re
	return re
}

// firstOf is name with its first "[*]" index replaced by the first key of
// that collection, in the order Lookup.Names gives: Octostache's wildcard
// index, List[*].Name, is "any one", and it takes the first.
func (e *evaluator) firstOf(name string) string {
	at := strings.Index(name, "[*]")
	prefix := name[:at+1]
	keys := collectionKeys(e.vars.Names(prefix), prefix)
	if len(keys) == 0 {
		return name
	}
	return prefix + keys[0] + name[at+2:]
}
