package config

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/internal/extract"
)

func (c *checker) project(p *Project) {
	by := fmt.Sprintf("Project %q", p.Name)
	if p.Lifecycle.Name != "" && c.s.Lifecycle(p.Lifecycle.Name) == nil {
		c.unknownLifecycle(p.Lifecycle, by)
	}
	var packages []string
	for _, pk := range p.Packages {
		packages = append(packages, pk.ID)
		c.packageFeed(pk)
	}
	for _, st := range p.Steps {
		c.step(p, st, packages)
	}
	for _, v := range p.Variables {
		c.variable(p, v)
	}
}

// packageFeed checks that the feed a package names is declared.
func (c *checker) packageFeed(pk *Package) {
	if pk.Feed == "" || c.s.Feed(pk.Feed) != nil {
		return
	}
	var known []string
	for _, f := range c.s.Feeds {
		known = append(known, f.Name)
	}
	hint := fmt.Sprintf(" This Space declares no feed; declare one in a file at its top, such as:\n\n  feed %q {\n    type = \"oci\"\n    url  = \"oci://registry.example.com/acme\"\n  }", pk.Feed)
	if len(known) > 0 {
		hint = fmt.Sprintf("%s The feeds declared are %s.", didYouMean(pk.Feed, known), quoteList(known))
	}
	c.errorf(pk.FeedRange, "Unknown feed", "Package %q names feed %q, which is not declared in this Space.%s", pk.ID, pk.Feed, hint)
}

func (c *checker) packageRef(p *Project, r Ref, by string, known []string) {
	if p.Package(r.Name) == nil {
		c.unknownIn(r, "package", by, fmt.Sprintf("project %q", p.Name), known, fmt.Sprintf("Declare it in %s/ with a package block: package %q {}.", p.Dir, r.Name))
	}
}

func (c *checker) step(p *Project, st *Step, packages []string) {
	by := fmt.Sprintf("Step %q", st.Name)
	c.environments(st.Environments, by, false)
	c.environments(st.ExcludedEnvironments, by, false)
	for _, r := range st.ExcludedEnvironments {
		if shareName([]Ref{r}, st.Environments) {
			c.errorf(r.Range, "Environment both included and excluded", "%s lists %q in both environments and excluded_environments.", by, r.Name)
		}
	}
	c.tags(st.TenantTags, by)
	if st.RunScript != nil {
		for _, r := range st.RunScript.Packages {
			c.packageRef(p, r, by, packages)
		}
	}
	if dp := st.DeployPackage; dp != nil {
		if dp.Package.Name != "" {
			c.packageRef(p, dp.Package, by, packages)
		}
		for _, g := range dp.Substitute {
			// The rule deploy applies, so that validate refuses what a
			// deployment would ("../x", "/etc/*", "a//b").
			if err := extract.CheckPattern(g.Name); err != nil {
				hint := ""
				if !strings.Contains(err.Error(), "inside the package") {
					hint = " A pattern is a path inside the package, such as \"config/*.json\"."
				}
				c.errorf(g.Range, "Invalid substitute pattern", "%s: %s.%s", by, err, hint)
			}
		}
	}
	if st.Required && st.Disabled {
		c.warnf(st.DeclRange, "Required step is disabled", "%s is required and disabled; it will never run.", by)
	}
}

func (c *checker) variable(p *Project, v *Variable) {
	by := fmt.Sprintf("A value of variable %q", v.Name)
	var steps []string
	for _, st := range p.Steps {
		steps = append(steps, st.Name)
	}
	for _, val := range v.Values {
		sc := val.Scope
		c.environments(sc.Environments, by, false)
		for _, r := range sc.Tenants {
			if c.s.Tenant(r.Name) == nil {
				var known []string
				for _, t := range c.s.Tenants {
					known = append(known, t.Name)
				}
				c.unknown(r, "tenant", by, known, "Declare it with a tenant block.")
			}
		}
		c.tags(sc.TenantTags, by)
		for _, r := range sc.Steps {
			if p.Step(r.Name) == nil {
				c.unknownIn(r, "step", by, fmt.Sprintf("project %q", p.Name), steps, fmt.Sprintf("Steps are declared in %s/.", p.Dir))
			}
		}
		if v.Sensitive && !val.Encrypted() {
			rng := val.LabelRange
			c.diags = append(c.diags, sensitivePlainText(v.Name, rng))
		}
	}
	c.ties(v)
}

// ties reports two values of one variable that a deployment could match
// with the same specificity: Octopus leaves the winner undefined, so we
// refuse the configuration instead of picking one.
func (c *checker) ties(v *Variable) {
	for i, a := range v.Values {
		for _, b := range v.Values[:i] {
			if a.Scope.Specificity() != b.Scope.Specificity() || !a.Scope.Overlaps(b.Scope, c.tagsOverlap) {
				continue
			}
			if a.Value == b.Value && !v.Sensitive {
				c.warnf(a.DeclRange, "Duplicate variable value", "Variable %q has this value twice for an overlapping scope (first at %s); remove one.", v.Name, shortRange(b.DeclRange))
				continue
			}
			c.errorf(a.DeclRange, "Variable values tie", "Variable %q has two values that a deployment could match equally well (the other at %s, %s). Octopus would pick one at random; make one scope more specific or make the scopes disjoint.", v.Name, shortRange(b.DeclRange), scopeWords(b.Scope))
		}
	}
}

// tagsOverlap reports whether one tenant could match the tenant tags of
// both scopes: a tenant of this Space that carries a tag of each and that
// both scopes' tenant lists (where they have one) admit. Two lists sharing
// a tag overlap whenever no tenant list rules every tenant out, since a
// tenant may be given that tag later.
func (c *checker) tagsOverlap(a, b Scope) bool {
	admits := func(s Scope, t *Tenant) bool {
		return len(s.Tenants) == 0 || shareName(s.Tenants, []Ref{{Name: t.Name}})
	}
	if shareName(a.TenantTags, b.TenantTags) && len(a.Tenants) == 0 && len(b.Tenants) == 0 {
		return true
	}
	for _, t := range c.s.Tenants {
		if admits(a, t) && admits(b, t) && tenantHasAny(t, a.TenantTags) && tenantHasAny(t, b.TenantTags) {
			return true
		}
	}
	return false
}

func tenantHasAny(t *Tenant, tags []Ref) bool {
	for _, r := range tags {
		if t.HasTag(r.Name) {
			return true
		}
	}
	return false
}

func scopeWords(s Scope) string {
	out := ""
	for _, dim := range Dimensions {
		if refs := s.Dim(dim); len(refs) > 0 {
			if out != "" {
				out += " and "
			}
			out += dim + " " + quoteList(Names(refs))
		}
	}
	if out == "" {
		return "unscoped"
	}
	return "scoped to " + out
}
