package config

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// Space is a whole Space's configuration, assembled from its files.
type Space struct {
	Space              *SpaceBlock
	Peers              []*Peer
	Environments       []*Environment
	RemoteEnvironments []*RemoteEnvironment
	Lifecycles         []*Lifecycle
	TagSets            []*TagSet
	Tenants            []*Tenant
	Feeds              []*Feed
	Store              *StoreBlock // nil when the Space has no store block
	Projects           []*Project
	Imports            []*Import

	// Files holds every parsed file by name, for showing source lines
	// beside diagnostics.
	Files map[string]*hcl.File

	extraSpaces []*SpaceBlock // more space blocks than the one allowed
	extraStores []*StoreBlock // more store blocks than the one allowed
	// partial is set on a Space loaded for one project (LoadProject): the
	// other projects were not read, so what names them is not checked.
	partial bool
}

// Partial reports whether only part of the Space was read (LoadProject).
func (s *Space) Partial() bool { return s.partial }

// Name returns the Space's name, or "" when it has no space block.
func (s *Space) Name() string {
	if s.Space == nil {
		return ""
	}
	return s.Space.Name
}

func find[T any](items []T, name string, nameOf func(T) string) T {
	var zero T
	for _, it := range items {
		if fold(nameOf(it)) == fold(name) {
			return it
		}
	}
	return zero
}

// Peer returns the peer named name, or nil.
func (s *Space) Peer(name string) *Peer {
	return find(s.Peers, name, func(p *Peer) string { return p.Name })
}

// Environment returns the local environment named name, or nil.
func (s *Space) Environment(name string) *Environment {
	return find(s.Environments, name, func(e *Environment) string { return e.Name })
}

// RemoteEnvironment returns the remote environment named name, or nil.
func (s *Space) RemoteEnvironment(name string) *RemoteEnvironment {
	return find(s.RemoteEnvironments, name, func(e *RemoteEnvironment) string { return e.Name })
}

// Lifecycle returns the lifecycle named name, or nil.
func (s *Space) Lifecycle(name string) *Lifecycle {
	return find(s.Lifecycles, name, func(l *Lifecycle) string { return l.Name })
}

// TagSet returns the tag set named name, or nil.
func (s *Space) TagSet(name string) *TagSet {
	return find(s.TagSets, name, func(t *TagSet) string { return t.Name })
}

// Tenant returns the tenant named name, or nil.
func (s *Space) Tenant(name string) *Tenant {
	return find(s.Tenants, name, func(t *Tenant) string { return t.Name })
}

// Feed returns the feed named name, or nil.
func (s *Space) Feed(name string) *Feed {
	return find(s.Feeds, name, func(f *Feed) string { return f.Name })
}

// Project returns the local project named name, or nil.
func (s *Space) Project(name string) *Project {
	return find(s.Projects, name, func(p *Project) string { return p.Name })
}

// Import returns the binding of the imported project named name, or nil.
func (s *Space) Import(project string) *Import {
	return find(s.Imports, project, func(i *Import) string { return i.Project })
}

// EnvironmentNames lists local then remote environment names, in
// declaration order.
func (s *Space) EnvironmentNames() []string {
	var out []string
	for _, e := range s.Environments {
		out = append(out, e.Name)
	}
	for _, e := range s.RemoteEnvironments {
		out = append(out, e.Name)
	}
	return out
}

// ProjectNames lists local and imported project names.
func (s *Space) ProjectNames() []string {
	var out []string
	for _, p := range s.Projects {
		out = append(out, p.Name)
	}
	for _, im := range s.Imports {
		out = append(out, im.Project)
	}
	return out
}

// sortDiagnostics orders diagnostics by file and position; those without a
// subject come first, as they concern the Space as a whole.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
}
