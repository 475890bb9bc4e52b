package octostache

import (
	"fmt"
	"strings"
	"testing"
)

// benchScript returns a deployment script of 50 steps, 200 lines, with
// 100 plain #{Name} substitutions, and 2,000 variables for it, as a
// project with many variables holds.
func benchScript() (string, map[string]string) {
	vars := make(map[string]string, 2000)
	vars["Octopus.Environment.Name"] = "Production"
	vars["Octopus.Project.Name"] = "acme-web"
	for i := range 50 {
		vars[fmt.Sprintf("Octopus.Action[Step %02d].Setting", i)] = fmt.Sprintf("--setting-%02d=on", i)
	}
	for i := 0; len(vars) < 2000; i++ {
		vars[fmt.Sprintf("Project.Config.Variable%04d", i)] = fmt.Sprintf("value number %d", i)
	}
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "# Step %02d: deploy the web tier and check that it answers before the next step\n", i)
		fmt.Fprintf(&b, "echo \"deploying acme-web, step %02d, to #{Octopus.Environment.Name}\"\n", i)
		fmt.Fprintf(&b, "/usr/local/bin/deploy-tool --retries 3 --timeout 300 --log /var/log/deploy/step-%02d.log #{Octopus.Action[Step %02d].Setting}\n", i, i)
		b.WriteString("test -d /srv/acme/current || mkdir -p /srv/acme/current && chmod 750 /srv/acme/current\n")
	}
	return b.String(), vars
}

// BenchmarkEvaluate measures substitution into the script, and beside it
// the floor for pure replacement: strings.Replacer with "#{Name}" → value
// for the same 2,000 variables, built once outside the loop.
//
//	go test -run '^$' -bench BenchmarkEvaluate ./internal/octostache/
func BenchmarkEvaluate(b *testing.B) {
	src, vars := benchScript()
	lookup := NewLookup(vars)
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "#{"+k+"}", v)
	}
	replacer := strings.NewReplacer(pairs...)

	want := replacer.Replace(src)
	if got, err := Evaluate(src, lookup); err != nil || got != want {
		b.Fatalf("Evaluate and strings.Replacer differ: %v", err)
	}
	if n := strings.Count(src, "#{"); n != 100 {
		b.Fatalf("the script has %d substitutions, not 100", n)
	}

	b.Run("Evaluate", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := Evaluate(src, lookup); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Template.Evaluate", func(b *testing.B) {
		tmpl, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := tmpl.Evaluate(lookup, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Evaluate/Vars", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := Evaluate(src, Vars(vars)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference/strings.Replacer", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			_ = replacer.Replace(src)
		}
	})
}
