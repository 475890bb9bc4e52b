package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// named is one declaration for duplicate detection.
type named struct {
	kind    string // what is declared, as a person says it: "environment"
	name    string // compared ignoring case
	display string // how to show the name; the quoted name when empty
	where   hcl.Range
}

func (n named) shown() string {
	if n.display != "" {
		return n.display
	}
	return fmt.Sprintf("%q", n.name)
}

// duplicates reports every declaration whose name, ignoring case, was
// declared before it in the same namespace.
func duplicates(namespace string, decls []named) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]named{}
	for _, d := range decls {
		first, dup := seen[fold(d.name)]
		if !dup {
			seen[fold(d.name)] = d
			continue
		}
		rng := d.where
		more := ""
		if first.kind != d.kind {
			more += fmt.Sprintf(" %ss and %ss share one set of names.", capitalise(first.kind), d.kind)
		}
		if first.name != d.name {
			more += fmt.Sprintf(" Names are matched ignoring case, as they are across Spaces, so %s and %s are the same name.", first.shown(), d.shown())
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Duplicate %s %s", d.kind, d.shown()),
			Detail:   fmt.Sprintf("%s already declares %s %s%s.%s", shortRange(first.where), first.kind, first.shown(), namespace, more),
			Subject:  &rng,
		})
	}
	return diags
}

func declsOf[T any](kind string, items []T, f func(T) (string, hcl.Range)) []named {
	out := make([]named, 0, len(items))
	for _, it := range items {
		n, r := f(it)
		out = append(out, named{kind: kind, name: n, where: r})
	}
	return out
}

// assemble reports what is wrong with the Space as a whole: a missing or
// repeated space block, a repeated store block, and names declared twice.
func assemble(s *Space) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if s.Space == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No space block",
			Detail:   "A Space declares its name in a space block at its top, conventionally in space.hcl:\n\n  space \"devtest\" {}\n\n`zonectl init NAME` creates a new Space with one.",
		})
	}
	for _, extra := range s.extraSpaces {
		rng := extra.DeclRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "More than one space block",
			Detail:   fmt.Sprintf("This Space is already named %q at %s; a Space has exactly one space block.", s.Space.Name, shortRange(s.Space.DeclRange)),
			Subject:  &rng,
		})
	}

	for _, extra := range s.extraStores {
		rng := extra.DeclRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "More than one store block",
			Detail:   fmt.Sprintf("%s already says where this Space's package store is; a Space has at most one store block.", shortRange(s.Store.DeclRange)),
			Subject:  &rng,
		})
	}

	envs := declsOf("environment", s.Environments, func(e *Environment) (string, hcl.Range) { return e.Name, e.DeclRange })
	envs = append(envs, declsOf("remote environment", s.RemoteEnvironments, func(e *RemoteEnvironment) (string, hcl.Range) { return e.Name, e.DeclRange })...)
	// The two kinds are collected apart; the first declared in the files
	// is the one a duplicate is reported against.
	sort.SliceStable(envs, func(i, j int) bool { return before(envs[i].where, envs[j].where) })
	diags = append(diags, duplicates("", envs)...)
	diags = append(diags, duplicates("", declsOf("peer", s.Peers, func(p *Peer) (string, hcl.Range) { return p.Name, p.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("lifecycle", s.Lifecycles, func(l *Lifecycle) (string, hcl.Range) { return l.Name, l.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("tag set", s.TagSets, func(t *TagSet) (string, hcl.Range) { return t.Name, t.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("feed", s.Feeds, func(f *Feed) (string, hcl.Range) { return f.Name, f.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("tenant", s.Tenants, func(t *Tenant) (string, hcl.Range) { return t.Name, t.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("project", s.Projects, func(p *Project) (string, hcl.Range) { return p.Name, p.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("imported project", s.Imports, func(i *Import) (string, hcl.Range) { return i.Project, i.DeclRange }))...)

	for _, l := range s.Lifecycles {
		in := fmt.Sprintf(" in lifecycle %q", l.Name)
		diags = append(diags, duplicates(in, declsOf("phase", l.Phases, func(p *Phase) (string, hcl.Range) { return p.Name, p.DeclRange }))...)
	}
	for _, t := range s.TagSets {
		in := fmt.Sprintf(" in tag set %q", t.Name)
		diags = append(diags, duplicates(in, declsOf("tag", t.Tags, func(r Ref) (string, hcl.Range) { return r.Name, r.Range }))...)
	}
	for _, t := range s.Tenants {
		in := fmt.Sprintf(" in tenant %q", t.Name)
		diags = append(diags, duplicates(in, declsOf("project connection", t.Projects, func(p *TenantProject) (string, hcl.Range) { return p.Project, p.DeclRange }))...)
	}
	for _, p := range s.Projects {
		in := fmt.Sprintf(" in project %q", p.Name)
		diags = append(diags, duplicates(in, declsOf("package", p.Packages, func(k *Package) (string, hcl.Range) { return k.ID, k.DeclRange }))...)
		diags = append(diags, duplicates(in, declsOf("step", p.Steps, func(st *Step) (string, hcl.Range) { return st.Name, st.DeclRange }))...)
		diags = append(diags, duplicates(in, declsOf("variable", p.Variables, func(v *Variable) (string, hcl.Range) { return v.Name, v.DeclRange }))...)
		diags = append(diags, duplicates(in, declsOf("variable template", p.Templates, func(t *VariableTemplate) (string, hcl.Range) { return t.Name, t.DeclRange }))...)
	}
	for _, im := range s.Imports {
		in := fmt.Sprintf(" for imported project %q", im.Project)
		var decls []named
		for _, tv := range im.TemplateValues {
			decls = append(decls, named{
				kind:    "template value",
				name:    tv.Name + "\x00" + tv.Environment.Name + "\x00" + tv.Tenant.Name,
				display: templateValueWords(tv),
				where:   tv.DeclRange,
			})
		}
		diags = append(diags, duplicates(in, decls)...)
	}
	return diags
}

// before orders ranges by file, then position.
func before(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// templateValueWords names a template value by what it is the value for.
func templateValueWords(tv *TemplateValue) string {
	s := fmt.Sprintf("%q", tv.Name)
	switch {
	case tv.Environment.Name != "" && tv.Tenant.Name != "":
		s += fmt.Sprintf(" for tenant %q in environment %q", tv.Tenant.Name, tv.Environment.Name)
	case tv.Environment.Name != "":
		s += fmt.Sprintf(" for environment %q", tv.Environment.Name)
	case tv.Tenant.Name != "":
		s += fmt.Sprintf(" for tenant %q", tv.Tenant.Name)
	}
	return s
}
