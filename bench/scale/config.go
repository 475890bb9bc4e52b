package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
)

// Targets of the configuration leg.
const (
	projectTarget = 2.0 // a command on one project against parsing its files and the root's
	spaceTarget   = 1.3 // validate and dashboard against parsing every file
	fmtTarget     = 2.0 // fmt --check against parsing every file
)

// parseMain is the bench re-run as "scale -parse FILE|DIR...": a bare
// hclparse of the files, the reference the configuration leg measures
// commands against (time and memory, as a process of its own). A
// directory stands for every .hcl file below it, found as a command
// finds them, by reading the directories (hidden ones skipped).
func parseMain(args []string) {
	p := hclparse.NewParser()
	parse := func(f string) {
		if _, diags := p.ParseHCLFile(f); diags.HasErrors() {
			fmt.Fprintln(os.Stderr, diags.Error())
			os.Exit(1)
		}
	}
	for _, a := range args {
		if info, err := os.Stat(a); err != nil || !info.IsDir() {
			parse(a)
			continue
		}
		filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			switch {
			case err != nil:
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			case d.IsDir() && p != a && strings.HasPrefix(d.Name(), "."):
				return filepath.SkipDir
			case !d.IsDir() && strings.HasSuffix(p, ".hcl"):
				parse(p)
			}
			return nil
		})
	}
}

// configuration measures commands on one project of a Space of n
// projects, for each n in ns, and the whole-Space commands at the largest.
func (b *bench) configuration(ns []int) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	// Every Space is made before any is measured: making the largest
	// writes for a minute, and the measures of each size should see the
	// same machine.
	for _, n := range ns {
		if err := b.configSpace(fmt.Sprintf("cfg%d", n), n); err != nil {
			return 0, err
		}
	}
	syscall.Sync() // see history: the writes of setting up are not the commands'
	var rows []configRow
	for _, n := range ns {
		one, err := b.projectRows(self, n)
		if err != nil {
			return 0, err
		}
		rows = append(rows, one...)
	}
	whole, err := b.spaceRows(self, ns[len(ns)-1])
	if err != nil {
		return 0, err
	}
	rows = append(rows, whole...)
	missed := printConfigRows(b.runs, rows)
	missed += b.printGrowth(rows[0].n, ns[len(ns)-1], func(name string, n int) time.Duration {
		for _, r := range rows {
			if r.name == name && r.n == n {
				return r.cmd
			}
		}
		return 0
	})
	return missed, b.printFixedCosts(self)
}

// configRow is one command measured beside its reference.
type configRow struct {
	name      string
	n         int
	cmd, ref  time.Duration
	cmdRSS    int64
	refRSS    int64
	target    float64
	rssTarget float64
}

// cfgCommand is argv in the Space of n projects.
func (b *bench) cfgCommand(n int, args ...string) []string {
	return append([]string{b.bin, "-C", fmt.Sprintf("cfg%d", n)}, args...)
}

// projectRows measures the commands on one project in the Space of n
// projects beside a bare parse of that project's files and the root's.
func (b *bench) projectRows(self string, n int) ([]configRow, error) {
	dir := fmt.Sprintf("cfg%d", n)
	one := append(b.hclFiles(dir, ""), b.hclFiles(dir, "projects/p0001")...)
	ref, refRSS, err := b.medianRSS(append([]string{self, "-parse"}, one...))
	if err != nil {
		return nil, err
	}
	var rows []configRow
	for _, c := range []struct {
		name string
		argv func(i int) []string
	}{
		{"release create", func(i int) []string {
			return b.cfgCommand(n, "release", "create", "p0001", "--version", fmt.Sprintf("2.0.%d", i), "--no-deploy")
		}},
		{"deploy", func(int) []string { return b.cfgCommand(n, "deploy", "p0001", "1.0.0", "--to", "Development") }},
		{"deploy --dry-run", func(int) []string { return b.cfgCommand(n, "deploy", "p0001", "1.0.0", "--to", "Test", "--dry-run") }},
	} {
		d, rss, err := b.medianRSS(nil, c.argv)
		if err != nil {
			return nil, err
		}
		rows = append(rows, configRow{name: c.name, n: n, cmd: d, ref: ref, cmdRSS: rss, refRSS: refRSS, target: projectTarget})
	}
	return rows, nil
}

// spaceRows measures the whole-Space commands in the Space of n
// projects beside a bare parse of every file.
func (b *bench) spaceRows(self string, n int) ([]configRow, error) {
	whole, wholeRSS, err := b.medianRSS([]string{self, "-parse", b.path(fmt.Sprintf("cfg%d", n))})
	if err != nil {
		return nil, err
	}
	var rows []configRow
	for _, c := range []struct {
		name   string
		argv   []string
		target float64
		rss    float64
	}{
		{"validate", b.cfgCommand(n, "validate"), spaceTarget, 1.2},
		{"dashboard", b.cfgCommand(n, "dashboard"), spaceTarget, 1.2},
		{"fmt --check", b.cfgCommand(n, "fmt", "--check"), fmtTarget, 0},
	} {
		d, rss, err := b.medianRSS(c.argv)
		if err != nil {
			return nil, err
		}
		rows = append(rows, configRow{name: c.name, n: n, cmd: d, ref: whole, cmdRSS: rss, refRSS: wholeRSS, target: c.target, rssTarget: c.rss})
	}
	return rows, nil
}

// printConfigRows prints the table, and counts the targets missed.
func printConfigRows(runs int, rows []configRow) int {
	fmt.Printf("\nzonectl scale bench: commands against the number of projects (median of %d runs)\n", runs)
	fmt.Printf("The reference is a bare hclparse of the files the command needs: one project's and the root's, or every file.\n\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "COMMAND\tPROJECTS\tTIME\tREFERENCE\tRATIO\tTARGET\tPEAK RSS\tREFERENCE RSS\t")
	missed := 0
	for _, r := range rows {
		ratio := float64(r.cmd) / float64(r.ref)
		verdict := "PASS"
		if ratio > r.target || r.rssTarget > 0 && float64(r.cmdRSS) > r.rssTarget*float64(r.refRSS) {
			verdict = "FAIL"
			missed++
		}
		rssNote := ""
		if r.rssTarget > 0 {
			rssNote = fmt.Sprintf(" (≤ %.1f×)", r.rssTarget)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.1f×\t≤ %.1f× %s\t%d MiB\t%d MiB%s\t\n", r.name, r.n, ms(r.cmd), ms(r.ref), ratio, r.target, verdict, r.cmdRSS>>20, r.refRSS>>20, rssNote)
	}
	tw.Flush()
	return missed
}

// printFixedCosts measures and prints what starting each program costs.
func (b *bench) printFixedCosts(self string) error {
	floor, _, err := b.medianRSS([]string{b.bin, "version"})
	if err != nil {
		return err
	}
	blank, _, err := b.medianRSS([]string{self, "-parse"})
	if err != nil {
		return err
	}
	fmt.Printf("\nFixed costs in this run: zonectl version, a zonectl process that reads nothing, %s; the reference's process parsing nothing, %s.\n", ms(floor), ms(blank))
	return nil
}

// growthTarget is how much slower a command on one project may be in
// the largest Space than in the smallest: flat, within noise.
const growthTarget = 1.3

// printGrowth prints how each command on one project grows from the
// smallest Space to the largest, and counts the misses.
func (b *bench) printGrowth(small, large int, at func(name string, n int) time.Duration) int {
	fmt.Printf("\nGrowth of the commands on one project from %d to %d projects:\n\n", small, large)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "COMMAND\t%d PROJECTS\t%d PROJECTS\tGROWTH\tTARGET\t\n", small, large)
	missed := 0
	for _, name := range []string{"release create", "deploy", "deploy --dry-run"} {
		a, z := at(name, small), at(name, large)
		growth := float64(z) / float64(a)
		verdict := "PASS"
		if growth > growthTarget {
			verdict = "FAIL"
			missed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f×\t≤ %.1f× %s\t\n", name, ms(a), ms(z), growth, growthTarget, verdict)
	}
	tw.Flush()
	return missed
}

// configSpace makes a Space of n projects in dir, each with a step and
// a few variables, and a release of p0001 deployed nowhere yet.
func (b *bench) configSpace(dir string, n int) error {
	if _, err := b.zonectl("init", dir); err != nil {
		return err
	}
	if err := b.write(dir+"/environments.hcl", strings.SplitN(setUpFiles["devtest/environments.hcl"], "remote_environment", 2)[0]+devLifecycle); err != nil {
		return err
	}
	for i := range n {
		name := fmt.Sprintf("p%04d", i)
		body := fmt.Sprintf("project %q {\n  lifecycle = \"Default\"\n}\n\nstep \"Hello\" {\n  run_script {\n    body = \"echo #{Greeting} from #{Octopus.Environment.Name}\"\n  }\n}\n", name)
		for v := range 3 {
			body += fmt.Sprintf("\nvariable \"Var%d\" {\n  value \"v%d\" {}\n}\n", v, v)
		}
		body += "\nvariable \"Greeting\" {\n  value \"hello\" {}\n}\n"
		if err := b.write(fmt.Sprintf("%s/projects/%s/project.hcl", dir, name), body); err != nil {
			return err
		}
	}
	for _, argv := range [][]string{
		{"git", "-C", dir, "add", "-A"}, {"git", "-C", dir, "commit", "-qm", "Configure"},
		{b.bin, "-C", dir, "release", "create", "p0001", "--version", "1.0.0", "--no-deploy"},
	} {
		if _, err := b.run(argv...); err != nil {
			return err
		}
	}
	return nil
}

// devLifecycle is devtest's lifecycle without the remote environment.
const devLifecycle = `lifecycle "Default" {
  phase "Development" {
    environments = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
}
`

// hclFiles lists the .hcl files of the Space in dir: its root's for "",
// else those of the subdirectory sub.
func (b *bench) hclFiles(dir, sub string) []string {
	var out []string
	root := b.path(dir)
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		keep := strings.HasSuffix(p, ".hcl") && (sub == "" && !strings.Contains(rel, "/") || sub != "" && strings.HasPrefix(rel, sub+"/"))
		if keep {
			out = append(out, p)
		}
		return nil
	})
	return out
}
