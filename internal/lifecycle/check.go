package lifecycle

// reach is the set of environments (folded names) a release has reached
// for one tenant.
type reach map[string]bool

func reached(tenant string, history []Result) reach {
	r := reach{}
	for _, h := range history {
		if h.Success && fold(h.Tenant) == fold(tenant) {
			r[fold(h.Environment)] = true
		}
	}
	return r
}

// status is where a phase stands for one tenant.
type status struct {
	reached []string // its environments the release has reached, in phase order
	missing []string // the others
	need    int      // how many more of missing it needs to be complete
}

func (lc *Lifecycle) status(i int, r reach) status {
	var s status
	p := lc.phases[i]
	for _, e := range p.Environments {
		if r[fold(e)] {
			s.reached = append(s.reached, e)
		} else {
			s.missing = append(s.missing, e)
		}
	}
	s.need = max(0, p.need()-len(s.reached))
	return s
}

// blocker returns the first phase before phase i that is not complete (an
// optional phase always is), or -1 when the environments of phase i are
// deployable.
func (lc *Lifecycle) blocker(i int, r reach) int {
	for j := range i {
		if lc.status(j, r).need > 0 {
			return j
		}
	}
	return -1
}

// eligible returns how many phases, from the first, the rules allow now:
// every phase up to and including the first that is not complete.
func (lc *Lifecycle) eligible(r reach) int {
	for i := range lc.phases {
		if lc.status(i, r).need > 0 {
			return i + 1
		}
	}
	return len(lc.phases)
}

// Check reports whether the release whose deployments are history may be
// deployed to the local environment env for tenant ("" when untenanted). It
// returns nil when it may, and a *RefusalError saying why not otherwise.
func (lc *Lifecycle) Check(env, tenant string, history []Result) error {
	if e, ok := lc.env(env); ok && e.Remote {
		return lc.refuse(env, tenant, &RefusalError{Reason: Remote, Space: e.Space})
	}
	return lc.check(env, tenant, history)
}

// CheckPromotion reports whether the release whose deployments are history
// may be promoted to the remote environment env for tenant: the same rules
// as Check, for an environment another Space owns.
func (lc *Lifecycle) CheckPromotion(env, tenant string, history []Result) error {
	if e, ok := lc.env(env); !ok || !e.Remote {
		return lc.refuse(env, tenant, &RefusalError{Reason: NotRemote})
	}
	return lc.check(env, tenant, history)
}

// check applies the rules that do not depend on who owns env.
func (lc *Lifecycle) check(env, tenant string, history []Result) error {
	r := reached(tenant, history)
	if r[fold(env)] {
		return nil
	}
	i, ok := lc.phaseOf[fold(env)]
	if !ok {
		return lc.refuse(env, tenant, &RefusalError{Reason: NotInLifecycle})
	}
	b := lc.blocker(i, r)
	if b < 0 {
		return nil
	}
	s := lc.status(b, r)
	return lc.refuse(env, tenant, &RefusalError{
		Reason:  NotComplete,
		In:      lc.phases[i].Name,
		Phase:   lc.phases[b].Name,
		Missing: s.missing,
		Need:    s.need,
	})
}

func (lc *Lifecycle) refuse(env, tenant string, e *RefusalError) *RefusalError {
	e.Lifecycle = lc.name
	e.Environment = lc.spell(env)
	e.Tenant = tenant
	if e.Reason == NotInLifecycle {
		e.Implicit = lc.implicit
		for _, p := range lc.phases {
			e.Phases = append(e.Phases, p.Name)
		}
	}
	return e
}

// Complete reports whether phase (an index into Phases) is complete for
// tenant.
func (lc *Lifecycle) Complete(phase int, tenant string, history []Result) bool {
	return lc.status(phase, reached(tenant, history)).need == 0
}

// Automatic returns the local environments to deploy to automatically now
// for tenant: the automatic environments of every phase the rules allow that
// the release has not reached yet, in phase order. Callers ask on release
// create and after each successful deployment that completes a phase.
func (lc *Lifecycle) Automatic(tenant string, history []Result) []string {
	r := reached(tenant, history)
	var out []string
	for _, p := range lc.phases[:lc.eligible(r)] {
		for _, a := range p.Automatic {
			if e, ok := lc.env(a); ok && !e.Remote && !r[fold(a)] {
				out = append(out, e.Name)
				r[fold(a)] = true // listed once, should two phases name it
			}
		}
	}
	return out
}

// Promotable returns, by owning Space, the remote environments the release
// may be promoted to now for tenant, in phase order: those in every phase
// the rules allow, and those already reached.
func (lc *Lifecycle) Promotable(tenant string, history []Result) map[string][]string {
	r := reached(tenant, history)
	n := lc.eligible(r)
	out := map[string][]string{}
	spaces := map[string]string{} // folded → first spelling
	for i, p := range lc.phases {
		for _, name := range p.Environments {
			e, ok := lc.env(name)
			if !ok || !e.Remote || (i >= n && !r[fold(name)]) || lc.phaseOf[fold(name)] != i {
				continue
			}
			sp, seen := spaces[fold(e.Space)]
			if !seen {
				sp = e.Space
				spaces[fold(e.Space)] = sp
			}
			out[sp] = append(out[sp], e.Name)
		}
	}
	return out
}

// PhaseProgress is where one phase stands for a release and tenant, for
// dashboards.
type PhaseProgress struct {
	Phase Phase
	// Eligible is set when the rules allow the phase's environments: every
	// earlier phase is optional or complete.
	Eligible bool
	Complete bool
	Reached  []string // environments with a successful deployment, in phase order
	Missing  []string // the others
	Need     int      // how many more of Missing the phase needs to be complete
}

// Progress returns every phase's progress for tenant, in order.
func (lc *Lifecycle) Progress(tenant string, history []Result) []PhaseProgress {
	r := reached(tenant, history)
	n := lc.eligible(r)
	phases := lc.Phases()
	out := make([]PhaseProgress, len(phases))
	for i, p := range phases {
		s := lc.status(i, r)
		out[i] = PhaseProgress{
			Phase:    p,
			Eligible: i < n,
			Complete: s.need == 0,
			Reached:  s.reached,
			Missing:  s.missing,
			Need:     s.need,
		}
	}
	return out
}
