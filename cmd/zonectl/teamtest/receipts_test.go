package teamtest

import (
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestTargetReceiptsAtTheRemote: in a target Space shared by a team,
// three clones deploy an imported release at once, each to another
// environment. Every deployment appends a receipt to the one chain for the
// source; the remote takes one append at a time, so the chain stays
// linear with no position used twice, the source imports it whole, and
// its dashboard shows all three.
func TestTargetReceiptsAtTheRemote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Git servers")
	}
	tm := newTeam(t, startGitDaemon)
	src := tm.clone("source")
	src.zonectl("release", "create", "web", "--version", "2.0.0").ok(t)
	src.zonectl("deploy", "web", "2.0.0", "--to", "Test").ok(t)
	bundle := filepath.Join(tm.dir, "web-2.0.0.zbundle")
	src.zonectl("promote", "web", "2.0.0", "--to", "prod", "--out", bundle).ok(t)

	prod := newTarget(t, tm, startGitDaemon, targetHCL)
	first := prod.clone("prod-1")
	first.zonectl("import", bundle).ok(t)
	first.zonectl("accept", "web", "2.0.0", "--lifecycle", "Prod").ok(t)

	envs := []string{"Staging", "Production", "DR"}
	var wg sync.WaitGroup
	results := make([]result, len(envs))
	for i, env := range envs {
		c := prod.clone("prod-deploy-" + strings.ToLower(env))
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.zonectl("deploy", "web", "2.0.0", "--to", env)
		}()
	}
	wg.Wait()
	for _, r := range results {
		mustContain(t, r.ok(t).stdout, ": Success")
	}
	// One clone deploys offline while another deploys online: the
	// offline receipt is replayed after the other's at sync.
	offline := prod.clone("prod-offline")
	offline.zonectl("release", "list").ok(t) // the clone's first catch-up
	offline.zonectl("--offline", "deploy", "web", "2.0.0", "--to", "Staging").ok(t)
	online := prod.clone("prod-online")
	online.zonectl("deploy", "web", "2.0.0", "--to", "DR").ok(t)
	mustContain(t, offline.zonectl("sync").ok(t).stdout, "Replayed this clone's unpushed receipts on refs/zonectl/receipts/devtest")
	first.zonectl("sync").ok(t)
	subjects := run(t, first.dir, first.env, "git", "log", "--format=%s", "refs/zonectl/receipts/devtest")
	if merges := run(t, first.dir, first.env, "git", "log", "--merges", "--format=%H", "refs/zonectl/receipts/devtest"); merges != "" {
		t.Errorf("the receipts chain has merges:\n%s", merges)
	}
	positions := regexp.MustCompile(`(?m)^Receipt (\d+): `).FindAllStringSubmatch(subjects, -1)
	seen := map[string]bool{}
	for _, p := range positions {
		if seen[p[1]] {
			t.Errorf("receipt position %s is used twice:\n%s", p[1], subjects)
		}
		seen[p[1]] = true
	}
	for _, env := range envs {
		if !strings.Contains(subjects, "deployed to "+env+": Success") {
			t.Errorf("the receipts chain lacks the deployment to %s:\n%s", env, subjects)
		}
	}
	if len(positions) != 1+len(envs)+2 {
		t.Errorf("%d receipts, want the acceptance and %d deployments:\n%s", len(positions), len(envs)+2, subjects)
	}

	receipts := filepath.Join(tm.dir, "prod.zreceipts")
	first.zonectl("receipt", "export", "--to", "devtest", "--out", receipts).ok(t)
	src.zonectl("receipt", "import", receipts).ok(t)
	dash := src.zonectl("--output", "json", "dashboard").ok(t).stdout
	mustContain(t, dash, `"Production"`)
	src.zonectl("audit").ok(t)
	first.zonectl("audit").ok(t)
}

// target is a Space that imports from devtest, on a central repository of
// its own.
type target struct {
	tm      *team
	central string
	key     string
	env     map[string]string
}

const targetHCL = `environment "Staging" {}
environment "Production" {}
environment "DR" {}

lifecycle "Prod" {
  phase "Everywhere" {
    environments = ["Staging", "Production", "DR"]
  }
}
`

// newTarget configures prod (created beside devtest by newTeam) to accept
// releases from devtest, with environments, and serves it with start.
func newTarget(t *testing.T, tm *team, start func(*testing.T, string) server, environments string) *target {
	setup := tm.home("setup")
	prod := filepath.Join(tm.dir, "prod")
	tm.zonectl(setup, prod, "peer", "add", "devtest", "--key", "../devtest/keys/devtest.asc", "--accepts", "releases").ok(t)
	writeFile(t, filepath.Join(prod, "environments.hcl"), environments)
	tm.storeOnRegistry(prod, "prod")
	commitWithRemote(t, prod, "prod", setup)
	servers := filepath.Join(tm.dir, "prod-server")
	bareRepo(t, prod, servers, "prod.git")
	srv := start(t, servers)
	return &target{
		tm: tm, central: srv.url("prod.git"), env: srv.clientEnv(),
		key: filepath.Join(setup["XDG_CONFIG_HOME"], "zonectl", "keys", fingerprint(t, filepath.Join(prod, "keys", "prod.asc"))+".asc"),
	}
}

// clone is a fresh clone of prod in a fresh home, with prod's key.
func (p *target) clone(name string) *clone {
	c := &clone{tm: p.tm, name: name, dir: filepath.Join(p.tm.dir, "clones", name), env: p.tm.home(name)}
	c.env["ZONECTL_KEY"] = p.key
	for k, v := range p.env {
		c.env[k] = v
	}
	run(p.tm.t, p.tm.dir, c.env, "git", "clone", "-q", p.central, c.dir)
	return c
}
