package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Peak memory is the child's ru_maxrss from wait4. On Linux that figure
// is not the child's alone: exec records the high-water RSS of the memory
// the process had before exec, and Go starts children with
// CLONE_VM|CLONE_VFORK, so a child of the harness starts with the
// harness's own peak (hundreds of MiB once it has built the corpus). So
// every tool is started by a launcher, this binary re-executed with
// launchCmd, which holds a few MiB: a tool's figure is then its own peak,
// or the launcher's when that is higher (the floor the report prints).
const launchCmd = "launch" // RESULT-FILE ARGV...

// job is one timed child process. prepare runs before every run, outside
// the timing: removing a previous output, setting up a directory.
type job struct {
	argv    []string
	prepare func() error
}

// measurement is one child process's cost.
type measurement struct {
	wall   time.Duration
	maxRSS int64 // bytes
	stdout string
}

// launchResult is what the launcher hands back through its result file.
type launchResult struct {
	WallNanos int64 `json:"wall_ns"`
	MaxRSSKiB int64 `json:"maxrss_kib"`
}

// launch is the launcher: it runs argv with this process's stdin, stdout
// and stderr, and writes its wall time and peak memory to resultPath.
func launch(ctx context.Context, resultPath string, argv []string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage for child process")
	}
	b, err := json.Marshal(launchResult{WallNanos: wall.Nanoseconds(), MaxRSSKiB: ru.Maxrss}) // KiB on Linux
	if err != nil {
		return err
	}
	return os.WriteFile(resultPath, b, 0o644)
}

// runner runs jobs through the launcher at self.
type runner struct {
	self string
	runs int // keep the fastest of this many runs
}

// best runs j rn.runs times and keeps the shortest wall time and the
// largest peak memory.
func (rn runner) best(ctx context.Context, j job) (measurement, error) {
	var b measurement
	for i := range rn.runs {
		if j.prepare != nil {
			if err := j.prepare(); err != nil {
				return b, err
			}
		}
		// Flush dirty pages (the corpus, the last tool's output) first,
		// so that one tool's writeback is not charged to the next.
		syscall.Sync()
		m, err := rn.measure(ctx, j.argv)
		if err != nil {
			return b, err
		}
		if i == 0 || m.wall < b.wall {
			b.wall, b.stdout = m.wall, m.stdout
		}
		b.maxRSS = max(b.maxRSS, m.maxRSS)
	}
	return b, nil
}

// measure runs argv through the launcher.
func (rn runner) measure(ctx context.Context, argv []string) (measurement, error) {
	f, err := os.CreateTemp("", "deltabench-result-")
	if err != nil {
		return measurement{}, err
	}
	f.Close()
	defer os.Remove(f.Name())

	cmd := exec.CommandContext(ctx, rn.self, append([]string{launchCmd, f.Name()}, argv...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return measurement{}, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, summarize(stderr.String()))
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return measurement{}, err
	}
	var res launchResult
	if err := json.Unmarshal(b, &res); err != nil {
		return measurement{}, fmt.Errorf("launcher result %q: %w", f.Name(), err)
	}
	return measurement{wall: time.Duration(res.WallNanos), maxRSS: res.MaxRSSKiB << 10, stdout: stdout.String()}, nil
}

// summarize keeps what says why a child failed: its first line of
// stderr and, for a Go panic, the first source position, not the whole
// stack.
func summarize(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	out := lines[0]
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "\t") && strings.Contains(l, ".go:") {
			return out + " at " + strings.TrimSpace(l)
		}
	}
	return out
}

// floor is the peak memory the launcher itself imposes: that of `true`.
func (rn runner) floor(ctx context.Context) (int64, error) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return 0, err
	}
	m, err := rn.measure(ctx, []string{truePath})
	return m.maxRSS, err
}

// hashReference times SHA-256 over the target two ways: coreutils'
// sha256sum as a child (like the tools) and Go's crypto/sha256 in this
// process, which is the hash Apply uses to verify.
type hashReference struct {
	size           int64
	sha256sum, goh measurement
}

func (rn runner) hashes(ctx context.Context, target corpusFile) (hashReference, error) {
	ref := hashReference{size: target.size}
	var err error
	if ref.sha256sum, err = rn.best(ctx, job{argv: []string{"sha256sum", target.path}}); err != nil {
		return ref, err
	}
	// In process it costs a fraction of a second, and the apply-speed
	// target divides by it, so take the best of at least three runs.
	for i := range max(rn.runs, 3) {
		start := time.Now()
		if err := goSHA256(target.path, target.sum); err != nil {
			return ref, err
		}
		if d := time.Since(start); i == 0 || d < ref.goh.wall {
			ref.goh.wall = d
		}
	}
	return ref, nil
}

func goSHA256(p string, want [sha256.Size]byte) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 1<<20)); err != nil {
		return err
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		return fmt.Errorf("%q changed since it was generated", p)
	}
	return nil
}
