package ledger

import (
	"slices"
	"strings"
	"time"
)

// The ledger's state is what its events add up to, kept so that reading
// it needs no walk of the history: each ledger commit's tree carries, under
// state/, the state as its parent left it (its own hash cannot be in its
// own tree), and the state at the tip is that plus the tip's event. It is
// a tree of small documents, one per release, per project and for the
// peers, so that an event rewrites the few it changes and a reader reads
// the one it needs.
//
// Every rule is one that gives the same result in any order (a set ordered
// by time then commit, a maximum), so a join of two histories merges
// their states file by file, and a fold of the events in any topological
// order gives what the commits carry.

// ReleaseState is what the ledger says of one release.
type ReleaseState struct {
	// Deployed holds, for each environment and tenant the release was
	// deployed to (DeployedKey), its latest deployment there and its
	// latest success: what the lifecycle rules and a resumed deployment
	// read, however often it was deployed.
	Deployed map[string]*Deployed `json:"deployed,omitempty"`
	// Promotions is the last revision promoted to each target (lower
	// case).
	Promotions map[string]int `json:"promotions,omitempty"`
	// Imported is its last import, for a release from another Space.
	Imported *ImportState `json:"imported,omitempty"`
}

// Deployed is a release's latest deployment to one environment and
// tenant, and its latest success there.
type Deployed struct {
	Latest  Mark  `json:"latest"`
	Success *Mark `json:"success,omitempty"`
}

// DeployedKey is the key of an environment and tenant in
// ReleaseState.Deployed.
func DeployedKey(env, tenant string) string {
	return strings.ToLower(env) + "\x00" + strings.ToLower(tenant)
}

func (d *Deployed) add(o Deployed) {
	if o.Latest.after(d.Latest) {
		d.Latest = o.Latest
	}
	if o.Success != nil && (d.Success == nil || o.Success.after(*d.Success)) {
		m := *o.Success
		d.Success = &m
	}
}

// A Mark is an event in the ledger: its commit and time.
type Mark struct {
	Commit string    `json:"commit"`
	Time   time.Time `json:"time"`
}

func (m Mark) after(o Mark) bool {
	return m.Time.After(o.Time) || m.Time.Equal(o.Time) && m.Commit > o.Commit
}

// ImportState is an import: the event's release and what it recorded.
type ImportState struct {
	Mark
	Project string       `json:"project"`
	Version string       `json:"version"`
	Release string       `json:"release"`
	Record  ImportRecord `json:"record"`
}

// ProjectState is what the dashboard shows of a project.
type ProjectState struct {
	// Environments holds, per environment (lower case), the latest
	// deployment and the latest successes of the two latest versions.
	Environments map[string]*EnvironmentState `json:"environments,omitempty"`
	// Promoted is the latest promotion to each target (lower case).
	Promoted map[string]Latest `json:"promoted,omitempty"`
}

// EnvironmentState is an environment's latest deployments of a project.
type EnvironmentState struct {
	Current   Latest   `json:"current"`
	Successes []Latest `json:"successes,omitempty"` // newest first, at most two versions
}

// Latest is a deployment or a promotion, as the dashboard shows it.
type Latest struct {
	Mark
	ID       string    `json:"id,omitempty"`
	Version  string    `json:"version"`
	Tenant   string    `json:"tenant,omitempty"`
	State    string    `json:"state,omitempty"`
	Finished time.Time `json:"finished"`
}

// PeersState is the sequence numbers exchanged with peers.
type PeersState struct {
	// Sent is the last sequence number promoted to each target (lower
	// case).
	Sent map[string]uint64 `json:"sent,omitempty"`
	// Imported is the last import from each source (lower case).
	Imported map[string]*ImportState `json:"imported,omitempty"`
}

// applyRelease adds ev, recorded at m, to the state of its release.
func (s *ReleaseState) apply(ev Event, m Mark) {
	switch {
	case ev.Type == Deployment && ev.Deployment != nil:
		d := Deployed{Latest: m}
		if ev.Deployment.State == StateSuccess {
			d.Success = &m
		}
		s.addDeployed(DeployedKey(ev.Deployment.Environment, ev.Deployment.Tenant), d)
	case ev.Type == Promotion && ev.Promotion != nil:
		if s.Promotions == nil {
			s.Promotions = map[string]int{}
		}
		t := strings.ToLower(ev.Promotion.Target)
		s.Promotions[t] = max(s.Promotions[t], ev.Promotion.Revision)
	case ev.Type == Import && ev.Import != nil:
		s.Imported = laterImport(s.Imported, importState(ev, m))
	}
}

func (s *ReleaseState) addDeployed(key string, d Deployed) {
	if s.Deployed == nil {
		s.Deployed = map[string]*Deployed{}
	}
	if have := s.Deployed[key]; have != nil {
		have.add(d)
		return
	}
	s.Deployed[key] = &d
}

func (s *ReleaseState) merge(o *ReleaseState) {
	for key, d := range o.Deployed {
		s.addDeployed(key, *d)
	}
	for t, r := range o.Promotions {
		if s.Promotions == nil {
			s.Promotions = map[string]int{}
		}
		s.Promotions[t] = max(s.Promotions[t], r)
	}
	s.Imported = laterImport(s.Imported, o.Imported)
}

func importState(ev Event, m Mark) *ImportState {
	return &ImportState{Mark: m, Project: ev.Project, Version: ev.Version, Release: ev.Release, Record: *ev.Import}
}

// laterImport is the import with the higher sequence number, then the
// later one.
func laterImport(a, b *ImportState) *ImportState {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case b.Record.Sequence != a.Record.Sequence:
		if b.Record.Sequence > a.Record.Sequence {
			return b
		}
		return a
	case b.after(a.Mark):
		return b
	}
	return a
}

func (s *ProjectState) apply(ev Event, m Mark) {
	switch {
	case ev.Type == Deployment && ev.Deployment != nil:
		d := ev.Deployment
		s.addDeployment(strings.ToLower(d.Environment), Latest{Mark: m, ID: d.ID, Version: ev.Version, Tenant: d.Tenant, State: d.State, Finished: d.Finished})
	case ev.Type == Promotion && ev.Promotion != nil:
		s.addPromotion(strings.ToLower(ev.Promotion.Target), Latest{Mark: m, Version: ev.Version, Finished: ev.Time})
	}
}

func (s *ProjectState) merge(o *ProjectState) {
	for env, e := range o.Environments {
		s.addDeployment(env, e.Current)
		for _, d := range e.Successes {
			s.addDeployment(env, d)
		}
	}
	for t, p := range o.Promoted {
		s.addPromotion(t, p)
	}
}

func (s *ProjectState) addDeployment(env string, d Latest) {
	if s.Environments == nil {
		s.Environments = map[string]*EnvironmentState{}
	}
	e := s.Environments[env]
	if e == nil {
		e = &EnvironmentState{Current: d}
		s.Environments[env] = e
	} else if d.after(e.Current.Mark) {
		e.Current = d
	}
	if d.State == StateSuccess {
		e.Successes = addSuccess(e.Successes, d)
	}
}

// addSuccess keeps the latest success of each of the two latest
// versions, newest first.
func addSuccess(list []Latest, d Latest) []Latest {
	for i, s := range list {
		if s.Version == d.Version {
			if !d.after(s.Mark) {
				return list
			}
			list = slices.Delete(slices.Clone(list), i, i+1)
			break
		}
	}
	i := 0
	for i < len(list) && list[i].after(d.Mark) {
		i++
	}
	list = slices.Insert(slices.Clone(list), i, d)
	if len(list) > 2 {
		list = list[:2]
	}
	return list
}

func (s *ProjectState) addPromotion(target string, p Latest) {
	if s.Promoted == nil {
		s.Promoted = map[string]Latest{}
	}
	if have, ok := s.Promoted[target]; !ok || p.after(have.Mark) {
		s.Promoted[target] = p
	}
}

func (s *PeersState) apply(ev Event, m Mark) {
	switch {
	case ev.Type == Promotion && ev.Promotion != nil:
		if s.Sent == nil {
			s.Sent = map[string]uint64{}
		}
		t := strings.ToLower(ev.Promotion.Target)
		s.Sent[t] = max(s.Sent[t], ev.Promotion.Sequence)
	case ev.Type == Import && ev.Import != nil:
		if s.Imported == nil {
			s.Imported = map[string]*ImportState{}
		}
		src := strings.ToLower(ev.Import.Source)
		s.Imported[src] = laterImport(s.Imported[src], importState(ev, m))
	}
}

func (s *PeersState) merge(o *PeersState) {
	for t, n := range o.Sent {
		if s.Sent == nil {
			s.Sent = map[string]uint64{}
		}
		s.Sent[t] = max(s.Sent[t], n)
	}
	for src, im := range o.Imported {
		if s.Imported == nil {
			s.Imported = map[string]*ImportState{}
		}
		s.Imported[src] = laterImport(s.Imported[src], im)
	}
}

// ProjectsOf folds entries, oldest first, into each project's state (by
// project name in lower case), for a caller that holds the events already.
func ProjectsOf(entries []Entry) map[string]*ProjectState {
	out := map[string]*ProjectState{}
	for _, e := range entries {
		if e.Event.Type != Deployment && e.Event.Type != Promotion {
			continue
		}
		key := strings.ToLower(e.Event.Project)
		if out[key] == nil {
			out[key] = &ProjectState{}
		}
		out[key].apply(e.Event, Mark{Commit: e.Commit, Time: e.Event.Time.UTC()})
	}
	return out
}
