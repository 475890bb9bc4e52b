// Command scale measures how zonectl's commands grow with a Space's
// history: it builds zonectl, sets up a source Space (devtest) and a
// target (prod), grows their ledgers to each size asked for with
// generated events (signed deployments of real releases, as a busy Space
// records them), and times deploy, release create, promote, import,
// dashboard and release list at each size, beside the same command at
// the smallest size; then audit beside git log of the same refs.
//
// Its configuration leg times release create, deploy and deploy --dry-run
// of one project in Spaces of each number of projects, beside a bare
// hclparse of the files they need, and validate, dashboard and fmt --check
// beside a bare hclparse of every file.
//
//	go run ./bench/scale [-events 100,1000,10000] [-projects 100,1000,3000] [-leg all|history|config] [-runs 5] [-keep] [-strict]
//
// make bench-scale runs it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-parse" {
		parseMain(os.Args[2:])
		return
	}
	sizes := flag.String("events", "100,1000,10000", "ledger sizes to measure at, ascending")
	projects := flag.String("projects", "100,1000,3000", "numbers of projects to measure at, ascending")
	leg := flag.String("leg", "all", "which leg to run: history, config or all")
	runs := flag.Int("runs", 5, "runs of each command at each size (the median is shown)")
	keep := flag.Bool("keep", false, "keep the workspace")
	strict := flag.Bool("strict", false, "exit with status 1 when a target is missed")
	flag.Parse()
	ns, ps := ascending("-events", *sizes), ascending("-projects", *projects)
	if *leg == "all" {
		os.Exit(eachLeg())
	}
	b, err := newBench(*runs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "scale: %v\n", err)
		os.Exit(1)
	}
	if !*keep {
		defer os.RemoveAll(b.dir)
	} else {
		defer fmt.Fprintf(os.Stderr, "scale: kept %s\n", b.dir)
	}
	missed := 0
	for _, l := range []struct {
		name string
		run  func() (int, error)
	}{{"history", func() (int, error) { return b.history(ns) }}, {"config", func() (int, error) { return b.configuration(ps) }}} {
		if *leg != "all" && *leg != l.name {
			continue
		}
		m, err := l.run()
		if err != nil {
			fmt.Fprintf(os.Stderr, "scale: %v\n", err)
			os.Exit(1)
		}
		missed += m
	}
	if missed > 0 && *strict {
		os.Exit(1)
	}
}

// ascending parses a flag's comma-separated, ascending positive numbers.
func ascending(flagName, v string) []int {
	var ns []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || len(ns) > 0 && n <= ns[len(ns)-1] {
			fmt.Fprintf(os.Stderr, "scale: %s %q: want ascending positive numbers\n", flagName, v)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	return ns
}

// eachLeg runs the bench once per leg, each in a process of its own: a
// child's peak resident size, as the kernel reports it, starts from its
// parent's size when it was started, and the history leg's generator
// leaves this process large.
func eachLeg() int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "scale: %v\n", err)
		return 1
	}
	status := 0
	for _, leg := range []string{"history", "config"} {
		args := []string{"-leg", leg}
		flag.Visit(func(f *flag.Flag) {
			if f.Name != "leg" {
				args = append(args, "-"+f.Name+"="+f.Value.String())
			}
		})
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				fmt.Fprintf(os.Stderr, "scale: %v\n", err)
			}
			status = 1
		}
	}
	return status
}
