package main

import (
	"fmt"
	"os"
	"syscall"
	"text/tabwriter"
	"time"
)

// historyTarget is how much slower a command may be at the largest
// ledger than at the smallest.
const historyTarget = 1.3

// auditTarget is how much slower than git log of the same refs audit may
// be.
const auditTarget = 5.0

// op is a command measured at each ledger size.
type op struct {
	name string
	argv func(n, i int) []string
}

// history grows both Spaces' ledgers to each size in ns and times the
// commands there; it prints the table and returns how many targets were
// missed.
func (b *bench) history(ns []int) (int, error) {
	if err := b.setUp(); err != nil {
		return 0, err
	}
	z := func(args ...string) []string { return append([]string{b.bin}, args...) }
	bundle := func(n, i int) string { return fmt.Sprintf("../p-%d-%d.zbundle", n, i) }
	ops := []op{
		{"deploy", func(int, int) []string { return z("-C", "devtest", "deploy", "web", "1.0.0", "--to", "Test") }},
		// In a project of its own, so that release list, below, lists as
		// many releases at every size: it is measured against the ledger,
		// not the number of releases.
		{"release create", func(n, i int) []string {
			return z("-C", "devtest", "release", "create", "api", "--version", fmt.Sprintf("2.%d.%d", n, i), "--no-deploy")
		}},
		{"promote", func(n, i int) []string {
			return z("-C", "devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", bundle(n, i))
		}},
		{"import", func(n, i int) []string { return z("-C", "prod", "import", bundle(n, i)) }},
		{"dashboard", func(int, int) []string { return z("-C", "devtest", "dashboard") }},
		{"release list", func(int, int) []string { return z("-C", "devtest", "release", "list", "web") }},
		{"ref: git log of the ledger", func(int, int) []string {
			return []string{"git", "-C", "devtest", "log", "--format=%H %s", "refs/zonectl/ledger"}
		}},
	}
	results := map[string][]time.Duration{}
	for _, n := range ns {
		fmt.Fprintf(os.Stderr, "scale: growing both ledgers to %d events\n", n)
		if err := b.grow("devtest", []string{"Development", "Test"}, n); err != nil {
			return 0, err
		}
		if err := b.grow("prod", []string{"Production"}, n); err != nil {
			return 0, err
		}
		// Tens of thousands of objects were just written: left to the
		// kernel, their writeback lands on the fsyncs of the commands
		// measured next, and deploy took seconds one run, 50 ms the next.
		syscall.Sync()
		for _, o := range ops {
			d, err := b.median(func(i int) ([]string, error) { return o.argv(n, i), nil })
			if err != nil {
				return 0, err
			}
			results[o.name] = append(results[o.name], d)
		}
	}
	missed := b.printHistory(ns, ops, results)
	m, err := b.auditLeg()
	return missed + m, err
}

func (b *bench) printHistory(ns []int, ops []op, results map[string][]time.Duration) int {
	fmt.Printf("\nzonectl scale bench: commands against the ledger's size (median of %d runs)\n\n", b.runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "COMMAND\t")
	for _, n := range ns {
		fmt.Fprintf(tw, "%d EVENTS\t", n)
	}
	fmt.Fprintf(tw, "LARGEST/SMALLEST\tTARGET\t\n")
	missed := 0
	for _, o := range ops {
		r := results[o.name]
		fmt.Fprintf(tw, "%s\t", o.name)
		for _, d := range r {
			fmt.Fprintf(tw, "%s\t", ms(d))
		}
		ratio := float64(r[len(r)-1]) / float64(r[0])
		verdict := "PASS"
		if ratio > historyTarget {
			verdict = "FAIL"
			if o.name[:4] != "ref:" {
				missed++
			}
		}
		if o.name[:4] == "ref:" {
			verdict = "(reference)"
		}
		fmt.Fprintf(tw, "%.2f×\t≤ %.1f× %s\t\n", ratio, historyTarget, verdict)
	}
	tw.Flush()
	return missed
}

// auditLeg times audit, which alone walks the whole ledger, beside git
// log of the same refs.
func (b *bench) auditLeg() (int, error) {
	audit, err := b.median(func(int) ([]string, error) { return []string{b.bin, "-C", "devtest", "audit"}, nil })
	if err != nil {
		return 0, err
	}
	gitLog, err := b.median(func(int) ([]string, error) {
		return []string{"git", "-C", "devtest", "log", "--format=%H %s", "--all"}, nil
	})
	if err != nil {
		return 0, err
	}
	ratio := float64(audit) / float64(gitLog)
	verdict := "PASS"
	if ratio > auditTarget {
		verdict = "FAIL"
	}
	fmt.Printf("\naudit %s, git log --all %s: %.1f× (target ≤ %.0f×) %s\n", ms(audit), ms(gitLog), ratio, auditTarget, verdict)
	if verdict == "FAIL" {
		return 1, nil
	}
	return 0, nil
}
