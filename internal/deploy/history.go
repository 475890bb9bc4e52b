package deploy

import (
	"strings"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/lifecycle"
)

// Deployments is the ledger's deployments of one release, oldest first.
type Deployments []ledger.Entry

// History reads the deployments of one release from the ledger.
func History(repo *gitstore.Repo, project, version string) (Deployments, error) {
	entries, err := ledger.Deployments(repo, project, version)
	return Deployments(entries), err
}

// Results is the history as the lifecycle rules read it.
func (h Deployments) Results() []lifecycle.Result {
	var out []lifecycle.Result
	for _, e := range h {
		d := e.Event.Deployment
		out = append(out, lifecycle.Result{Environment: d.Environment, Tenant: d.Tenant, Success: d.State == ledger.StateSuccess})
	}
	return out
}

// waiting returns the last deployment to env for tenant if it is waiting
// for a manual intervention, so that an approval resumes it.
func (h Deployments) waiting(env, tenant string) *ledger.DeploymentRecord {
	for i := len(h) - 1; i >= 0; i-- {
		d := h[i].Event.Deployment
		if strings.EqualFold(d.Environment, env) && strings.EqualFold(d.Tenant, tenant) {
			if d.State == ledger.StateWaiting {
				return d
			}
			return nil
		}
	}
	return nil
}
