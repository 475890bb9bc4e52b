package teamtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// workflowDir is examples/ci, whose workflow and job scripts the test
// plays.
func workflowDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "ci")
}

// TestCIWorkflow plays examples/ci/zonectl.yml as GitHub would run it:
// every job in a fresh clone, with a fresh home and nothing in its own
// package store, running the job scripts the workflow runs. Pull request,
// release (and its re-run), Development, Test, promote; then the target's
// operator imports, accepts and deploys, and sends the receipts back. Both
// Spaces' audits pass, and the source's dashboard shows the target's
// deployment.
func TestCIWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Git servers")
	}
	tm := newTeam(t, startHTTPBackend)
	scripts := workflowScripts(t)
	installScripts(t, tm)
	played := map[string]bool{}
	job := func(name, script string, env map[string]string) result {
		c := tm.clone(name)
		played[script] = true
		return c.job(script, env)
	}
	const version = "1.0.7"

	// A pull request that breaks the configuration fails its check with
	// annotations; one that does not passes.
	pr := tm.clone("pr")
	writeFile(t, filepath.Join(pr.dir, "projects", "web", "project.hcl"), strings.Replace(projectHCL, `lifecycle = "Default"`, `lifecycle = "Defualt"`, 1))
	r := pr.job("ci/check.sh", nil)
	played["ci/check.sh"] = true
	if r.code == 0 || !regexp.MustCompile(`(?m)^::error file=projects/web/project.hcl,line=2,col=\d+,title=Unknown lifecycle::`).MatchString(r.stdout) {
		t.Fatalf("the check of a broken pull request: exit %d, want a failure with an annotation on projects/web/project.hcl line 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	job("check", "ci/check.sh", nil).ok(t)

	// The release job, and a re-run of it on another runner.
	notes := `Fix "login" $(touch pwned) ; rm -rf /`
	rel := map[string]string{"VERSION": version, "NOTES": notes}
	created := job("release", "ci/release.sh", withPackage(t, tm, rel)).ok(t)
	mustContain(t, created.stdout, "Created release web "+version)
	again := job("release-rerun", "ci/release.sh", withPackage(t, tm, rel)).ok(t)
	mustContain(t, again.stdout, "exists already, made from the same commit with the same packages")

	// One deploy job per environment, in lifecycle order; the runner owns
	// where the steps write.
	for _, env := range []string{"Development", "Test"} {
		job("deploy-"+strings.ToLower(env), "ci/deploy.sh", map[string]string{"VERSION": version, "ENVIRONMENT": env}).ok(t)
	}
	bundle := filepath.Join(tm.dir, "artifacts", "web-"+version+".zbundle")
	if err := os.MkdirAll(filepath.Dir(bundle), 0o755); err != nil {
		t.Fatal(err)
	}
	job("promote", "ci/promote.sh", map[string]string{"VERSION": version, "TARGET": "prod", "OUT": bundle}).ok(t)

	// The target's operator, in prod's own repository.
	receipts := operateTarget(t, tm, bundle, version)

	// Back in the source: the receipts, the dashboard, the audit.
	src := tm.clone("source-operator")
	src.zonectl("receipt", "import", receipts).ok(t)
	checkDashboard(t, src, version)
	src.zonectl("audit").ok(t)
	show := src.zonectl("--output", "json", "release", "show", "web", version).ok(t)
	mustContain(t, show.stdout, `"notes": "Fix \"login\" $(touch pwned) ; rm -rf /"`)
	if _, err := os.Stat(filepath.Join(tm.dir, "clones", "release", "pwned")); err == nil {
		t.Error("the release notes ran as a command")
	}
	for _, s := range scripts {
		if !played[s] {
			t.Errorf("the workflow runs %s, which this test does not play", s)
		}
	}
}

// workflowScripts lists the job scripts zonectl.yml runs.
func workflowScripts(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join(workflowDir(t), "zonectl.yml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+run: (ci/\S+\.sh)\s*$`).FindAllStringSubmatch(string(data), -1) {
		seen[m[1]] = true
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	if len(out) < 4 {
		t.Fatalf("zonectl.yml runs %v; expected the check, release, deploy and promote scripts", out)
	}
	return out
}

// installScripts commits examples/ci/ci/*.sh to the Space, as a team
// copies them, and pushes them to the central repository.
func installScripts(t *testing.T, tm *team) {
	c := tm.clone("maintainer")
	files, _ := filepath.Glob(filepath.Join(workflowDir(t), "ci", "*.sh"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(c.dir, "ci", filepath.Base(f))
		writeFile(t, dst, string(data))
		if err := os.Chmod(dst, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run(t, c.dir, c.env, "git", "add", "ci")
	run(t, c.dir, c.env, "git", "commit", "-qm", "Add the CI job scripts")
	run(t, c.dir, c.env, "git", "push", "-q", "origin", "main")
}

// job runs a job script in the clone as a runner does: PROJECT and the
// runner's own temporary directory set, zonectl on the PATH.
func (c *clone) job(script string, extra map[string]string) result {
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = v
	}
	env["PATH"] = filepath.Dir(zonectlBin) + string(os.PathListSeparator) + env["PATH"]
	env["PROJECT"] = "web"
	env["RUNNER_TEMP"] = env["TMPDIR"]
	for k, v := range extra {
		env[k] = v
	}
	return c.tm.exec(env, c.dir, filepath.Join(c.dir, script))
}

// withPackage adds PACKAGE, a package the build made on this runner.
func withPackage(t *testing.T, tm *team, env map[string]string) map[string]string {
	out := map[string]string{"PACKAGE": filepath.Join(tm.dir, "dist", "web-"+env["VERSION"]+".tar.gz")}
	writeTarGz(t, out["PACKAGE"], "index.html", "<h1>web "+env["VERSION"]+"</h1>\n")
	for k, v := range env {
		out[k] = v
	}
	return out
}

// operateTarget is prod's side: its operator imports the bundle in a clone
// of prod's own central repository, accepts it, deploys it, and exports
// the receipts for devtest. It returns the receipts file.
func operateTarget(t *testing.T, tm *team, bundle, version string) string {
	prod := newTarget(t, tm, startHTTPBackend, "environment \"Production\" {}\n\nlifecycle \"Prod\" {\n  phase \"Production\" {\n    environments = [\"Production\"]\n  }\n}\n")
	op := prod.clone("prod-operator")
	op.zonectl("import", bundle).ok(t)
	op.zonectl("accept", "web", version, "--lifecycle", "Prod").ok(t)
	op.zonectl("deploy", "web", version, "--to", "Production").ok(t)
	op.zonectl("audit").ok(t)
	receipts := filepath.Join(tm.dir, "artifacts", "prod.zreceipts")
	op.zonectl("receipt", "export", "--to", "devtest", "--out", receipts).ok(t)
	return receipts
}

// checkDashboard: the source's dashboard shows web at version in Test,
// and deployed in prod's Production.
func checkDashboard(t *testing.T, c *clone, version string) {
	out := c.zonectl("--output", "json", "dashboard").ok(t).stdout
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("dashboard --output json: %v\n%s", err, out)
	}
	mustContain(t, out, `"Production"`)
	if !regexp.MustCompile(`(?s)"environment": "Production".*?"version": "` + regexp.QuoteMeta(version) + `"`).MatchString(out) {
		t.Errorf("the dashboard does not show %s in Production:\n%s", version, out)
	}
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Fatalf("output lacks %q:\n%s", want, s)
	}
}
