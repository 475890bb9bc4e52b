package lifecycle

import (
	"fmt"
	"strings"
)

// Reason says why a deployment or promotion was refused.
type Reason string

const (
	// NotComplete: a phase before the environment's own is neither optional
	// nor complete.
	NotComplete Reason = "phase not complete"
	// NotInLifecycle: no phase of the lifecycle holds the environment.
	NotInLifecycle Reason = "not in lifecycle"
	// Remote: the environment belongs to another Space; it is reached by
	// promotion, not deployed here.
	Remote Reason = "remote environment"
	// NotRemote: a promotion was asked for an environment this Space owns
	// (or does not declare).
	NotRemote Reason = "not a remote environment"
)

// RefusalError is the lifecycle's refusal to deploy or promote a release to
// an environment.
type RefusalError struct {
	Lifecycle   string
	Environment string // as the Space spells it
	Tenant      string // "" for an untenanted deployment
	Reason      Reason

	// NotComplete
	In      string   // the phase holding Environment
	Phase   string   // the first earlier phase neither optional nor complete
	Missing []string // the environments of Phase not reached yet
	Need    int      // how many more of Missing Phase needs

	// NotInLifecycle
	Phases   []string // the lifecycle's phases
	Implicit bool     // the lifecycle declares no phases

	// Remote
	Space string // the Space owning Environment
}

func (e *RefusalError) Error() string {
	switch e.Reason {
	case NotComplete:
		return fmt.Sprintf("environment %q is in phase %q, which needs phase %q complete first: it still needs %s%s",
			e.Environment, e.In, e.Phase, needs(e.Need, e.Missing), e.forTenant())
	case NotInLifecycle:
		if e.Implicit {
			return fmt.Sprintf("environment %q is not in lifecycle %q, which has no phases and so holds the Space's environments: %s",
				e.Environment, e.Lifecycle, quoteList(e.Phases, "none"))
		}
		return fmt.Sprintf("environment %q is not in lifecycle %q (phases: %s)",
			e.Environment, e.Lifecycle, quoteList(e.Phases, "none"))
	case Remote:
		return fmt.Sprintf("environment %q belongs to space %q: a release reaches it by promotion, not by a deployment here",
			e.Environment, e.Space)
	case NotRemote:
		return fmt.Sprintf("environment %q is not a remote environment: deploy the release to it instead of promoting it",
			e.Environment)
	}
	return fmt.Sprintf("environment %q: refused by lifecycle %q", e.Environment, e.Lifecycle)
}

func (e *RefusalError) forTenant() string {
	if e.Tenant == "" {
		return ""
	}
	return fmt.Sprintf(" for tenant %q", e.Tenant)
}

// needs says what a phase still needs: need more successful deployments
// among missing.
func needs(need int, missing []string) string {
	switch {
	case need >= len(missing) && len(missing) == 1:
		return "a successful deployment to " + quote(missing[0])
	case need >= len(missing):
		return "successful deployments to " + andList(missing)
	case need == 1:
		return "a successful deployment to one of " + quoteList(missing, "")
	}
	return fmt.Sprintf("successful deployments to %d of %s", need, quoteList(missing, ""))
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// quoteList is "A", "B", "C", or none when names is empty.
func quoteList(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// andList is "A", "B" and "C".
func andList(names []string) string {
	if len(names) < 2 {
		return quoteList(names, "")
	}
	return quoteList(names[:len(names)-1], "") + " and " + quote(names[len(names)-1])
}
