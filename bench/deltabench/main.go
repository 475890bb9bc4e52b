package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
)

// Names of the three cases, as printed.
const (
	pairTar         = "tar"
	pairTarReversed = "tar reversed"
	pairZip         = "zip"
)

// errTargetsFailed is returned under -strict when a target fails.
var errTargetsFailed = errors.New("targets failed")

// options are the command line.
type options struct {
	dir    string // keep the corpus and deltas here; "" means a temporary directory
	size   int64
	seed   uint64
	runs   int
	strict bool
}

func (o options) Validate() error {
	if o.size < 64<<10 {
		return fmt.Errorf("-size %d is below the 64 KiB minimum", o.size)
	}
	if o.runs < 1 {
		return fmt.Errorf("-runs %d: need at least 1", o.runs)
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case errors.Is(err, errTargetsFailed):
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "deltabench: error: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	// The hidden subcommands: the launcher that every measured process
	// runs under, and ours run as a child like the other tools.
	if len(args) >= 3 && args[0] == launchCmd {
		return launch(ctx, args[1], args[2:])
	}
	if len(args) == 5 {
		switch args[0] {
		case oursEncodeCmd:
			return oursEncode(ctx, args[1], args[2], args[3], args[4])
		case oursApplyCmd:
			return oursApply(ctx, args[1], args[2], args[3], args[4])
		}
	}

	opts := options{size: 200 << 20}
	fs := flag.NewFlagSet("deltabench", flag.ContinueOnError)
	fs.StringVar(&opts.dir, "dir", "", "generate the corpus and keep it and the deltas in `DIR` (default: a temporary directory, removed at the end)")
	fs.Var((*sizeFlag)(&opts.size), "size", "corpus `size` per version, e.g. 200MiB, 1GiB, 4MiB")
	fs.Uint64Var(&opts.seed, "seed", 1, "PRNG seed for the corpus")
	fs.IntVar(&opts.runs, "runs", 1, "time each step `N` times and keep the fastest")
	fs.BoolVar(&opts.strict, "strict", false, "exit 1 when a target fails")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	return bench(ctx, opts)
}

// bench generates the corpus, runs every codec on every pair, and prints
// the report.
func bench(ctx context.Context, opts options) error {
	if err := checkTools(); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	goroot, toolDir, err := goEnv(ctx)
	if err != nil {
		return err
	}

	dir := opts.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "deltabench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Deltas from an earlier run in a kept directory must not be mistaken
	// for this run's.
	work := filepath.Join(dir, "work")
	if err := os.RemoveAll(work); err != nil {
		return err
	}

	progress("generating a %s corpus in %s", mib(opts.size), dir)
	c, err := generateCorpus(corpusOptions{size: opts.size, seed: opts.seed, goroot: goroot, toolDir: toolDir}, dir)
	if err != nil {
		return err
	}

	pairs := []pair{
		{pairTar, c.file("v1.tar"), c.file("v2.tar")},
		{pairTarReversed, c.file("v1.tar"), c.file("v2-reversed.tar")},
		{pairZip, c.file("v1.zip"), c.file("v2.zip")},
	}
	codecs := []codec{oursCodec(self), zstdCodec(), xdelta3Codec(), rsyncCodec()}
	rn := runner{self: self, runs: opts.runs}
	rep := &report{opts: opts, machine: readMachine(toolVersions(ctx)), corpus: c}
	if rep.floor, err = rn.floor(ctx); err != nil {
		return err
	}
	for _, p := range pairs {
		for _, cd := range codecs {
			progress("%s: %s", p.name, cd.name)
			res := runCodec(ctx, rn, cd, p, work)
			if err := ctx.Err(); err != nil {
				return err
			}
			if !res.ok() {
				progress("%s: %s failed at %s: %v", p.name, cd.name, res.failedAt, res.err)
			}
			rep.results = append(rep.results, res)
		}
	}
	progress("reference: SHA-256 of v2.tar")
	if rep.hashes, err = rn.hashes(ctx, c.file("v2.tar")); err != nil {
		return err
	}

	targets := rep.print(os.Stdout)
	if n := rep.failures(); n > 0 {
		return fmt.Errorf("%d tool run(s) failed or rebuilt the wrong bytes (see \"failures\" above)", n)
	}
	if opts.strict {
		for _, t := range targets {
			if !t.pass {
				return errTargetsFailed
			}
		}
	}
	return nil
}

// goEnv asks the go command where the toolchain's source and binaries are:
// the same Go version gives the same bytes.
func goEnv(ctx context.Context) (goroot, toolDir string, err error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT", "GOTOOLDIR").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOROOT GOTOOLDIR: %w (the corpus is built from the Go toolchain)", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", "", fmt.Errorf("go env GOROOT GOTOOLDIR: unexpected output %q", out)
	}
	return lines[0], lines[1], nil
}

// sizeFlag parses sizes with binary suffixes (KiB, MiB, GiB) or plain bytes.
type sizeFlag int64

func (s *sizeFlag) String() string { return mib(int64(*s)) }

func (s *sizeFlag) Set(v string) error {
	mult := int64(1)
	num := v
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}} {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			num, mult = n, u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f <= 0 {
		return fmt.Errorf("%q is not a size like 200MiB", v)
	}
	*s = sizeFlag(f * float64(mult))
	return nil
}
