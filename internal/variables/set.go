package variables

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/zonectl/zonectl/internal/snapshot"
)

// Set is the resolved variables of one deployment, or of one step of it
// (ForStep). It implements octostache.Lookup. A Set is never changed once
// made, so it may be shared between goroutines.
type Set struct {
	d    *deployment
	step map[string]Value // the step's own values and built-ins, by folded name; nil outside a step
}

// deployment is what every Set of one deployment shares.
type deployment struct {
	values  map[string]Value            // by folded name
	keys    []string                    // the folded names of values, sorted
	order   map[string]int              // each folded name's place: declared variables first, in declaration order
	steps   map[string]map[string]Value // step-scoped winners, by folded step name, then folded name
	secrets []string
}

// Resolve resolves vars (a project's variables), its templates and the
// built-ins for one deployment; see the package documentation for the
// rules. Every tie and every value that fails to decrypt is reported,
// including those of step-scoped values, so that the Set's ForStep cannot
// fail later. A required template without a value is not refused here:
// CheckTemplates does that.
func Resolve(vars []snapshot.Variable, templates []snapshot.Template, b Builtins, ctx Context, opts Options) (*Set, error) {
	builtins, err := b.values(ctx)
	if err != nil {
		return nil, err
	}
	r := newResolver(ctx)
	for _, v := range vars {
		r.add(v, rankProject)
	}
	for _, v := range opts.Extra {
		r.add(v, rankSpace)
	}
	for _, t := range templates {
		r.template(t)
	}

	d := &deployment{values: map[string]Value{}, steps: map[string]map[string]Value{}, order: map[string]int{}}
	for i, key := range r.order {
		d.order[key] = i
	}
	dec := &decrypter{fn: opts.Decrypt, done: map[*candidate]string{}, secrets: map[string]bool{}}
	var errs []error
	for _, key := range r.order {
		if reserved[key] {
			continue
		}
		e := r.entries[key]
		base, err := e.pick("")
		if err != nil {
			errs = append(errs, err) // the steps would report the same tie again
			continue
		}
		if base != nil {
			v, err := dec.value(e, base)
			if err != nil {
				errs = append(errs, err)
			}
			d.values[key] = v
		}
		for _, step := range e.steps() {
			c, err := e.pick(step)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if c == base {
				continue
			}
			v, err := dec.value(e, c)
			if err != nil {
				errs = append(errs, err)
			}
			if d.steps[step] == nil {
				d.steps[step] = map[string]Value{}
			}
			d.steps[step][key] = v
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, v := range builtins {
		key := fold(v.Name)
		d.values[key] = v
		if _, ok := d.order[key]; !ok {
			d.order[key] = len(d.order)
		}
	}
	d.keys = slices.Sorted(maps.Keys(d.values))
	d.secrets = dec.list()
	return &Set{d: d}, nil
}

// steps lists, folded and once each, the steps e's values are scoped to.
func (e *entry) steps() []string {
	if !e.stepped {
		return nil
	}
	var out []string
	for _, c := range e.cands {
		for _, s := range c.v.Scope.Step {
			if k := fold(s); !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// decrypter decrypts winning sensitive values, each once, and remembers
// the plain texts for masking.
type decrypter struct {
	fn      func(string) (string, error)
	done    map[*candidate]string
	secrets map[string]bool
}

func (d *decrypter) value(e *entry, c *candidate) (Value, error) {
	v := Value{Name: e.name, Value: c.v.Value, Sensitive: e.sensitive, Source: e.source(c)}
	if !e.sensitive || c.v.Value == "" {
		return v, nil // an empty value (an explicit null) has nothing to hide
	}
	if d.fn == nil {
		v.Value = Masked
		return v, nil
	}
	if c.rank != rankFallback { // a template's default is plain text
		pt, ok := d.done[c]
		if !ok {
			var err error
			if pt, err = d.fn(c.v.Value); err != nil {
				v.Value = Masked
				return v, fmt.Errorf("decrypting variable %q (%s): %w", e.name, v.Source, err)
			}
			d.done[c] = pt
		}
		v.Value = pt
	}
	if v.Value != "" {
		d.secrets[v.Value] = true
	}
	return v, nil
}

// list returns the secrets longest first, so that a masker replacing them
// in turn never leaves the tail of a longer one that holds a shorter.
func (d *decrypter) list() []string {
	out := slices.Collect(maps.Keys(d.secrets))
	slices.SortFunc(out, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// ForStep returns the Set while step runs: s with the values scoped to the
// step and the step's built-ins (Octopus.Step.Name, Octopus.Action.Name and,
// when pkg is not nil, Octopus.Action.Package.PackageId and PackageVersion)
// laid over it. s itself is unchanged; the ForStep of a step's Set starts
// again from the deployment's.
func (s *Set) ForStep(step string, pkg *PackageInfo) *Set {
	over := map[string]Value{}
	maps.Copy(over, s.d.steps[fold(step)])
	for _, v := range stepValues(step, pkg) {
		over[fold(v.Name)] = v
	}
	return &Set{d: s.d, step: over}
}

func (s *Set) lookup(key string) (Value, bool) {
	if v, ok := s.step[key]; ok {
		return v, true
	}
	v, ok := s.d.values[key]
	return v, ok
}

// Get returns the raw value of the variable name, ignoring case.
func (s *Set) Get(name string) (string, bool) {
	v, ok := s.lookup(fold(name))
	return v.Value, ok
}

// Names returns the names of the variables that start with prefix,
// ignoring case, as declared, in the order they were declared (then the
// built-ins): #{each} over a collection iterates in that order, as in
// Octopus.
func (s *Set) Names(prefix string) []string {
	p := fold(prefix)
	var keys []string
	for i := sort.SearchStrings(s.d.keys, p); i < len(s.d.keys) && strings.HasPrefix(s.d.keys[i], p); i++ {
		keys = append(keys, s.d.keys[i])
	}
	for k := range s.step {
		if _, ok := s.d.values[k]; !ok && strings.HasPrefix(k, p) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	sort.SliceStable(keys, func(i, j int) bool { return s.d.order[keys[i]] < s.d.order[keys[j]] })
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		v, _ := s.lookup(k)
		out = append(out, v.Name)
	}
	return out
}

// All returns every variable, sorted by name ignoring case, for the
// dry-run plan.
func (s *Set) All() []Value {
	keys := slices.Clone(s.d.keys)
	for k := range s.step {
		if _, ok := s.d.values[k]; !ok {
			keys = append(keys, k)
		}
	}
	return s.values(keys)
}

// values looks keys up and sorts the values by folded name.
func (s *Set) values(keys []string) []Value {
	slices.Sort(keys)
	out := make([]Value, len(keys))
	for i, k := range keys {
		out[i], _ = s.lookup(k)
	}
	return out
}

// Secrets returns the plain text of every sensitive value the deployment
// decrypted, in any of its steps, longest first: what a masker replaces in
// every output. It is empty when Options.Decrypt was nil.
func (s *Set) Secrets() []string {
	return slices.Clone(s.d.secrets)
}
