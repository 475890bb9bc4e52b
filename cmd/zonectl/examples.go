package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// examples are the Examples section of each command's --help, by its
// path under zonectl: what a release engineer types, commented where the
// line alone does not say why. docs/commands.md shows every one of them
// (TestEveryCommandHasExamples holds both to it).
var examples = map[string]string{
	"init":             "zonectl init devtest --example           # a Space, and commented files to start from\nzonectl init prod /srv/spaces/prod",
	"validate":         "zonectl validate\nzonectl --output json validate            # diagnostics for CI annotations",
	"fmt":              "zonectl fmt                                # rewrite the Space's files\nzonectl fmt --check --diff                 # in CI: fail, and show what would change",
	"keys generate":    "zonectl keys generate                      # a key pair for a Space cloned without its private key",
	"keys export":      "zonectl keys export > devtest.asc          # give this to the Spaces that trust devtest\nzonectl keys export prod                   # a peer's key, as this Space holds it",
	"peer add":         "zonectl peer add prod --key prod.asc --accepts receipts\nzonectl peer add devtest --key devtest.asc --accepts releases --url ssh://git@devtest.example.com/space.git --commit",
	"peer update":      "zonectl peer update prod --key prod-2027.asc        # prod replaced its key\nzonectl peer update prod --url ssh://git@prod.example.com/space.git --commit",
	"peer remove":      "zonectl peer remove qa --commit",
	"package push":     "zonectl package push dist/acme-web.1.4.0.tar.gz --id acme-web --version 1.4.0",
	"package list":     "zonectl package list\nzonectl package list acme-web",
	"package pull":     "zonectl package pull acme-web 1.4.0          # into this clone's store, ahead of a deployment",
	"release create":   "zonectl release create acme-web --version 1.4.0\nzonectl release create acme-web --version 1.4.1 --package acme-web=1.4.1 --notes 'Fixes the checkout' --no-deploy",
	"release list":     "zonectl release list\nzonectl release list acme-web",
	"release show":     "zonectl release show acme-web 1.4.0",
	"release diff":     "zonectl release diff acme-web 1.3.0 1.4.0",
	"release snapshot": "zonectl release snapshot acme-web 1.4.0     # take the variables again after a committed change",
	"deploy": "zonectl deploy acme-web 1.4.0 --to Test --dry-run   # the plan: steps and resolved variables, secrets masked\n" +
		"zonectl deploy acme-web 1.4.0 --to Test\n" +
		"zonectl deploy acme-web 1.4.0 --to Production --approve 'Approve production'",
	"secret set": "zonectl secret set DbPassword --env Test --project acme-web < password.txt\n" +
		"zonectl secret set ApiKey --env Production --tenant acme --project acme-web --commit",
	"dashboard": "zonectl dashboard\nzonectl dashboard --project acme-web --html dashboard.html",
	"promote": "zonectl promote acme-web 1.4.0 --to prod --out acme-web-1.4.0.zbundle   # carry it across the air gap\n" +
		"zonectl promote acme-web 1.4.0 --to prod --out usb/acme-web.zbundle --split 4GiB\n" +
		"zonectl promote acme-web 1.4.0 --to prod --push",
	"import":         "zonectl import acme-web-1.4.0.zbundle\nzonectl import usb/acme-web.zbundle.index usb/acme-web.zbundle.part-*\nzonectl import --incoming                  # what peers pushed",
	"bundle inspect": "zonectl bundle inspect acme-web-1.4.0.zbundle --key devtest.asc",
	"receipt export": "zonectl receipt export --to devtest --out receipts.zreceipts",
	"receipt push":   "zonectl receipt push --to devtest",
	"receipt import": "zonectl receipt import receipts.zreceipts\nzonectl receipt import --incoming",
	"review":         "zonectl review acme-web 1.4.0",
	"accept": "zonectl accept acme-web 1.4.0 --values prod-values.hcl\n" +
		"zonectl accept acme-web 1.4.0 --set-null 'DbPassword[Staging]'   # and be asked for the rest",
	"reject":  "zonectl reject acme-web 1.4.0 --reason 'Fails the PCI scan'",
	"audit":   "zonectl audit\nzonectl --output json audit",
	"doctor":  "zonectl doctor --dry-run                   # what a crash left, and what would be done\nzonectl doctor",
	"sync":    "zonectl sync",
	"status":  "zonectl status",
	"version": "zonectl version",
}

// addExamples gives each command its Examples section.
func addExamples(root *cobra.Command) {
	for _, c := range allCommands(root) {
		if e, ok := examples[commandKey(c)]; ok {
			c.Example = indent(e)
		}
	}
}

// commandKey is a command's path without "zonectl ".
func commandKey(c *cobra.Command) string {
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// allCommands lists root's commands, depth first.
func allCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, c := range root.Commands() {
		out = append(out, c)
		out = append(out, allCommands(c)...)
	}
	return out
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
