// Command scale measures how zonectl's commands grow with a Space's
// history: it builds zonectl, sets up a source Space (devtest) and a
// target (prod), grows their ledgers to each size asked for with
// generated events (signed deployments of real releases, as a busy Space
// records them), and times deploy, release create, promote, import,
// dashboard and release list at each size, beside the same command at
// the smallest size; then audit beside git log of the same refs.
//
//	go run ./bench/scale [-events 100,1000,10000] [-runs 3] [-keep]
//
// make bench-scale runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	sizes := flag.String("events", "100,1000,10000", "ledger sizes to measure at, ascending")
	runs := flag.Int("runs", 3, "runs of each command at each size (the median is shown)")
	keep := flag.Bool("keep", false, "keep the workspace")
	strict := flag.Bool("strict", false, "exit with status 1 when a target is missed")
	flag.Parse()
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || len(ns) > 0 && n <= ns[len(ns)-1] {
			fmt.Fprintf(os.Stderr, "scale: -events %q: want ascending positive numbers\n", *sizes)
			os.Exit(2)
		}
		ns = append(ns, n)
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
	missed, err := b.history(ns)
	if err != nil {
		fmt.Fprintf(os.Stderr, "scale: %v\n", err)
		os.Exit(1)
	}
	if missed > 0 && *strict {
		os.Exit(1)
	}
}
