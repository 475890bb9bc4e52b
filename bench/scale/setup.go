package main

import "fmt"

// setUp makes devtest (environments Development, automatic, and Test, and
// prod's Production as a remote environment; the project web) and prod,
// peers of each other, and carries web 1.0.0 from one to the other: a
// release, its deployments, a promotion, an import, an acceptance and a
// deployment there.
func (b *bench) setUp() error {
	for _, args := range [][]string{{"init", "devtest"}, {"init", "prod"}} {
		if _, err := b.zonectl(args...); err != nil {
			return err
		}
	}
	for rel, data := range setUpFiles {
		if err := b.write(rel, data); err != nil {
			return err
		}
	}
	return b.setUpHistory()
}

// setUpFiles are the configuration of devtest and prod.
var setUpFiles = map[string]string{
	"devtest/environments.hcl": `environment "Development" {}
environment "Test" {}

remote_environment "Production" {
  space = "prod"
}

lifecycle "Default" {
  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
  phase "Production" {
    environments = ["Production"]
  }
}
`,
	"devtest/projects/web/project.hcl": `project "web" {
  lifecycle = "Default"
}

package "web" {}

step "Hello" {
  run_script {
    body = "echo hello from #{Octopus.Environment.Name}"
  }
}
`,
	"devtest/projects/api/project.hcl": `project "api" {
  lifecycle = "Default"
}

step "Hello" {
  run_script {
    body = "echo api"
  }
}
`,
	"prod/environments.hcl": `environment "Production" {}

lifecycle "Prod" {
  phase "Production" {
    environments = ["Production"]
  }
}
`,
	"dist/web.bin": "web package bytes\n",
}

// setUpHistory carries web 1.0.0 from devtest to prod.
func (b *bench) setUpHistory() error {
	steps := [][]string{
		{b.bin, "-C", "devtest", "peer", "add", "prod", "--key", "../prod/keys/prod.asc", "--accepts", "receipts"},
		{b.bin, "-C", "prod", "peer", "add", "devtest", "--key", "../devtest/keys/devtest.asc", "--accepts", "releases"},
		{"git", "-C", "devtest", "add", "-A"}, {"git", "-C", "devtest", "commit", "-qm", "Configure"},
		{"git", "-C", "prod", "add", "-A"}, {"git", "-C", "prod", "commit", "-qm", "Configure"},
		{b.bin, "-C", "devtest", "package", "push", "../dist/web.bin", "--id", "web", "--version", "1.0.0"},
		{b.bin, "-C", "devtest", "release", "create", "web", "--version", "1.0.0"},
		{b.bin, "-C", "devtest", "deploy", "web", "1.0.0", "--to", "Test"},
		{b.bin, "-C", "devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", "../setup.zbundle"},
		{b.bin, "-C", "prod", "import", "../setup.zbundle"},
		{b.bin, "-C", "prod", "accept", "web", "1.0.0", "--lifecycle", "Prod"},
		{b.bin, "-C", "prod", "deploy", "web", "1.0.0", "--to", "Production"},
	}
	for _, argv := range steps {
		if _, err := b.run(argv...); err != nil {
			return fmt.Errorf("set up: %w", err)
		}
	}
	return nil
}
