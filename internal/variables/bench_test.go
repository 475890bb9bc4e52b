package variables_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/octostache"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

// The benchmark Space: one project of benchVariables variables and
// benchSteps run_script steps, each step's body benchLines lines long and
// referring to benchRefs variables.
const (
	benchVariables = 2000
	benchSteps     = 50
	benchLines     = 40
	benchRefs      = 20
	benchTemplates = 10
)

var (
	benchEnvironments = []string{"Development", "Test", "Staging", "Production", "Disaster Recovery"}
	benchTenants      = []struct {
		name string
		tags []string
	}{
		{"Contoso", []string{"Tier/Gold", "Region/EU"}},
		{"Fabrikam", []string{"Tier/Silver", "Region/US"}},
		{"Northwind", []string{"Tier/Bronze", "Region/APAC"}},
	}
	// The deployment the benchmarks resolve for.
	benchContext = variables.Context{Environment: "Production", Tenant: "Contoso", TenantTags: []string{"Tier/Gold", "Region/EU"}, Channel: "Default"}
)

func benchVarName(i int) string { return fmt.Sprintf("Service%02d.Setting%04d", i%40, i) }

func benchStepName(i int) string { return fmt.Sprintf("Step %02d", i+1) }

// benchSpace writes the benchmark Space's HCL, the same every time, and
// returns it with its size in bytes.
func benchSpace() (fstest.MapFS, int) {
	files := map[string]string{
		"space.hcl":        "space \"bench\" {\n  description = \"Variable resolution benchmark\"\n}\n",
		"environments.hcl": benchEnvironmentsHCL(),
		"lifecycles.hcl":   benchLifecycleHCL(),
		"tenants.hcl":      benchTenantsHCL(),
		"projects/bench/project.hcl": `project "bench" {
  lifecycle = "Default"
  tenanted  = "allowed"
}

package "bench-app" {}
`,
		"projects/bench/process.hcl":   benchProcessHCL(),
		"projects/bench/variables.hcl": benchVariablesHCL(),
	}
	fsys := fstest.MapFS{}
	size := 0
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
		size += len(text)
	}
	return fsys, size
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func benchEnvironmentsHCL() string {
	var b strings.Builder
	for _, e := range benchEnvironments {
		fmt.Fprintf(&b, "environment %q {}\n", e)
	}
	return b.String()
}

func benchLifecycleHCL() string {
	var b strings.Builder
	b.WriteString("lifecycle \"Default\" {\n")
	for _, e := range benchEnvironments {
		fmt.Fprintf(&b, "  phase %q {\n    environments = [%q]\n  }\n", e, e)
	}
	b.WriteString("}\n")
	return b.String()
}

func benchTenantsHCL() string {
	var b strings.Builder
	b.WriteString("tag_set \"Tier\" {\n  tags = [\"Gold\", \"Silver\", \"Bronze\"]\n}\n\n")
	b.WriteString("tag_set \"Region\" {\n  tags = [\"EU\", \"US\", \"APAC\"]\n}\n")
	for _, t := range benchTenants {
		fmt.Fprintf(&b, "\ntenant %q {\n  tags = %s\n\n  project \"bench\" {\n    environments = %s\n  }\n}\n", t.name, quoted(t.tags), quoted(benchEnvironments))
	}
	return b.String()
}

// benchVariablesHCL writes the variables, their scopes in eight patterns
// that never tie, and a few templates.
func benchVariablesHCL() string {
	var b strings.Builder
	value := func(v string, scope ...string) {
		if len(scope) == 0 {
			fmt.Fprintf(&b, "  value %q {}\n", v)
			return
		}
		fmt.Fprintf(&b, "  value %q {\n", v)
		for _, s := range scope {
			fmt.Fprintf(&b, "    %s\n", s)
		}
		b.WriteString("  }\n")
	}
	envScope := func(names ...string) string { return "environment = " + quoted(names) }
	for i := range benchVariables {
		name := benchVarName(i)
		fmt.Fprintf(&b, "variable %q {\n", name)
		base := fmt.Sprintf("value-%04d", i)
		switch i % 8 {
		case 0: // unscoped; some refer to an earlier unscoped variable
			if i >= 16 && i%16 == 0 {
				base += "/#{" + benchVarName(i-8) + "}"
			}
			value(base)
		case 1: // one value per environment
			value(base)
			for _, e := range benchEnvironments {
				value(base+"-"+strings.ToLower(e[:3]), envScope(e))
			}
		case 2: // environment and tenant values
			for _, e := range benchEnvironments[:3] {
				value(base+"-"+strings.ToLower(e[:3]), envScope(e))
			}
			value(base+"-prod", envScope("Production", "Disaster Recovery"))
			for _, t := range benchTenants {
				value(base+"-"+strings.ToLower(t.name), "tenant = "+quoted([]string{t.name}))
			}
		case 3: // tenant tags of one set
			value(base)
			value(base+"-gold", "tenant_tag = [\"Tier/Gold\"]")
			value(base+"-other", "tenant_tag = [\"Tier/Silver\", \"Tier/Bronze\"]")
		case 4: // environment and channel
			value(base)
			value(base+"-prod", envScope("Production"))
			value(base+"-prod-hotfix", envScope("Production"), "channel = [\"Hotfix\"]")
			value(base+"-default", "channel = [\"Default\"]")
		case 5: // one step
			value(base)
			value(base+"-step", "step = "+quoted([]string{benchStepName(i % benchSteps)}))
		case 6: // tenant and environment
			value(base, envScope(benchEnvironments...))
			value(base+"-contoso-prod", "tenant = [\"Contoso\"]", envScope("Production"))
			value(base+"-northwind", "tenant = [\"Northwind\"]")
		case 7: // environments OR
			value(base)
			value(base+"-pre", envScope("Development", "Test"))
			value(base+"-live", envScope("Staging", "Production", "Disaster Recovery"))
		}
		b.WriteString("}\n\n")
	}
	for i := range benchTemplates {
		fmt.Fprintf(&b, "variable_template \"Template%02d\" {\n  label   = \"Setting %d\"\n  default = \"default-%d\"\n}\n\n", i, i, i)
	}
	return b.String()
}

var benchShell = []string{
	"set -eu",
	"cd \"$WORKDIR\"",
	"if [ -n \"$DEBUG\" ]; then set -x; fi",
	"mkdir -p logs tmp",
	"test -f config.json || cp config.default.json config.json",
	"printf '%s\\n' started >> logs/steps.log",
	"for f in tmp/*; do rm -f \"$f\"; done",
	"sleep 0",
}

// benchProcessHCL writes the steps; their bodies refer to variables and to
// built-ins with #{...}.
func benchProcessHCL() string {
	r := rand.New(rand.NewPCG(2000, 50))
	var b strings.Builder
	for s := range benchSteps {
		fmt.Fprintf(&b, "step %q {\n  run_script {\n    syntax = \"bash\"\n    body   = <<-EOT\n", benchStepName(s))
		refs := 0
		for l := range benchLines {
			var line string
			switch {
			case l == 0:
				line = "echo \"#{Octopus.Step.Name} of #{Octopus.Project.Name} #{Octopus.Release.Number} to #{Octopus.Environment.Name}\""
			case l%2 == 1 && refs < benchRefs-1:
				name := benchVarName(r.IntN(benchVariables))
				line = fmt.Sprintf("export SETTING_%d=\"#{%s}\"", l, name)
				refs++
			case l == benchLines-2:
				line = fmt.Sprintf("echo \"template: #{Template%02d}\"", s%benchTemplates)
				refs++
			default:
				line = benchShell[r.IntN(len(benchShell))]
			}
			fmt.Fprintf(&b, "      %s\n", line)
		}
		b.WriteString("    EOT\n  }\n}\n\n")
	}
	return b.String()
}

// loadBench loads the benchmark Space and snapshots its project.
func loadBench(tb testing.TB) (*snapshot.Process, *snapshot.Variables) {
	tb.Helper()
	fsys, _ := benchSpace()
	space, diags := config.Load(fsys)
	if diags.HasErrors() {
		tb.Fatalf("the benchmark Space does not load: %v", diags)
	}
	return snapshot.FromConfig(space.Project("bench"))
}

var benchBuiltins = variables.Builtins{Space: "bench", Project: "bench", Release: "1.0.0", DeploymentID: "bench-1", CreatedBy: "bench"}

// substituteAll resolves and substitutes every step's body, returning the
// bytes substituted.
func substituteAll(tb testing.TB, proc *snapshot.Process, vars *snapshot.Variables) int {
	set, err := variables.Resolve(vars.Variables, vars.Templates, benchBuiltins, benchContext, variables.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, st := range proc.Steps {
		out, err := octostache.Evaluate(st.RunScript.Body, set.ForStep(st.Name, nil))
		if err != nil {
			tb.Fatalf("%s: %v", st.Name, err)
		}
		if strings.Contains(out, "#{") {
			tb.Fatalf("%s: not every reference was substituted:\n%s", st.Name, out)
		}
		n += len(st.RunScript.Body)
	}
	return n
}

// TestBenchSpace checks that the benchmarks measure what they claim: the
// Space loads without a diagnostic, has the variables and steps it should,
// and every reference in the steps resolves.
func TestBenchSpace(t *testing.T) {
	fsys, _ := benchSpace()
	if _, diags := config.Load(fsys); len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	proc, vars := loadBench(t)
	if len(vars.Variables) != benchVariables || len(proc.Steps) != benchSteps {
		t.Fatalf("%d variables and %d steps, want %d and %d", len(vars.Variables), len(proc.Steps), benchVariables, benchSteps)
	}
	for _, st := range proc.Steps {
		if got := strings.Count(st.RunScript.Body, "#{") - 4; got != benchRefs { // less the 4 built-ins of the first line
			t.Errorf("%s refers to %d variables, want %d", st.Name, got, benchRefs)
		}
	}
	substituteAll(t, proc, vars)
}

func BenchmarkParseHCL(b *testing.B) {
	fsys, size := benchSpace()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := config.Load(fsys); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
	b.ReportMetric(float64(benchVariables*b.N)/b.Elapsed().Seconds(), "variables/s")
}

func BenchmarkResolve(b *testing.B) {
	_, vars := loadBench(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := variables.Resolve(vars.Variables, vars.Templates, benchBuiltins, benchContext, variables.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchVariables*b.N)/b.Elapsed().Seconds(), "variables/s")
}

func BenchmarkResolveAndSubstitute(b *testing.B) {
	proc, vars := loadBench(b)
	size := 0
	for _, st := range proc.Steps {
		size += len(st.RunScript.Body)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		substituteAll(b, proc, vars)
	}
	b.ReportMetric(float64(benchVariables*b.N)/b.Elapsed().Seconds(), "variables/s")
}
