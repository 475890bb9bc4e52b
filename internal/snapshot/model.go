package snapshot

import (
	"github.com/zonectl/zonectl/hcl/config"
)

// Process is the part of a project that a release fixes for good: the
// project's settings, the packages it deploys and its steps.
type Process struct {
	Project     string    `json:"project"`
	Description string    `json:"description,omitempty"`
	Lifecycle   string    `json:"lifecycle"`
	Tenanted    string    `json:"tenanted"`
	Packages    []Package `json:"packages"`
	Steps       []Step    `json:"steps"`
}

// Package is a package the project deploys.
type Package struct {
	ID string `json:"id"`
}

// Step is one step of the process, in order.
type Step struct {
	Name                 string   `json:"name"`
	Environments         []string `json:"environments,omitempty"`
	ExcludedEnvironments []string `json:"excluded_environments,omitempty"`
	TenantTags           []string `json:"tenant_tags,omitempty"`
	Condition            string   `json:"condition"`
	ConditionExpression  string   `json:"condition_expression,omitempty"`
	Required             bool     `json:"required,omitempty"`
	Disabled             bool     `json:"disabled,omitempty"`
	Timeout              string   `json:"timeout,omitempty"`

	RunScript          *RunScript          `json:"run_script,omitempty"`
	DeployPackage      *DeployPackage      `json:"deploy_package,omitempty"`
	ManualIntervention *ManualIntervention `json:"manual_intervention,omitempty"`
}

// Action names the step's action as HCL writes it.
func (s *Step) Action() string {
	switch {
	case s.RunScript != nil:
		return "run_script"
	case s.DeployPackage != nil:
		return "deploy_package"
	case s.ManualIntervention != nil:
		return "manual_intervention"
	}
	return ""
}

// RunScript runs Body with Syntax, with Packages extracted beside it.
type RunScript struct {
	Syntax   string   `json:"syntax"`
	Body     string   `json:"body"`
	Packages []string `json:"packages,omitempty"`
}

// DeployPackage extracts Package to Destination, substituting variables in
// the files Substitute matches.
type DeployPackage struct {
	Package     string   `json:"package"`
	Destination string   `json:"destination"`
	Substitute  []string `json:"substitute,omitempty"`
}

// ManualIntervention waits for a person's approval.
type ManualIntervention struct {
	Instructions string `json:"instructions"`
}

// Variables is the part of a project a variable re-snapshot replaces.
type Variables struct {
	Variables []Variable `json:"variables"`
	Templates []Template `json:"templates"`
}

// Variable is a variable and its scoped values. A sensitive variable's
// values are OpenPGP messages, never plain text.
type Variable struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Sensitive   bool    `json:"sensitive,omitempty"`
	Values      []Value `json:"values"`
}

// Value is one value of a variable with the scope it applies in.
type Value struct {
	Value string `json:"value"`
	Scope Scope  `json:"scope"`
}

// Scope is where a value applies; see config.Scope.
type Scope struct {
	Environment []string `json:"environment,omitempty"`
	Tenant      []string `json:"tenant,omitempty"`
	TenantTag   []string `json:"tenant_tag,omitempty"`
	Step        []string `json:"step,omitempty"`
	Channel     []string `json:"channel,omitempty"`
}

// Empty reports whether the scope applies everywhere.
func (s Scope) Empty() bool {
	return len(s.Environment)+len(s.Tenant)+len(s.TenantTag)+len(s.Step)+len(s.Channel) == 0
}

// Config returns the scope as the configuration language models it, so
// that specificity and overlap are decided by one implementation.
func (s Scope) Config() config.Scope {
	refs := func(names []string) []config.Ref {
		var out []config.Ref
		for _, n := range names {
			out = append(out, config.Ref{Name: n})
		}
		return out
	}
	return config.Scope{
		Environments: refs(s.Environment),
		Tenants:      refs(s.Tenant),
		TenantTags:   refs(s.TenantTag),
		Steps:        refs(s.Step),
		Channels:     refs(s.Channel),
	}
}

// Template is a variable template: a value the deploying Space supplies.
type Template struct {
	Name     string   `json:"name"`
	Label    string   `json:"label,omitempty"`
	Help     string   `json:"help,omitempty"`
	Type     string   `json:"type"`
	Default  *string  `json:"default,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Per      string   `json:"per"`
	Required bool     `json:"required"`
}

// Option is one choice of a select template.
type Option struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

// PackageRef pins a package version by the hash and size of its bytes.
type PackageRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	// Feed names the feed the bytes come from; empty for the Space's own
	// package store.
	Feed string `json:"feed,omitempty"`
	// Digest is the OCI manifest the version's tag pointed at when the
	// release was made, for bytes kept in a registry ("sha256:…"): a tag
	// moved later does not change the release.
	Digest string `json:"digest,omitempty"`
}
