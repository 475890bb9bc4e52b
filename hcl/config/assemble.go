package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// named is one declaration for duplicate detection.
type named struct {
	kind  string // what is declared, as a person says it: "environment"
	name  string
	where hcl.Range
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
		same := ""
		if first.name != d.name {
			same = fmt.Sprintf(" Names are matched ignoring case, as they are across Spaces, so %q and %q are the same name.", first.name, d.name)
		}
		what := first.kind
		if first.kind != d.kind {
			what = first.kind + " (" + d.kind + "s share its names)"
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Duplicate %s %q", d.kind, d.name),
			Detail:   fmt.Sprintf("%s already declares %s %q%s.%s", shortRange(first.where), what, first.name, namespace, same),
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
// repeated space block, and names declared twice.
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

	envs := declsOf("environment", s.Environments, func(e *Environment) (string, hcl.Range) { return e.Name, e.DeclRange })
	envs = append(envs, declsOf("remote environment", s.RemoteEnvironments, func(e *RemoteEnvironment) (string, hcl.Range) { return e.Name, e.DeclRange })...)
	diags = append(diags, duplicates("", envs)...)
	diags = append(diags, duplicates("", declsOf("peer", s.Peers, func(p *Peer) (string, hcl.Range) { return p.Name, p.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("lifecycle", s.Lifecycles, func(l *Lifecycle) (string, hcl.Range) { return l.Name, l.DeclRange }))...)
	diags = append(diags, duplicates("", declsOf("tag set", s.TagSets, func(t *TagSet) (string, hcl.Range) { return t.Name, t.DeclRange }))...)
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
		diags = append(diags, duplicates(in, declsOf("template value", im.TemplateValues, func(tv *TemplateValue) (string, hcl.Range) {
			return tv.Name + "[" + tv.Environment.Name + "/" + tv.Tenant.Name + "]", tv.DeclRange
		}))...)
	}
	return diags
}
