package snapshot

import (
	"slices"
	"sort"
	"strings"
)

// Side is one release (or any snapshot of a project) as Compare sees it.
// Any part may be nil: it then counts as empty.
type Side struct {
	Process   *Process
	Variables *Variables
	// Packages are the pinned package versions. A package the process
	// declares without a pinned version is compared by its id alone.
	Packages []PackageRef
}

// Diff is what differs between two snapshots of a project, for
// `release diff` and for `review`. It holds the snapshot's strings as they
// are, never escaped (Text escapes them when it writes them), except that
// a sensitive value is never in it at all: only whether it changed.
//
// Things are matched by name, case-insensitively as names are everywhere
// in a Space; a value of a variable is matched by its scope. A renamed step
// or variable is shown as one removed and one added. Lists are in the order
// of the new snapshot, followed by what only the old one holds.
type Diff struct {
	Project   *FieldChanges    `json:"project,omitempty"`
	Steps     []StepChange     `json:"steps"`
	Packages  []PackageChange  `json:"packages"`
	Variables []VariableChange `json:"variables"`
	Templates []TemplateChange `json:"templates"`
}

// Kind says how a thing differs.
type Kind string

// The kinds of change.
const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
	Moved   Kind = "moved" // a step whose place among the others changed, and nothing else
)

// FieldChanges lists the attributes of the project that differ: project
// (the name, when only its case differs), description, lifecycle,
// tenanted.
type FieldChanges struct {
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one attribute that differs, named as HCL names it.
//
// Old and New hold a string, a bool, a []string (a list of names or
// patterns, compared as a set), a []Option, or nil where the attribute is
// absent: on the old side of anything added, and for the attributes of a
// step's action where the other side has another action. A text that
// spans lines on either side is given as Lines instead of Old and New.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old,omitempty"`
	New   any    `json:"new,omitempty"`
	// Lines is a line diff of a multi-line text, as `git diff -U0` writes
	// its hunks: a "@@ -l,n +l,n @@" header, then the old lines, each
	// after "-", then the new, each after "+"; "\ No newline at end of
	// file" follows a last line without one.
	Lines []string `json:"lines,omitempty"`
	// Sensitive marks an attribute whose values are never shown (the
	// default of a sensitive template): only that it changed.
	Sensitive bool `json:"sensitive,omitempty"`
}

// StepChange is a step added, removed, changed or moved.
type StepChange struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"` // as the new snapshot writes it; the old for a removed step
	// Index is the step's place in the new process, from 0; -1 for a
	// removed step. OldIndex is its place in the old one; -1 for an added
	// step.
	Index    int `json:"index"`
	OldIndex int `json:"old_index"`
	// Moved is set when the step's order among the steps of both
	// processes changed (not when steps before it were only added or
	// removed); a changed step can have moved too.
	Moved bool `json:"moved,omitempty"`
	// Fields are the attributes that differ; for an added step, every
	// attribute it sets.
	Fields []FieldChange `json:"fields,omitempty"`
}

// PackageChange is a package added, removed, or pinned to another version
// or other bytes. Old is nil for an added package, New for a removed one.
// A package the process declares without a pinned version has only an ID.
type PackageChange struct {
	Kind Kind        `json:"kind"`
	ID   string      `json:"id"`
	Old  *PackageRef `json:"old,omitempty"`
	New  *PackageRef `json:"new,omitempty"`
}

// VariableChange is a variable added, removed or changed.
type VariableChange struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// Sensitive is set when the variable is sensitive on either side: then
	// no value of it is shown, only which scopes changed.
	Sensitive bool `json:"sensitive,omitempty"`
	// Fields are the attributes that differ: name (its case), description,
	// sensitive.
	Fields []FieldChange `json:"fields,omitempty"`
	// Values are the values added, removed or changed; for an added or
	// removed variable, all its values.
	Values []ValueChange `json:"values,omitempty"`
}

// ValueChange is one value of a variable added, removed or changed. A
// value is known by its scope: a value of the same scope (each
// dimension's names compared as a set, case-insensitively) with other text
// is changed. Old and New are nil where there is no such side and for
// every value of a sensitive variable, whose ciphertexts are compared for
// equality and never shown; for a multi-line change, Lines is a line diff
// as in FieldChange, and Old and New are nil.
type ValueChange struct {
	Kind  Kind     `json:"kind"`
	Scope Scope    `json:"scope"` // each dimension's names sorted
	Old   *string  `json:"old,omitempty"`
	New   *string  `json:"new,omitempty"`
	Lines []string `json:"lines,omitempty"`
}

// TemplateChange is a variable template added, removed or changed.
type TemplateChange struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// Fields are the attributes that differ (name, label, help, type,
	// default, options, per, required); for an added template, every
	// attribute it sets.
	Fields []FieldChange `json:"fields,omitempty"`
}

// Compare returns what differs from old to cur.
func Compare(old, cur Side) *Diff {
	op, cp := old.process(), cur.process()
	ov, cv := old.variables(), cur.variables()
	return &Diff{
		Project:   compareProject(op, cp),
		Steps:     compareSteps(op.Steps, cp.Steps),
		Packages:  comparePackages(old.packages(), cur.packages()),
		Variables: compareVariables(ov.Variables, cv.Variables),
		Templates: compareTemplates(ov.Templates, cv.Templates),
	}
}

// Empty reports whether the two snapshots do not differ.
func (d *Diff) Empty() bool {
	return d.Project == nil && len(d.Steps) == 0 && len(d.Packages) == 0 &&
		len(d.Variables) == 0 && len(d.Templates) == 0
}

func (s Side) process() *Process {
	if s.Process == nil {
		return &Process{}
	}
	return s.Process
}

func (s Side) variables() *Variables {
	if s.Variables == nil {
		return &Variables{}
	}
	return s.Variables
}

// packages returns the pinned packages, then the declared ones not pinned.
func (s Side) packages() []PackageRef {
	out := slices.Clone(s.Packages)
	for _, p := range s.process().Packages {
		if !slices.ContainsFunc(out, func(r PackageRef) bool { return fold(r.ID) == fold(p.ID) }) {
			out = append(out, PackageRef{ID: p.ID})
		}
	}
	return out
}

func fold(name string) string { return strings.ToLower(name) }

func compareProject(a, b *Process) *FieldChanges {
	var f fields
	f.text("project", &a.Project, &b.Project)
	f.text("description", &a.Description, &b.Description)
	f.text("lifecycle", &a.Lifecycle, &b.Lifecycle)
	f.text("tenanted", &a.Tenanted, &b.Tenanted)
	if len(f) == 0 {
		return nil
	}
	return &FieldChanges{Fields: f}
}

// match pairs the items of a and b that have the same key, the k-th of a
// key in a with the k-th of it in b. It returns, for each item, the index
// of its pair on the other side, or -1.
func match(a, b []string) (inB, inA []int) {
	inB, inA = make([]int, len(a)), make([]int, len(b))
	next := map[string][]int{}
	for j, k := range b {
		next[k] = append(next[k], j)
		inA[j] = -1
	}
	for i, k := range a {
		inB[i] = -1
		if js := next[k]; len(js) > 0 {
			inB[i], inA[js[0]] = js[0], i
			next[k] = js[1:]
		}
	}
	return inB, inA
}

func keys[T any](items []T, key func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = key(it)
	}
	return out
}

func compareSteps(a, b []Step) []StepChange {
	stepKey := func(s Step) string { return fold(s.Name) }
	inB, inA := match(keys(a, stepKey), keys(b, stepKey))
	kept := increasing(inB)

	type entry struct {
		at, removed, old int // sort keys: place in new, removed after, old place
		c                StepChange
	}
	var entries []entry
	for j := range b {
		i := inA[j]
		c := StepChange{Name: b[j].Name, Index: j, OldIndex: i}
		if i < 0 {
			c.Kind, c.Fields = Added, stepFields(nil, &b[j])
		} else {
			c.Fields, c.Moved = stepFields(&a[i], &b[j]), !kept[i]
			switch {
			case len(c.Fields) > 0:
				c.Kind = Changed
			case c.Moved:
				c.Kind = Moved
			default:
				continue
			}
		}
		entries = append(entries, entry{at: j, c: c})
	}
	anchor := -1 // place in new of the last step of a that b kept
	for i := range a {
		if inB[i] >= 0 {
			anchor = inB[i]
			continue
		}
		entries = append(entries, entry{at: anchor, removed: 1, old: i,
			c: StepChange{Kind: Removed, Name: a[i].Name, Index: -1, OldIndex: i}})
	}
	sort.SliceStable(entries, func(x, y int) bool {
		ex, ey := entries[x], entries[y]
		if ex.at != ey.at {
			return ex.at < ey.at
		}
		if ex.removed != ey.removed {
			return ex.removed < ey.removed
		}
		return ex.old < ey.old
	})
	out := make([]StepChange, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.c)
	}
	return out
}

// increasing returns, for the items of the old side, whether each is in
// a longest run of paired items that keeps its order on the new side:
// the items not in it are the ones that moved. pos holds each old item's
// place on the new side, or -1.
func increasing(pos []int) []bool {
	var seq []int // indexes into pos of paired items, in old order
	for i, p := range pos {
		if p >= 0 {
			seq = append(seq, i)
		}
	}
	// Patience sorting: tails[k] ends the best run of length k+1.
	var tails []int
	prev := make([]int, len(seq))
	for s, i := range seq {
		k := sort.Search(len(tails), func(k int) bool { return pos[seq[tails[k]]] >= pos[i] })
		prev[s] = -1
		if k > 0 {
			prev[s] = tails[k-1]
		}
		if k == len(tails) {
			tails = append(tails, s)
		} else {
			tails[k] = s
		}
	}
	kept := make([]bool, len(pos))
	if len(tails) > 0 {
		for s := tails[len(tails)-1]; s >= 0; s = prev[s] {
			kept[seq[s]] = true
		}
	}
	return kept
}

// stepFields lists the attributes of b that differ from a's; a is nil for
// an added step.
func stepFields(a, b *Step) []FieldChange {
	var f fields
	if a != nil && a.Name != b.Name {
		f.text("name", &a.Name, &b.Name)
	}
	f.text("action", opt(a, (*Step).Action), opt(b, (*Step).Action))
	f.names("environments", opt(a, func(s *Step) []string { return s.Environments }), &b.Environments, true)
	f.names("excluded_environments", opt(a, func(s *Step) []string { return s.ExcludedEnvironments }), &b.ExcludedEnvironments, true)
	f.names("tenant_tags", opt(a, func(s *Step) []string { return s.TenantTags }), &b.TenantTags, true)
	f.text("condition", opt(a, func(s *Step) string { return s.Condition }), &b.Condition)
	f.text("condition_expression", opt(a, func(s *Step) string { return s.ConditionExpression }), &b.ConditionExpression)
	f.flag("required", opt(a, func(s *Step) bool { return s.Required }), &b.Required)
	f.flag("disabled", opt(a, func(s *Step) bool { return s.Disabled }), &b.Disabled)
	f.text("timeout", opt(a, func(s *Step) string { return s.Timeout }), &b.Timeout)

	var ar, br *RunScript
	var ad, bd *DeployPackage
	var am, bm *ManualIntervention
	if a != nil {
		ar, ad, am = a.RunScript, a.DeployPackage, a.ManualIntervention
	}
	br, bd, bm = b.RunScript, b.DeployPackage, b.ManualIntervention

	f.text("syntax", opt(ar, func(r *RunScript) string { return r.Syntax }), opt(br, func(r *RunScript) string { return r.Syntax }))
	f.text("body", opt(ar, func(r *RunScript) string { return r.Body }), opt(br, func(r *RunScript) string { return r.Body }))
	f.names("packages", opt(ar, func(r *RunScript) []string { return r.Packages }), opt(br, func(r *RunScript) []string { return r.Packages }), true)
	pkg := func(d *DeployPackage) string { return d.Package }
	f.text("package", opt(ad, pkg), opt(bd, pkg))
	f.text("destination", opt(ad, func(d *DeployPackage) string { return d.Destination }), opt(bd, func(d *DeployPackage) string { return d.Destination }))
	f.names("substitute", opt(ad, func(d *DeployPackage) []string { return d.Substitute }), opt(bd, func(d *DeployPackage) []string { return d.Substitute }), false)
	f.text("instructions", opt(am, func(m *ManualIntervention) string { return m.Instructions }), opt(bm, func(m *ManualIntervention) string { return m.Instructions }))
	return f
}

// opt returns get(p), or nil when p is nil: an attribute of something
// that is absent.
func opt[T, V any](p *T, get func(*T) V) *V {
	if p == nil {
		return nil
	}
	v := get(p)
	return &v
}

// fields collects FieldChanges. Absent and zero are the same to it: an
// attribute that goes from absent to "" or false is not reported.
type fields []FieldChange

// text adds a string attribute if it differs. Names are compared exactly
// too: a name whose case changed means the same thing, but shows otherwise.
func (f *fields) text(name string, old, cur *string) {
	o, c := deref(old), deref(cur)
	if o == c {
		return
	}
	fc := FieldChange{Field: name}
	if strings.Contains(o, "\n") || strings.Contains(c, "\n") {
		fc.Lines = lineDiff(o, c)
	} else {
		fc.Old, fc.New = anyOf(old), anyOf(cur)
	}
	*f = append(*f, fc)
}

func (f *fields) flag(name string, old, cur *bool) {
	if deref(old) == deref(cur) {
		return
	}
	*f = append(*f, FieldChange{Field: name, Old: anyOf(old), New: anyOf(cur)})
}

// names adds a list attribute if it differs as a set: case-insensitively
// for names, exactly for patterns.
func (f *fields) names(name string, old, cur *[]string, folded bool) {
	if sameSet(deref(old), deref(cur), folded) {
		return
	}
	fc := FieldChange{Field: name}
	if old != nil {
		fc.Old = nonNil(*old)
	}
	if cur != nil {
		fc.New = nonNil(*cur)
	}
	*f = append(*f, fc)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// anyOf returns *p, or an untyped nil for an absent attribute.
func anyOf[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func sameSet(a, b []string, folded bool) bool {
	canon := func(l []string) []string {
		out := make([]string, 0, len(l))
		for _, s := range l {
			if folded {
				s = fold(s)
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(canon(a), canon(b))
}

func comparePackages(a, b []PackageRef) []PackageChange {
	id := func(p PackageRef) string { return fold(p.ID) }
	inB, inA := match(keys(a, id), keys(b, id))
	out := []PackageChange{}
	for j := range b {
		n := b[j]
		switch i := inA[j]; {
		case i < 0:
			out = append(out, PackageChange{Kind: Added, ID: n.ID, New: &n})
		case a[i] != n:
			o := a[i]
			out = append(out, PackageChange{Kind: Changed, ID: n.ID, Old: &o, New: &n})
		}
	}
	for i := range a {
		if inB[i] < 0 {
			o := a[i]
			out = append(out, PackageChange{Kind: Removed, ID: o.ID, Old: &o})
		}
	}
	return out
}

// canonicalScope returns s with each dimension's names sorted
// case-insensitively, and the key that identifies it: the same scope
// written in another order or case has the same key.
func canonicalScope(s Scope) (Scope, string) {
	var key strings.Builder
	dim := func(names []string) []string {
		if len(names) == 0 {
			key.WriteString("\x00")
			return nil
		}
		out := slices.Clone(names)
		slices.SortStableFunc(out, func(x, y string) int { return strings.Compare(fold(x), fold(y)) })
		folded := make([]string, 0, len(out))
		for _, n := range out {
			if len(folded) == 0 || folded[len(folded)-1] != fold(n) {
				folded = append(folded, fold(n))
			}
		}
		key.WriteString(strings.Join(folded, "\x01") + "\x00")
		return out
	}
	c := Scope{
		Environment: dim(s.Environment),
		Tenant:      dim(s.Tenant),
		TenantTag:   dim(s.TenantTag),
		Step:        dim(s.Step),
		Channel:     dim(s.Channel),
	}
	return c, key.String()
}

func compareVariables(a, b []Variable) []VariableChange {
	name := func(v Variable) string { return fold(v.Name) }
	inB, inA := match(keys(a, name), keys(b, name))
	out := []VariableChange{}
	for j := range b {
		var old *Variable
		if i := inA[j]; i >= 0 {
			old = &a[i]
		}
		if c, ok := compareVariable(old, &b[j]); ok {
			out = append(out, c)
		}
	}
	for i := range a {
		if inB[i] < 0 {
			c, _ := compareVariable(&a[i], nil)
			out = append(out, c)
		}
	}
	return out
}

// compareVariable compares one variable; a or b is nil where it is absent.
func compareVariable(a, b *Variable) (VariableChange, bool) {
	c := VariableChange{Kind: Changed}
	var av, bv []Value
	switch {
	case a == nil:
		c.Kind, c.Name, c.Sensitive, bv = Added, b.Name, b.Sensitive, b.Values
	case b == nil:
		c.Kind, c.Name, c.Sensitive, av = Removed, a.Name, a.Sensitive, a.Values
	default:
		c.Name, c.Sensitive, av, bv = b.Name, a.Sensitive || b.Sensitive, a.Values, b.Values
		var f fields
		if a.Name != b.Name {
			f.text("name", &a.Name, &b.Name)
		}
		f.text("description", &a.Description, &b.Description)
		f.flag("sensitive", &a.Sensitive, &b.Sensitive)
		c.Fields = f
	}
	c.Values = compareValues(av, bv, c.Sensitive)
	return c, c.Kind != Changed || len(c.Fields) > 0 || len(c.Values) > 0
}

func compareValues(a, b []Value, sensitive bool) []ValueChange {
	scopeKey := func(v Value) string { _, k := canonicalScope(v.Scope); return k }
	inB, inA := match(keys(a, scopeKey), keys(b, scopeKey))
	shown := func(s string) *string {
		if sensitive {
			return nil
		}
		return &s
	}
	var out []ValueChange
	for j, v := range b {
		scope, _ := canonicalScope(v.Scope)
		i := inA[j]
		switch {
		case i < 0:
			out = append(out, ValueChange{Kind: Added, Scope: scope, New: shown(v.Value)})
		case a[i].Value != v.Value:
			vc := ValueChange{Kind: Changed, Scope: scope}
			if !sensitive && (strings.Contains(a[i].Value, "\n") || strings.Contains(v.Value, "\n")) {
				vc.Lines = lineDiff(a[i].Value, v.Value)
			} else {
				vc.Old, vc.New = shown(a[i].Value), shown(v.Value)
			}
			out = append(out, vc)
		}
	}
	for i, v := range a {
		if inB[i] < 0 {
			scope, _ := canonicalScope(v.Scope)
			out = append(out, ValueChange{Kind: Removed, Scope: scope, Old: shown(v.Value)})
		}
	}
	return out
}

func compareTemplates(a, b []Template) []TemplateChange {
	name := func(t Template) string { return fold(t.Name) }
	inB, inA := match(keys(a, name), keys(b, name))
	out := []TemplateChange{}
	for j := range b {
		var old *Template
		if i := inA[j]; i >= 0 {
			old = &a[i]
		}
		fs := templateFields(old, &b[j])
		switch {
		case old == nil:
			out = append(out, TemplateChange{Kind: Added, Name: b[j].Name, Fields: fs})
		case len(fs) > 0:
			out = append(out, TemplateChange{Kind: Changed, Name: b[j].Name, Fields: fs})
		}
	}
	for i := range a {
		if inB[i] < 0 {
			out = append(out, TemplateChange{Kind: Removed, Name: a[i].Name})
		}
	}
	return out
}

// templateFields lists the attributes of b that differ from a's; a is nil
// for an added template. The default of a template that is sensitive on
// either side is a ciphertext: it is compared, never shown.
func templateFields(a, b *Template) []FieldChange {
	var f fields
	if a != nil && a.Name != b.Name {
		f.text("name", &a.Name, &b.Name)
	}
	f.text("label", opt(a, func(t *Template) string { return t.Label }), &b.Label)
	f.text("help", opt(a, func(t *Template) string { return t.Help }), &b.Help)
	f.text("type", opt(a, func(t *Template) string { return t.Type }), &b.Type)

	var ad *string
	if a != nil {
		ad = a.Default
	}
	switch {
	case (ad == nil) == (b.Default == nil) && (ad == nil || *ad == *b.Default):
	case (a != nil && a.Type == "sensitive") || b.Type == "sensitive":
		f = append(f, FieldChange{Field: "default", Sensitive: true})
	case strings.Contains(deref(ad), "\n") || strings.Contains(deref(b.Default), "\n"):
		f = append(f, FieldChange{Field: "default", Lines: lineDiff(deref(ad), deref(b.Default))})
	default:
		// nil (no default) and "" differ here: both are shown.
		f = append(f, FieldChange{Field: "default", Old: anyOf(ad), New: anyOf(b.Default)})
	}

	var ao []Option
	if a != nil {
		ao = a.Options
	}
	if !slices.Equal(ao, b.Options) {
		fc := FieldChange{Field: "options", New: nonNilOptions(b.Options)}
		if a != nil {
			fc.Old = nonNilOptions(ao)
		}
		f = append(f, fc)
	}
	f.text("per", opt(a, func(t *Template) string { return t.Per }), &b.Per)
	f.flag("required", opt(a, func(t *Template) bool { return t.Required }), &b.Required)
	return f
}

func nonNilOptions(o []Option) []Option {
	if o == nil {
		return []Option{}
	}
	return o
}
