package lifecycle

import (
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
)

// Environment is an environment of the Space, as a lifecycle sees it.
type Environment struct {
	Name   string
	Remote bool   // owned by another Space: never deployed here
	Space  string // the owning Space of a remote environment
}

// SpaceEnvironments lists the environments of s in the order New expects:
// local environments in declaration order, then remote ones.
func SpaceEnvironments(s *config.Space) []Environment {
	var out []Environment
	for _, e := range s.Environments {
		out = append(out, Environment{Name: e.Name})
	}
	for _, e := range s.RemoteEnvironments {
		out = append(out, Environment{Name: e.Name, Remote: true, Space: e.Space.Name})
	}
	return out
}

// Result is one deployment in the history of one release of one project:
// where it went, for which tenant ("" when untenanted), and whether it
// succeeded. Only a successful deployment reaches its environment.
type Result struct {
	Environment string
	Tenant      string
	Success     bool
}

// Phase is a phase of a lifecycle with its effective environments.
type Phase struct {
	Name string
	// Environments the phase holds, spelled as the Space declares them: those
	// it names, or for a catch-all those no other phase names.
	Environments []string
	// Automatic are the environments of the phase deployed as soon as the
	// release is eligible for them.
	Automatic []string
	Required  config.Required
	// Optional is set when the phase is complete at once (required is
	// "optional" or 0): it never blocks the phases after it.
	Optional bool
	// CatchAll is set when the phase names no environments.
	CatchAll bool
}

// need is how many of the phase's environments must be reached for it to
// be complete.
func (p Phase) need() int {
	switch {
	case p.Optional:
		return 0
	case p.Required.All || p.Required.Min > len(p.Environments):
		return len(p.Environments)
	}
	return p.Required.Min
}

// Lifecycle is a lifecycle resolved against the Space's environments.
type Lifecycle struct {
	name     string
	phases   []Phase
	implicit bool
	envs     []Environment
	envIndex map[string]int // folded name → index in envs
	phaseOf  map[string]int // folded name → first phase holding it
}

// New resolves l against the Space's environments, envs, whose order is the
// order of catch-all phases and of a lifecycle with no phases (see
// SpaceEnvironments). A nil l is taken as a lifecycle with no phases.
func New(l *config.Lifecycle, envs []Environment) *Lifecycle {
	lc := &Lifecycle{envIndex: map[string]int{}, phaseOf: map[string]int{}}
	for _, e := range envs {
		if _, dup := lc.envIndex[fold(e.Name)]; !dup {
			lc.envIndex[fold(e.Name)] = len(lc.envs)
			lc.envs = append(lc.envs, e)
		}
	}
	var phases []*config.Phase
	if l != nil {
		lc.name = l.Name
		phases = l.Phases
	}
	if len(phases) == 0 {
		lc.implicit = true
		for _, e := range lc.envs {
			lc.phases = append(lc.phases, Phase{
				Name:         e.Name,
				Environments: []string{e.Name},
				Required:     config.Required{All: true},
			})
		}
	} else {
		lc.phases = lc.resolve(phases)
	}
	for i, p := range lc.phases {
		for _, e := range p.Environments {
			if _, ok := lc.phaseOf[fold(e)]; !ok {
				lc.phaseOf[fold(e)] = i
			}
		}
	}
	return lc
}

// resolve gives each phase its effective environments.
func (lc *Lifecycle) resolve(phases []*config.Phase) []Phase {
	named := map[string]bool{}
	for _, p := range phases {
		for _, r := range p.Environments {
			named[fold(r.Name)] = true
		}
	}
	out := make([]Phase, 0, len(phases))
	caught := false
	for _, p := range phases {
		ph := Phase{
			Name:     p.Name,
			Required: p.Required,
			Optional: p.Required.Optional || (!p.Required.All && p.Required.Min <= 0),
			CatchAll: len(p.Environments) == 0,
		}
		var names []string
		switch {
		case !ph.CatchAll:
			names = config.Names(p.Environments)
		case !caught:
			caught = true
			for _, e := range lc.envs {
				if !named[fold(e.Name)] {
					names = append(names, e.Name)
				}
			}
		}
		ph.Environments = lc.spellAll(names, nil)
		ph.Automatic = lc.spellAll(config.Names(p.Automatic), setOf(ph.Environments))
		out = append(out, ph)
	}
	return out
}

// spellAll returns names in the Space's spelling, without duplicates and,
// when within is not nil, only those in it.
func (lc *Lifecycle) spellAll(names []string, within map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		k := fold(n)
		if seen[k] || (within != nil && !within[k]) {
			continue
		}
		seen[k] = true
		out = append(out, lc.spell(n))
	}
	return out
}

// spell returns the declared spelling of an environment name, or name
// itself for one the Space does not declare.
func (lc *Lifecycle) spell(name string) string {
	if e, ok := lc.env(name); ok {
		return e.Name
	}
	return name
}

func (lc *Lifecycle) env(name string) (Environment, bool) {
	i, ok := lc.envIndex[fold(name)]
	if !ok {
		return Environment{}, false
	}
	return lc.envs[i], true
}

// Name returns the lifecycle's name.
func (lc *Lifecycle) Name() string { return lc.name }

// Phases returns the resolved phases in order; for a lifecycle with no
// phases, one phase per environment, named after it.
func (lc *Lifecycle) Phases() []Phase {
	out := make([]Phase, len(lc.phases))
	for i, p := range lc.phases {
		p.Environments = append([]string(nil), p.Environments...)
		p.Automatic = append([]string(nil), p.Automatic...)
		out[i] = p
	}
	return out
}

// Implicit reports whether the lifecycle declares no phases, so that its
// phases are the Space's environments in order.
func (lc *Lifecycle) Implicit() bool { return lc.implicit }

func setOf(names []string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[fold(n)] = true
	}
	return s
}

// fold is the key names are matched by, ignoring case as config does.
func fold(name string) string { return strings.ToLower(name) }
