package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// SensitiveSubject marks a diagnostic whose subject is a secret written in
// plain text: whoever shows the source line must mask the subject.
type SensitiveSubject struct{}

// checker runs the static checks of a Space's references and rules.
type checker struct {
	s     *Space
	diags hcl.Diagnostics
}

func check(s *Space) hcl.Diagnostics {
	c := &checker{s: s}
	c.peers()
	c.remoteEnvironments()
	c.lifecycles()
	c.tagSets()
	c.tenants()
	for _, p := range s.Projects {
		c.project(p)
	}
	for _, im := range s.Imports {
		c.importBinding(im)
	}
	return c.diags
}

func (c *checker) report(sev hcl.DiagnosticSeverity, rng hcl.Range, summary, format string, args ...any) {
	r := rng
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: sev, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: &r})
}

func (c *checker) errorf(rng hcl.Range, summary, format string, args ...any) {
	c.report(hcl.DiagError, rng, summary, format, args...)
}

func (c *checker) warnf(rng hcl.Range, summary, format string, args ...any) {
	c.report(hcl.DiagWarning, rng, summary, format, args...)
}

// unknown reports a reference to something that is not declared in this
// Space, with the nearest declared name as a hint and how to declare one.
func (c *checker) unknown(r Ref, kind, by string, known []string, howTo string) {
	c.unknownIn(r, kind, by, "this Space", known, howTo)
}

// unknownIn is unknown for what is declared in a narrower place than the
// Space, such as one project.
func (c *checker) unknownIn(r Ref, kind, by, where string, known []string, howTo string) {
	hint := didYouMean(r.Name, known)
	if hint == "" && howTo != "" {
		hint = " " + howTo
	}
	c.errorf(r.Range, "Unknown "+kind, "%s names %s %q, which is not declared in %s.%s", by, kind, r.Name, where, hint)
}

// environment checks a reference to an environment; remote environments
// count unless localOnly.
func (c *checker) environment(r Ref, by string, localOnly bool) {
	if c.s.Environment(r.Name) != nil {
		return
	}
	if re := c.s.RemoteEnvironment(r.Name); re != nil {
		if localOnly {
			c.errorf(r.Range, "Remote environment not allowed here", "%s names %q, a remote environment owned by Space %q; only this Space's own environments belong here.", by, r.Name, re.Space.Name)
		}
		return
	}
	known, howTo := c.s.EnvironmentNames(), "Declare it with an environment block, or with a remote_environment block if another Space owns it."
	if localOnly {
		known, howTo = nil, "Declare it with an environment block."
		for _, e := range c.s.Environments {
			known = append(known, e.Name)
		}
	}
	c.unknown(r, "environment", by, known, howTo)
}

func (c *checker) environments(refs []Ref, by string, localOnly bool) {
	for _, r := range refs {
		c.environment(r, by, localOnly)
	}
}

// tag checks a "Set/Tag" reference.
func (c *checker) tag(r Ref, by string) {
	set, tag, ok := SplitTag(r.Name)
	if !ok {
		c.errorf(r.Range, "Invalid tag reference", "%s names tag %q; tags are written \"Set/Tag\", such as \"Tier/Gold\".", by, r.Name)
		return
	}
	ts := c.s.TagSet(set)
	if ts == nil {
		var known []string
		for _, t := range c.s.TagSets {
			known = append(known, t.Name)
		}
		c.unknown(Ref{Name: set, Range: r.Range}, "tag set", by, known, "Declare it with a tag_set block.")
		return
	}
	for _, t := range ts.Tags {
		if t.Is(tag) {
			return
		}
	}
	c.errorf(r.Range, "Unknown tag", "%s names tag %q, but tag set %q has no tag %q (it has %s).%s", by, r.Name, ts.Name, tag, quoteList(Names(ts.Tags)), didYouMean(tag, Names(ts.Tags)))
}

func (c *checker) tags(refs []Ref, by string) {
	for _, r := range refs {
		c.tag(r, by)
	}
}

func (c *checker) peers() {
	for _, p := range c.s.Peers {
		if c.s.Space != nil && fold(p.Name) == fold(c.s.Space.Name) {
			c.errorf(p.DeclRange, "Space is its own peer", "Peer %q has this Space's own name; a peer is another Space this one trusts.", p.Name)
		}
	}
}

func (c *checker) remoteEnvironments() {
	var peers []string
	for _, p := range c.s.Peers {
		peers = append(peers, p.Name)
	}
	for _, re := range c.s.RemoteEnvironments {
		if re.Space.Name == "" {
			continue
		}
		by := fmt.Sprintf("Remote environment %q", re.Name)
		if c.s.Space != nil && fold(re.Space.Name) == fold(c.s.Space.Name) {
			c.errorf(re.Space.Range, "Remote environment of this Space", "%s belongs to this Space itself; declare it with an environment block instead.", by)
			continue
		}
		p := c.s.Peer(re.Space.Name)
		if p == nil {
			hint := didYouMean(re.Space.Name, peers)
			if hint == "" {
				hint = fmt.Sprintf(" Trust it first: zonectl peer add %s --key FILE --accepts receipts.", re.Space.Name)
			}
			c.errorf(re.Space.Range, "Remote environment of an unknown Space", "%s belongs to Space %q, which is not a peer of this Space.%s", by, re.Space.Name, hint)
			continue
		}
		if !p.AcceptsKind(AcceptReceipts) {
			c.warnf(re.Space.Range, "Peer does not send receipts", "%s belongs to peer %q, which this Space does not accept receipts from; deployments there will never show on this Space's dashboard. Add \"receipts\" to the peer's accepts.", by, p.Name)
		}
	}
}

func (c *checker) lifecycles() {
	for _, l := range c.s.Lifecycles {
		inPhase := map[string]*Phase{}
		for _, ph := range l.Phases {
			by := fmt.Sprintf("Phase %q of lifecycle %q", ph.Name, l.Name)
			c.environments(ph.Environments, by, false)
			for _, r := range ph.Environments {
				prev, dup := inPhase[fold(r.Name)]
				switch {
				case dup && prev == ph:
					c.errorf(r.Range, "Environment named twice in a phase", "%s names environment %q twice.", by, r.Name)
				case dup:
					c.errorf(r.Range, "Environment in two phases", "%s names environment %q, which phase %q of the same lifecycle already holds; an environment belongs to one phase.", by, r.Name, prev.Name)
				default:
					inPhase[fold(r.Name)] = ph
				}
			}
			for _, a := range ph.Automatic {
				if len(ph.Environments) > 0 && !shareName([]Ref{a}, ph.Environments) {
					c.errorf(a.Range, "Automatic environment outside its phase", "%s deploys %q automatically, but the phase's environments are %s.", by, a.Name, quoteList(Names(ph.Environments)))
					continue
				}
				if other := phaseNaming(l, a.Name); len(ph.Environments) == 0 && other != nil {
					c.errorf(a.Range, "Automatic environment outside its phase", "%s holds every environment no other phase names, but phase %q names %q.", by, other.Name, a.Name)
					continue
				}
				c.environment(a, by+" (automatic)", true)
			}
			if n := ph.Required.Min; !ph.Required.All && !ph.Required.Optional && len(ph.Environments) > 0 && n > len(ph.Environments) {
				c.errorf(ph.Required.Range, "Phase can never complete", "%s requires %d successful environments but holds only %d.", by, n, len(ph.Environments))
			}
		}
	}
}

// phaseNaming returns the phase of l that lists env, or nil.
func phaseNaming(l *Lifecycle, env string) *Phase {
	for _, ph := range l.Phases {
		if shareName([]Ref{{Name: env}}, ph.Environments) {
			return ph
		}
	}
	return nil
}

func (c *checker) tagSets() {
	for _, ts := range c.s.TagSets {
		for _, t := range ts.Tags {
			if t.Name == "" || containsSlash(t.Name) {
				c.errorf(t.Range, "Invalid tag name", "Tag set %q has tag %q; a tag name is not empty and holds no \"/\" (tags are referred to as \"Set/Tag\").", ts.Name, t.Name)
			}
		}
	}
}

func (c *checker) tenants() {
	for _, t := range c.s.Tenants {
		by := fmt.Sprintf("Tenant %q", t.Name)
		c.tags(t.Tags, by)
		for _, tp := range t.Projects {
			pby := fmt.Sprintf("Tenant %q's connection to project %q", t.Name, tp.Project)
			c.environments(tp.Environments, pby, false)
			if im := c.s.Import(tp.Project); im != nil {
				continue
			}
			p := c.s.Project(tp.Project)
			if p == nil && c.s.partial {
				continue // a project not read
			}
			if p == nil {
				c.unknown(Ref{Name: tp.Project, Range: tp.DeclRange}, "project", by, c.s.ProjectNames(), "")
				continue
			}
			if p.Tenanted == TenantedDisabled {
				c.errorf(tp.DeclRange, "Tenant connected to an untenanted project", "%s connects to project %q, whose tenanted is \"disabled\". Set tenanted = \"allowed\" or \"required\" on the project.", by, p.Name)
			}
		}
	}
}

func (c *checker) importBinding(im *Import) {
	by := fmt.Sprintf("The binding of imported project %q", im.Project)
	if im.From.Name != "" {
		p := c.s.Peer(im.From.Name)
		var peers []string
		for _, pp := range c.s.Peers {
			peers = append(peers, pp.Name)
		}
		switch {
		case p == nil:
			c.unknown(im.From, "peer", by, peers, "Trust the source Space first: zonectl peer add NAME --key FILE --accepts releases.")
		case !p.AcceptsKind(AcceptReleases):
			c.errorf(im.From.Range, "Peer does not send releases", "%s comes from peer %q, which this Space does not accept releases from. Add \"releases\" to the peer's accepts.", by, p.Name)
		}
		if fold(im.From.Name) != fold(im.Source) {
			c.errorf(im.From.Range, "Import in another source's directory", "%s says it comes from %q but lives in imports/%s/; move it to imports/%s/.", by, im.From.Name, im.Source, im.From.Name)
		}
	}
	if im.Lifecycle.Name != "" && c.s.Lifecycle(im.Lifecycle.Name) == nil {
		c.unknownLifecycle(im.Lifecycle, by)
	}
	if p := c.s.Project(im.Project); p != nil {
		c.errorf(p.DeclRange, "Local definition of an imported project", "Project %q is imported from %q (%s); its process and variables belong to that Space, and this one supplies only template values in the binding file. Remove %s/.", p.Name, im.From.Name, im.File, p.Dir)
	}
	for _, tv := range im.TemplateValues {
		tby := fmt.Sprintf("Template value %q", tv.Name)
		if tv.Environment.Name != "" {
			c.environment(tv.Environment, tby, true)
		}
		if tv.Tenant.Name != "" && c.s.Tenant(tv.Tenant.Name) == nil {
			var known []string
			for _, t := range c.s.Tenants {
				known = append(known, t.Name)
			}
			c.unknown(tv.Tenant, "tenant", tby, known, "")
		}
	}
}

func (c *checker) unknownLifecycle(r Ref, by string) {
	var known []string
	for _, l := range c.s.Lifecycles {
		known = append(known, l.Name)
	}
	c.unknown(r, "lifecycle", by, known, "Declare it with a lifecycle block.")
}

func containsSlash(s string) bool { return strings.Contains(s, "/") }
