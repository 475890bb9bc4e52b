// Command transfer measures what promoting and importing large packages
// costs: it builds zonectl, generates two versions of a package (v2 about
// 1% changed from v1), carries them from one Space to another compressed
// with zstd and as a delta, and reports each command's time, peak memory
// and I/O beside sha256sum and cp of the same bytes. It checks the
// targets docs/store.md states: memory within a quarter of the basis plus
// 64 MiB, and no package bytes carried or written when the target has
// them.
//
//	go run ./bench/transfer [-size 4GiB] [-strict] [-keep] [-dir DIR]
//
// make bench-transfer runs it. It needs git and about 6 times -size of
// free disk under -dir.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
)

// firstLines keeps the first n lines of s: enough of a Go panic to see
// where it happened.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n      ")
}

func main() {
	size := sizeFlag(4 << 30)
	flag.Var(&size, "size", "size of the generated package: 4GiB, 256MiB, ...")
	seed := flag.Uint64("seed", 1, "seed of the generated packages")
	dir := flag.String("dir", os.TempDir(), "where to create the temporary workspace")
	keep := flag.Bool("keep", false, "keep the workspace afterwards")
	strict := flag.Bool("strict", false, "exit with status 1 when a check fails")
	regSize := sizeFlag(1 << 30)
	flag.Var(&regSize, "registry-size", "size of the package pushed to and pulled from a registry; 0 skips that leg")
	only := flag.Bool("registry-only", false, "run only the registry leg")
	verbose := flag.Bool("v", false, "show every command as it runs")
	bin := flag.String("zonectl", "", "measure this zonectl binary instead of building ./cmd/zonectl")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "transfer: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	failed, err := run(gen{seed: *seed, size: int64(size)}, int64(regSize), *only, *dir, *bin, *keep, *verbose)
	if err != nil {
		fmt.Fprintf(os.Stderr, "transfer: error: %v\n", err)
		os.Exit(1)
	}
	if failed > 0 && *strict {
		os.Exit(1)
	}
}

func run(g gen, regSize int64, registryOnly bool, parent, bin string, keep, verbose bool) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ws, env, err := newWorkspace(parent)
	if err != nil {
		return 0, err
	}
	defer func() {
		if keep {
			fmt.Fprintf(os.Stderr, "transfer: kept %s\n", ws.dir)
			return
		}
		if err := os.RemoveAll(ws.dir); err != nil {
			fmt.Fprintf(os.Stderr, "transfer: removing %s: %v\n", ws.dir, err)
		}
	}()
	if bin != "" {
		if ws.zonectl, err = filepath.Abs(bin); err != nil {
			return 0, err
		}
	} else if err := ws.build(ctx); err != nil {
		return 0, err
	}
	b := &bench{ws: ws, r: &runner{env: env, verbose: verbose}, g: g}
	fmt.Fprintf(os.Stderr, "transfer: %s in %s\n", g, ws.dir)
	if !registryOnly {
		err = b.scenario()
	}
	if err == nil && regSize > 0 {
		err = b.registryLeg(regSize)
	}
	b.memoryChecks()
	if err != nil {
		b.check("the scenario runs to the end", false, firstLines(err.Error(), 6))
	}
	failed := b.report(os.Stdout)
	return failed, err
}
