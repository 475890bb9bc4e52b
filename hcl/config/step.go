package config

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Step conditions.
const (
	ConditionSuccess  = "success"
	ConditionFailure  = "failure"
	ConditionAlways   = "always"
	ConditionVariable = "variable"
)

// Step is a `step` block of a project's deployment process. Steps run in
// the order they are declared; exactly one of the action fields is set.
type Step struct {
	Name                 string
	Environments         []Ref
	ExcludedEnvironments []Ref
	TenantTags           []Ref
	Condition            string
	ConditionExpression  string
	Required             bool
	Disabled             bool
	Timeout              time.Duration

	RunScript          *RunScript
	DeployPackage      *DeployPackage
	ManualIntervention *ManualIntervention

	DeclRange hcl.Range
}

// RunScript runs Body with Syntax (bash or sh), with Packages extracted
// beside it.
type RunScript struct {
	Syntax   string
	Body     string
	Packages []Ref
}

// DeployPackage extracts Package to Destination, substituting #{Var} in
// the files that Substitute's globs match.
type DeployPackage struct {
	Package     Ref
	Destination string
	Substitute  []Ref // glob patterns
}

// ManualIntervention stops the deployment until a person approves it.
type ManualIntervention struct {
	Instructions string
}

// Action names the kind of the step's action, as written in HCL.
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

var stepSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "environments"},
		{Name: "excluded_environments"},
		{Name: "tenant_tags"},
		{Name: "condition"},
		{Name: "condition_expression"},
		{Name: "required"},
		{Name: "disabled"},
		{Name: "timeout"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "run_script"},
		{Type: "deploy_package"},
		{Type: "manual_intervention"},
	},
}

var runScriptSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "syntax"},
		{Name: "body", Required: true},
		{Name: "packages"},
	},
}

var deployPackageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "package", Required: true},
		{Name: "destination", Required: true},
		{Name: "substitute"},
	},
}

var manualInterventionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "instructions", Required: true}},
}

func decodeStep(d *decoder, b *hcl.Block) *Step {
	content, diags := b.Body.Content(stepSchema)
	d.add(diags)
	a := content.Attributes
	s := &Step{
		Name:                 b.Labels[0],
		Environments:         d.refs(a, "environments"),
		ExcludedEnvironments: d.refs(a, "excluded_environments"),
		TenantTags:           d.refs(a, "tenant_tags"),
		Condition:            ConditionSuccess,
		ConditionExpression:  d.str(a, "condition_expression"),
		Required:             d.boolean(a, "required", false),
		Disabled:             d.boolean(a, "disabled", false),
		DeclRange:            b.DefRange,
	}
	if c, ok := d.strRef(a, "condition"); ok {
		d.oneOf(c, "condition", []string{ConditionSuccess, ConditionFailure, ConditionAlways, ConditionVariable})
		s.Condition = c.Name
	}
	switch _, has := a["condition_expression"]; {
	case s.Condition == ConditionVariable && !has:
		d.errorf(b.DefRange, "Missing \"condition_expression\"", "Step %q runs on condition \"variable\", which needs condition_expression, an Octostache expression such as \"#{RunMigrations}\".", s.Name)
	case s.Condition == ConditionVariable && strings.TrimSpace(s.ConditionExpression) == "":
		d.errorf(a["condition_expression"].Expr.Range(), "Empty \"condition_expression\"", "Step %q runs on condition \"variable\"; its condition_expression must be an Octostache expression such as \"#{RunMigrations}\", not empty.", s.Name)
	case s.Condition != ConditionVariable && has:
		d.errorf(a["condition_expression"].NameRange, "Unused \"condition_expression\"", "Step %q has condition %q; condition_expression is used only with condition = \"variable\".", s.Name, s.Condition)
	}
	if t, ok := d.strRef(a, "timeout"); ok {
		dur, err := time.ParseDuration(t.Name)
		if err != nil || dur <= 0 {
			d.errorf(t.Range, "Invalid \"timeout\" value", "%q is not a positive duration; write it as Go durations are written, such as \"90s\", \"10m\" or \"1h30m\".", t.Name)
		} else {
			s.Timeout = dur
		}
	}
	var actions []*hcl.Block
	for _, ab := range content.Blocks {
		actions = append(actions, ab)
		switch ab.Type {
		case "run_script":
			s.RunScript = decodeRunScript(d, ab)
		case "deploy_package":
			s.DeployPackage = decodeDeployPackage(d, ab)
		case "manual_intervention":
			s.ManualIntervention = decodeManualIntervention(d, ab)
		}
	}
	switch {
	case len(actions) == 0:
		d.errorf(b.DefRange, "Step has no action", "Step %q must hold one action block: run_script, deploy_package or manual_intervention.", s.Name)
	case len(actions) > 1:
		d.errorf(actions[1].DefRange, "Step has more than one action", "Step %q already has a %s block (line %d); a step holds exactly one action. Split it into two steps.", s.Name, actions[0].Type, actions[0].DefRange.Start.Line)
	}
	return s
}

func decodeRunScript(d *decoder, b *hcl.Block) *RunScript {
	content, diags := b.Body.Content(runScriptSchema)
	d.add(diags)
	r := &RunScript{Syntax: "bash", Packages: d.refs(content.Attributes, "packages")}
	if syn, ok := d.strRef(content.Attributes, "syntax"); ok {
		d.oneOf(syn, "syntax", []string{"bash", "sh"})
		r.Syntax = syn.Name
	}
	if body, ok := content.Attributes["body"]; ok {
		if v, ok := d.value(body, cty.String); ok && !v.IsNull() {
			r.Body = v.AsString()
		}
	}
	return r
}

func decodeDeployPackage(d *decoder, b *hcl.Block) *DeployPackage {
	content, diags := b.Body.Content(deployPackageSchema)
	d.add(diags)
	p := &DeployPackage{}
	p.Package, _ = d.requiredStr(content.Attributes, "package", b)
	dest, _ := d.requiredStr(content.Attributes, "destination", b)
	p.Destination = dest.Name
	p.Substitute = d.refs(content.Attributes, "substitute")
	return p
}

func decodeManualIntervention(d *decoder, b *hcl.Block) *ManualIntervention {
	content, diags := b.Body.Content(manualInterventionSchema)
	d.add(diags)
	in, _ := d.requiredStr(content.Attributes, "instructions", b)
	return &ManualIntervention{Instructions: in.Name}
}
