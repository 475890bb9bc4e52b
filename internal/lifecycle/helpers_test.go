package lifecycle

import (
	"strconv"

	"github.com/zonectl/zonectl/hcl/config"
)

// spaceEnvs is the Space most tests use: four local environments, then two
// remote ones in different Spaces.
var spaceEnvs = []Environment{
	{Name: "Development"},
	{Name: "Test"},
	{Name: "Staging-A"},
	{Name: "Staging-B"},
	{Name: "Production", Remote: true, Space: "prod"},
	{Name: "DR", Remote: true, Space: "dr"},
}

// phase builds a config phase; required is "all", "optional" or a count.
func phase(name, required string, envs ...string) *config.Phase {
	p := &config.Phase{Name: name, Environments: refs(envs)}
	switch required {
	case "all":
		p.Required = config.Required{All: true}
	case "optional":
		p.Required = config.Required{Optional: true}
	default:
		n, err := strconv.Atoi(required)
		if err != nil {
			panic(err)
		}
		p.Required = config.Required{Min: n}
	}
	return p
}

// auto sets the phase's automatic environments.
func auto(p *config.Phase, envs ...string) *config.Phase {
	p.Automatic = refs(envs)
	return p
}

func refs(names []string) []config.Ref {
	var out []config.Ref
	for _, n := range names {
		out = append(out, config.Ref{Name: n})
	}
	return out
}

func newLC(phases ...*config.Phase) *Lifecycle {
	return New(&config.Lifecycle{Name: "Default", Phases: phases}, spaceEnvs)
}

// ok is a successful deployment; failed an unsuccessful one. Both are
// untenanted unless a tenant follows the environment.
func ok(env string, tenant ...string) Result { return result(env, true, tenant) }

func failed(env string, tenant ...string) Result { return result(env, false, tenant) }

func result(env string, success bool, tenant []string) Result {
	r := Result{Environment: env, Success: success}
	if len(tenant) > 0 {
		r.Tenant = tenant[0]
	}
	return r
}

func hist(rs ...Result) []Result { return rs }

// errString is err's message, or "" when nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
