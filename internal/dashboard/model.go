package dashboard

import (
	"sort"
	"strings"
	"time"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/lifecycle"
)

// Model is the dashboard of one Space.
type Model struct {
	Space    string    `json:"space"`
	Projects []Project `json:"projects"`
}

// Project is one row: a project and its environments in lifecycle order.
type Project struct {
	Name      string `json:"name"`
	Lifecycle string `json:"lifecycle"`
	Cells     []Cell `json:"environments"`
}

// Cell is one environment of a project.
type Cell struct {
	Environment string `json:"environment"`
	Remote      bool   `json:"remote,omitempty"`
	Space       string `json:"space,omitempty"` // the Space that owns a remote environment
	Phase       string `json:"phase,omitempty"`
	// Current is the latest deployment there; Previous the latest
	// successful one before it, when Current is not that one. Pending is,
	// in a remote environment, a release on its way there and newer than
	// Current: promoted, or accepted or rejected by the Space that owns it,
	// and not deployed there yet. It is shown beside Current, never
	// instead of it: Current is what runs.
	Current  *Deployment `json:"current,omitempty"`
	Previous *Deployment `json:"previous_success,omitempty"`
	Pending  *Deployment `json:"pending,omitempty"`
}

// Deployment is a release's deployment as the dashboard shows it.
type Deployment struct {
	Version  string    `json:"version"`
	State    string    `json:"state"`
	Tenant   string    `json:"tenant,omitempty"`
	Finished time.Time `json:"finished"`
	ID       string    `json:"id,omitempty"`
	// ReportedBy is the Space whose signed receipt this is, for a remote
	// environment; Reported is when that deployment finished there.
	ReportedBy string     `json:"reported_by,omitempty"`
	Reported   *time.Time `json:"reported,omitempty"`
}

// Build makes the dashboard from the configuration and the ledger's state
// of each project (by name in lower case; see ledger.ProjectAt). project
// narrows it to one project when not empty.
func Build(cfg *config.Space, states map[string]*ledger.ProjectState, project string) *Model {
	m := &Model{Space: cfg.Name(), Projects: []Project{}}
	envs := lifecycle.SpaceEnvironments(cfg)
	type proj struct{ name, lifecycle string }
	var projects []proj
	for _, p := range cfg.Projects {
		projects = append(projects, proj{p.Name, p.Lifecycle.Name})
	}
	for _, im := range cfg.Imports {
		projects = append(projects, proj{im.Project, im.Lifecycle.Name})
	}
	sort.SliceStable(projects, func(i, j int) bool { return strings.ToLower(projects[i].name) < strings.ToLower(projects[j].name) })
	for _, p := range projects {
		if project != "" && !strings.EqualFold(project, p.name) {
			continue
		}
		row := Project{Name: p.name, Lifecycle: p.lifecycle, Cells: []Cell{}}
		st := states[strings.ToLower(p.name)]
		for _, c := range columns(cfg, p.lifecycle, envs) {
			c.Current, c.Previous = latest(st, c.Environment)
			if c.Remote {
				c.Pending = promoted(st, c.Space)
			}
			row.Cells = append(row.Cells, c)
		}
		m.Projects = append(m.Projects, row)
	}
	return m
}

// columns lists a project's environments in the order of its lifecycle's
// phases.
func columns(cfg *config.Space, name string, envs []lifecycle.Environment) []Cell {
	var out []Cell
	l := cfg.Lifecycle(name)
	if l == nil {
		return out
	}
	for _, ph := range lifecycle.New(l, envs).Phases() {
		for _, e := range ph.Environments {
			c := Cell{Environment: e, Phase: ph.Name}
			if re := cfg.RemoteEnvironment(e); re != nil {
				c.Remote, c.Space = true, re.Space.Name
			}
			out = append(out, c)
		}
	}
	return out
}

// latest is the latest deployment of a project to an environment, and
// the latest success of another version before it.
func latest(st *ledger.ProjectState, env string) (current, previous *Deployment) {
	if st == nil {
		return nil, nil
	}
	e := st.Environments[strings.ToLower(env)]
	if e == nil {
		return nil, nil
	}
	current = deployment(e.Current)
	for _, s := range e.Successes {
		if s.Version != current.Version {
			previous = deployment(s)
			break
		}
	}
	return current, previous
}

func deployment(l ledger.Latest) *Deployment {
	return &Deployment{Version: l.Version, State: l.State, Tenant: l.Tenant, Finished: l.Finished, ID: l.ID}
}

// promoted is the latest promotion of a project to the Space owning a
// remote environment: until that Space's receipts say more, the release is
// "Promoted", awaiting acceptance there.
func promoted(st *ledger.ProjectState, space string) *Deployment {
	if st == nil {
		return nil
	}
	p, ok := st.Promoted[strings.ToLower(space)]
	if !ok {
		return nil
	}
	return &Deployment{Version: p.Version, State: StatePromoted, Finished: p.Finished}
}

// StatePromoted is a remote cell's state once a release is sent to its
// Space and before that Space reports a deployment.
const StatePromoted = "Promoted"
