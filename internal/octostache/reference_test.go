package octostache

// Reference cases ported from OctopusDeploy/Octostache's test suite. The
// data lives in testdata/reference/*.txtar; the format is described at the
// top of each file. Each case runs as the subtest FILE/CASE.

import (
	"encoding/json"
	"errors"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// evaluateLenient evaluates a case the reference test evaluated with
// haltOnError=false.
var evaluateLenient = EvaluateLenient

// pendingFile lists, one per line, the cases not yet passing: "FILE/CASE
// reason". A listed case must fail and an unlisted one must pass, so the
// list says exactly what is left; docs/releases.md lists the deliberate
// divergences, which are never here.
const pendingFile = "testdata/reference/PENDING"

func TestReference(t *testing.T) {
	pending := readPending(t)
	files, err := filepath.Glob(filepath.Join("testdata", "reference", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/reference/*.txtar files")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(file), ".txtar")
		for _, c := range refCases(parseTxtar(string(data))) {
			name := base + "/" + c.name
			t.Run(name, func(t *testing.T) {
				if why, ok := pending[name]; ok {
					if !probeFails(c) {
						t.Errorf("passes now: remove it from %s (%s)", pendingFile, why)
					}
					return
				}
				runRefCase(t, c)
			})
		}
	}
}

func runRefCase(t testingT, c refCase) {
	f := c.fields
	has := func(k string) bool { _, ok := f[k]; return ok }
	template, ok := c.text("template")
	if !ok {
		t.Fatalf("case has no template (%s)", f["source"])
	}
	if !has("want") && !has("want.oneof") && !has("want.null") && !has("error") && !has("no-error") {
		t.Skipf("no evaluation expectation (%s)", f["source"])
	}
	vars := &orderedVars{}
	if js, ok := f["vars"]; ok {
		var pairs [][2]*string
		if err := json.Unmarshal([]byte(js), &pairs); err != nil {
			t.Fatalf("vars: %v", err)
		}
		for _, p := range pairs {
			if p[0] == nil {
				t.Fatalf("vars: null name")
			}
			value := ""
			if p[1] != nil {
				value = *p[1] // a variable set to null is bound as ""
			}
			vars.set(*p[0], value)
		}
	}
	lookup := deploymentVariables(t, vars)
	if want, ok := f["truthy"]; ok {
		// What Octopus makes of the template as a step's run condition,
		// through the entry point the deployer calls.
		yes, err := EvaluateTruthy(template, lookup)
		if got := strconv.FormatBool(yes); got != want {
			t.Errorf("%s\ntemplate: %q\nEvaluateTruthy = %s (%v), want %s", f["source"], template, got, err, want)
		}
	}
	eval := Evaluate
	if has("lenient") {
		eval = evaluateLenient
	}
	got, err := eval(template, lookup)
	src := f["source"]
	switch {
	case has("error"):
		if err == nil {
			t.Errorf("%s\ntemplate: %q\ngot %q, want an error: %s", src, template, got, f["error"])
		}
		return
	case has("want.null"):
		if err == nil {
			t.Errorf("%s\ntemplate: %q\ngot %q, want no result (the reference returns null)", src, template, got)
		}
		return
	case err != nil && !isSyntaxError(err):
		t.Fatalf("%s\ntemplate: %q\nunexpected error: %v", src, template, err)
	case err != nil && has("no-error"):
		t.Fatalf("%s\ntemplate: %q\nunexpected error: %v", src, template, err)
	case has("no-error"):
		return
	}
	wants := []string{}
	if js, ok := f["want.oneof"]; ok {
		if err := json.Unmarshal([]byte(js), &wants); err != nil {
			t.Fatalf("want.oneof: %v", err)
		}
	} else {
		w, _ := c.text("want")
		wants = append(wants, w)
	}
	norm := func(s string) string {
		if has("trim") {
			s = strings.TrimSpace(s)
		}
		if has("ignore-quotes") {
			s = strings.ReplaceAll(s, `"`, "")
		}
		return s
	}
	for _, w := range wants {
		if norm(got) == norm(w) {
			return
		}
	}
	if len(wants) == 1 {
		t.Errorf("%s\ntemplate: %q\n got: %q\nwant: %q", src, template, got, wants[0])
	} else {
		t.Errorf("%s\ntemplate: %q\ngot %q, want one of %q", src, template, got, wants)
	}
}

// refCase is one case: its fields by name ("template", "want", ...).
type refCase struct {
	name   string
	fields map[string]string
}

// text returns a template or want field with its markers applied.
func (c refCase) text(field string) (string, bool) {
	s, ok := c.fields[field]
	if !ok {
		return "", false
	}
	if _, ok := c.fields["escapes"]; ok {
		s = unescape(s)
	}
	if _, ok := c.fields[field+".trailing-newline"]; ok {
		s += "\n"
	}
	return s, true
}

// refCases groups sections named CASE/FIELD into cases, in file order.
func refCases(sections []txtarFile) []refCase {
	var cases []refCase
	index := map[string]int{}
	for _, s := range sections {
		i := strings.LastIndexByte(s.name, '/')
		if i < 0 {
			continue
		}
		name, field := s.name[:i], s.name[i+1:]
		n, ok := index[name]
		if !ok {
			n = len(cases)
			index[name] = n
			cases = append(cases, refCase{name: name, fields: map[string]string{}})
		}
		cases[n].fields[field] = s.data
	}
	return cases
}

type txtarFile struct{ name, data string }

// parseTxtar reads a txtar archive: a comment, then files each introduced
// by a line "-- NAME --". A file's final newline is not part of its data.
func parseTxtar(s string) []txtarFile {
	var files []txtarFile
	var cur *txtarFile
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.data = strings.TrimSuffix(body.String(), "\n")
			files = append(files, *cur)
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		l := strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) >= 6 {
			flush()
			cur = &txtarFile{name: strings.TrimSpace(l[3 : len(l)-3])}
			continue
		}
		if cur != nil {
			body.WriteString(line)
		}
	}
	flush()
	return files
}

// unescape decodes \\ \r \n \t; any other backslash is kept as written.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// orderedVars is a Lookup that keeps declaration order, as the reference's
// VariableDictionary does: names are case-insensitive, setting a name again
// replaces its value and keeps its first spelling and position, and Names
// lists matches in declaration order.
type orderedVars struct {
	names  []string
	values map[string]string // folded name → value
}

func (v *orderedVars) set(name, value string) {
	if v.values == nil {
		v.values = map[string]string{}
	}
	k := strings.ToLower(name)
	if _, ok := v.values[k]; !ok {
		v.names = append(v.names, name)
	}
	v.values[k] = value
}

func (v *orderedVars) Get(name string) (string, bool) {
	s, ok := v.values[strings.ToLower(name)]
	return s, ok
}

func (v *orderedVars) Names(prefix string) []string {
	var out []string
	for _, n := range v.names {
		if len(n) >= len(prefix) && strings.EqualFold(n[:len(prefix)], prefix) {
			out = append(out, n)
		}
	}
	return out
}

// readPending reads pendingFile; a missing file is an empty list.
func readPending(t *testing.T) map[string]string {
	data, err := os.ReadFile(pendingFile)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, why, _ := strings.Cut(line, " ")
		out[name] = why
	}
	return out
}

// testingT is what runRefCase needs of a test, so that a pending case can
// be run without failing the test.
type testingT interface {
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// probeT records whether a pending case failed. Fatalf and Skipf stop the
// case as they do in a test.
type probeT struct{ failed bool }

func (p *probeT) Errorf(string, ...any) { p.failed = true }
func (p *probeT) Fatalf(string, ...any) { p.failed = true; panic(probeStop{}) }
func (p *probeT) Skipf(string, ...any)  { panic(probeStop{}) }

type probeStop struct{}

// probeFails runs a pending case and reports whether it fails; a panic,
// where nothing is built yet, is a failure too.
func probeFails(c refCase) (failed bool) {
	p := &probeT{}
	defer func() {
		if r := recover(); r != nil {
			failed = true
		}
	}()
	runRefCase(p, c)
	return p.failed
}

// isSyntaxError reports a template that does not parse: Octostache gives
// it back unchanged with an error, and the cases that do not check the
// error compare that text.
func isSyntaxError(err error) bool {
	var syntax *SyntaxError
	return errors.As(err, &syntax)
}

// deploymentVariables is the case's variables as a deployment holds them:
// a variables.Set, what the deployer evaluates templates against, built
// from them as a project declaring them in that order. Octopus's
// VariableDictionary keeps one value per name (setting a name again keeps
// its first place), as orderedVars does; an empty name is no variable.
func deploymentVariables(t testingT, vars *orderedVars) Lookup {
	var decl []snapshot.Variable
	var ctx variables.Context
	for _, name := range vars.names {
		value := vars.values[strings.ToLower(name)]
		switch {
		case name == "":
			continue
		case strings.EqualFold(name, "Octopus.Environment.Name"):
			// A built-in: the deployment sets it, a project cannot.
			ctx.Environment = value
			continue
		}
		decl = append(decl, snapshot.Variable{Name: name, Values: []snapshot.Value{{Value: value}}})
	}
	set, err := variables.Resolve(decl, nil, variables.Builtins{}, ctx, variables.Options{})
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	return set
}
