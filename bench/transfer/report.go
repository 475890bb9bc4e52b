package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// check is one PASS/FAIL line of the report.
type check struct {
	Name   string
	OK     bool
	Detail string
}

func (b *bench) check(name string, ok bool, detail string) {
	b.checks = append(b.checks, check{name, ok, detail})
}

// memoryChecks holds every bounded command's peak RSS to its bound.
func (b *bench) memoryChecks() {
	for _, m := range b.r.rows {
		if m.Bound > 0 {
			b.check(m.Label+": peak RSS within its bound", m.MaxRSS <= m.Bound,
				fmt.Sprintf("peak RSS %s, bound %s", human(m.MaxRSS), human(m.Bound)))
		}
	}
}

// report prints the table of measures, then the checks; it returns the
// number of checks that failed.
func (b *bench) report(w io.Writer) int {
	fmt.Fprintf(w, "\nzonectl transfer bench: %s\n", b.g)
	fmt.Fprintf(w, "READ and WRITTEN are bytes through read(2)/write(2) (page cache included); DISK W reached the block layer.\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STEP\tWALL\tCPU\tPEAK RSS\tREAD\tWRITTEN\tDISK W\tBOUND\tMEM\t")
	for _, m := range b.r.rows {
		verdict, bound := "", ""
		if m.Bound > 0 {
			bound, verdict = human(m.Bound), "PASS"
			if m.MaxRSS > m.Bound {
				verdict = "FAIL"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m.Label, seconds(m.Wall), seconds(m.CPU),
			human(m.MaxRSS), human(m.Read), human(m.Written), human(m.DiskWritten), bound, verdict)
	}
	tw.Flush()
	fmt.Fprintln(w)
	failed := 0
	for _, c := range b.checks {
		mark := "PASS"
		if !c.OK {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(w, "%s  %s\n", mark, c.Name)
		if c.Detail != "" {
			fmt.Fprintf(w, "      %s\n", c.Detail)
		}
	}
	fmt.Fprintf(w, "\n%d of %d checks passed\n", len(b.checks)-failed, len(b.checks))
	return failed
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
