package main

// Everything the benchmark prints is here: progress on stderr, the report
// on stdout.

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// progress tells the user what is running; the report itself is on
// stdout, so that it can be redirected on its own.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "deltabench: "+format+"\n", args...)
}

// machine describes where the figures were taken.
type machine struct {
	cpu    string
	cores  int
	kernel string
	goVer  string
	tools  []string
}

func readMachine(tools []string) machine {
	m := machine{cpu: "unknown", cores: runtime.NumCPU(), kernel: "unknown", goVer: runtime.Version(), tools: tools}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		processors := 0
		for line := range strings.Lines(string(b)) {
			k, v, ok := strings.Cut(line, ":")
			k = strings.TrimSpace(k)
			switch {
			case !ok:
			case k == "model name" && m.cpu == "unknown":
				m.cpu = strings.TrimSpace(v)
			case k == "processor":
				processors++
			}
		}
		if processors > 0 {
			m.cores = processors
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	return m
}

// report is everything one run measured.
type report struct {
	opts    options
	machine machine
	corpus  *corpus
	results []result
	hashes  hashReference
	floor   int64 // peak memory of the launcher alone
}

func (r *report) print(w io.Writer) []target {
	r.printHeader(w)
	r.printTable(w)
	targets := r.targets()
	printTargets(w, targets)
	return targets
}

func (r *report) printHeader(w io.Writer) {
	m := r.machine
	fmt.Fprintf(w, "machine: %s, %d cores, Linux %s\n", m.cpu, m.cores, m.kernel)
	fmt.Fprintf(w, "go: %s\n", m.goVer)
	for _, t := range m.tools {
		fmt.Fprintln(w, t)
	}
	fmt.Fprintf(w, "corpus: seed %d, -size %s, best of %d run(s)\n", r.opts.seed, mib(r.opts.size), r.opts.runs)
	for _, f := range r.corpus.files {
		fmt.Fprintf(w, "  %-16s %13s B  %-10s sha256 %s\n", f.name, thousands(f.size), mib(f.size), hex.EncodeToString(f.sum[:]))
	}
	ch := r.corpus.changes
	fmt.Fprintf(w, "  v2: %d of %d files changed (%.1f%%): %d text files edited, %s patched at %d spots (every 64 KiB), %d assets replaced, %d inserted; %d files in v2\n",
		ch.changedFiles(), ch.filesV1, 100*float64(ch.changedFiles())/float64(ch.filesV1),
		ch.textEdited, strings.Join(ch.binariesPatched, ", "), ch.patchedSpots, ch.assetsReplaced, ch.assetsInserted, ch.filesV2)
	fmt.Fprintln(w)
}

func (r *report) printTable(w io.Writer) {
	const row = "%-13s %-24s %13s %8s %9s %9s %10s %10s\n"
	fmt.Fprintf(w, row, "pair", "tool", "delta B", "% of v2", "encode", "apply", "enc peak", "apply peak")
	var last string
	for _, res := range r.results {
		if res.pair.name != last && last != "" {
			fmt.Fprintln(w)
		}
		last = res.pair.name
		cells := []any{res.pair.name, res.codec, "-", "-", "-", "-", "-", "-"}
		if res.failedAt != stageEncode {
			cells[2], cells[3] = thousands(res.deltaSize), percent(res.deltaSize, res.pair.target.size)
			cells[4], cells[6] = seconds(res.encode.wall), mib(res.encode.maxRSS)
		}
		if res.ok() {
			cells[5], cells[7] = seconds(res.decode.wall), mib(res.decode.maxRSS)
		}
		line := fmt.Sprintf(row, cells...)
		if !res.ok() {
			line = strings.TrimSuffix(line, "\n") + "  FAILED at " + res.failedAt + "\n"
		}
		fmt.Fprint(w, line)
		if res.codec == rsyncCodec().name && res.failedAt != stageEncode {
			sig := octodiffSignatureSize(res.pair.basis.size)
			fmt.Fprintf(w, row, "", "  Octodiff signature", thousands(sig), percent(sig, res.pair.target.size), "", "", "", "")
			fmt.Fprintf(w, row, "", "  batch + signature", thousands(res.deltaSize+sig), percent(res.deltaSize+sig, res.pair.target.size), "", "", "", "")
		}
	}
	fmt.Fprintf(w, "times are wall clock; peaks are each process's max RSS (%s is the launcher's floor);\n", mib(r.floor))
	fmt.Fprintln(w, "the Octodiff signature is 26 B per 2 KiB block of v1, sent before a delta can be made")
	fmt.Fprintln(w)

	h := r.hashes
	fmt.Fprintf(w, "reference, SHA-256 of v2.tar (%s):\n", mib(h.size))
	fmt.Fprintf(w, "  sha256sum         %s  %s  peak %s\n", seconds(h.sha256sum.wall), rate(h.size, h.sha256sum.wall), mib(h.sha256sum.maxRSS))
	fmt.Fprintf(w, "  Go crypto/sha256  %s  %s  (in process)\n", seconds(h.goh.wall), rate(h.size, h.goh.wall))
	fmt.Fprintln(w)

	var stats []string
	for _, res := range r.results {
		if res.codec == oursName && res.ok() {
			stats = append(stats, fmt.Sprintf("  %-13s %s; apply %s\n", res.pair.name, res.note, rate(res.pair.target.size, res.decode.wall)))
		}
	}
	if len(stats) > 0 {
		fmt.Fprintf(w, "ours, encoder statistics:\n%s\n", strings.Join(stats, ""))
	}

	if r.failures() > 0 {
		fmt.Fprintln(w, "failures:")
		for _, res := range r.results {
			if !res.ok() {
				fmt.Fprintf(w, "  %s, %s, at %s: %v\n", res.pair.name, res.codec, res.failedAt, res.err)
			}
		}
		fmt.Fprintln(w)
	}
}

// failures counts the tool runs that failed or rebuilt the wrong bytes.
func (r *report) failures() int {
	n := 0
	for _, res := range r.results {
		if !res.ok() {
			n++
		}
	}
	return n
}

// target is one of the figures the delta codec is held to.
type target struct {
	pass   bool
	what   string
	detail string
}

// targets computes the codec's targets from this run's figures. A target
// whose figures are missing, because a tool failed, fails.
func (r *report) targets() []target {
	var ts []target
	find := func(pairName, codec string) result {
		for _, res := range r.results {
			if res.pair.name == pairName && res.codec == codec {
				return res
			}
		}
		panic("no result for " + codec + " on " + pairName)
	}
	// check adds a target computed by eval from results, or a failed one
	// naming the first of results that has no figures.
	check := func(what string, eval func() (bool, string), results ...result) {
		for _, res := range results {
			if !res.ok() {
				ts = append(ts, target{what: what, detail: fmt.Sprintf("no figure: %s failed at %s", res.codec, res.failedAt)})
				return
			}
		}
		pass, detail := eval()
		ts = append(ts, target{pass: pass, what: what, detail: detail})
	}
	zstd, xd, rs := zstdCodec().name, xdelta3Codec().name, rsyncCodec().name

	for _, p := range []string{pairTar, pairTarReversed} {
		o, z, x := find(p, oursName), find(p, zstd), find(p, xd)
		check(fmt.Sprintf("%s: delta <= 1.05 x min(zstd, xdelta3)", p), func() (bool, string) {
			best := min(z.deltaSize, x.deltaSize)
			limit := int64(float64(best) * 1.05)
			return o.deltaSize <= limit, fmt.Sprintf("ours %s B, zstd %s B, xdelta3 %s B, limit %s B (ours/best %.3f)",
				thousands(o.deltaSize), thousands(z.deltaSize), thousands(x.deltaSize), thousands(limit), float64(o.deltaSize)/float64(best))
		}, o, z, x)
	}
	for _, p := range r.pairNames() {
		o, b := find(p, oursName), find(p, rs)
		check(fmt.Sprintf("%s: delta < rsync batch + signature", p), func() (bool, string) {
			sum := b.deltaSize + octodiffSignatureSize(b.pair.basis.size)
			return o.deltaSize < sum, fmt.Sprintf("ours %s B, batch + signature %s B (ours/rsync %.3f)",
				thousands(o.deltaSize), thousands(sum), float64(o.deltaSize)/float64(sum))
		}, o, b)
	}
	for _, p := range r.pairNames() {
		o, z := find(p, oursName), find(p, zstd)
		check(fmt.Sprintf("%s: encode time <= zstd -3 --patch-from", p), func() (bool, string) {
			return o.encode.wall <= z.encode.wall, fmt.Sprintf("ours %s, zstd %s (ours/zstd %.2f)",
				seconds(o.encode.wall), seconds(z.encode.wall), ratio(o.encode.wall, z.encode.wall))
		}, o, z)
	}
	goRate := float64(r.hashes.size) / r.hashes.goh.wall.Seconds()
	for _, p := range r.pairNames() {
		o := find(p, oursName)
		check(fmt.Sprintf("%s: apply speed >= 0.5 x Go SHA-256", p), func() (bool, string) {
			applyRate := float64(o.pair.target.size) / o.decode.wall.Seconds()
			return applyRate >= 0.5*goRate, fmt.Sprintf("ours %s (%s), Go SHA-256 %s, limit %.0f MiB/s (ours/sha256 %.2f)",
				rate(o.pair.target.size, o.decode.wall), seconds(o.decode.wall), rate(r.hashes.size, r.hashes.goh.wall), 0.5*goRate/(1<<20), applyRate/goRate)
		}, o)
	}
	return ts
}

func (r *report) pairNames() []string {
	var names []string
	for _, res := range r.results {
		if len(names) == 0 || names[len(names)-1] != res.pair.name {
			names = append(names, res.pair.name)
		}
	}
	return names
}

func printTargets(w io.Writer, ts []target) {
	fmt.Fprintln(w, "targets:")
	failed := 0
	for _, t := range ts {
		verdict := "PASS"
		if !t.pass {
			verdict = "FAIL"
			failed++
		}
		fmt.Fprintf(w, "  %s  %s\n        %s\n", verdict, t.what, t.detail)
	}
	if failed == 0 {
		fmt.Fprintf(w, "summary: all %d targets pass\n", len(ts))
	} else {
		fmt.Fprintf(w, "summary: %d of %d targets FAIL\n", failed, len(ts))
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func percent(part, whole int64) string {
	return fmt.Sprintf("%.2f%%", 100*float64(part)/float64(whole))
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

func rate(n int64, d time.Duration) string {
	return fmt.Sprintf("%.0f MiB/s", float64(n)/(1<<20)/d.Seconds())
}

func ratio(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }
