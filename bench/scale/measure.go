package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// bench is the workspace: a temporary HOME, key directory and GnuPG home,
// so nothing of the user's is read or written, and the zonectl built for
// the run.
type bench struct {
	dir  string
	bin  string
	env  []string
	runs int
}

func newBench(runs int) (*bench, error) {
	dir, err := os.MkdirTemp("", "zonectl-scale-")
	if err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".gnupg"), 0o700); err != nil {
		return nil, err
	}
	b := &bench{dir: dir, bin: filepath.Join(dir, "zonectl"), runs: runs}
	// Built before HOME moves, with the module and build caches the user
	// has: under the bench's HOME, go would download and build it all.
	build := exec.Command("go", "build", "-o", b.bin, "./cmd/zonectl")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/zonectl (run the bench from the module's root: make bench-scale): %w", err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") && !strings.HasPrefix(kv, "GNUPGHOME=") &&
			!strings.HasPrefix(kv, "ZONECTL_") && !strings.HasPrefix(kv, "GIT_") {
			b.env = append(b.env, kv)
		}
	}
	b.env = append(b.env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GNUPGHOME="+filepath.Join(home, ".gnupg"),
		"ZONECTL_TARGET_ROOT="+filepath.Join(dir, "target"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Bench", "GIT_AUTHOR_EMAIL=bench@example.com", "GIT_COMMITTER_NAME=Bench", "GIT_COMMITTER_EMAIL=bench@example.com")
	// The generator signs in this process, with the key init writes there.
	for _, kv := range b.env {
		if k, v, ok := strings.Cut(kv, "="); ok && (k == "HOME" || k == "XDG_CONFIG_HOME" || k == "GNUPGHOME") {
			os.Setenv(k, v)
		}
	}
	return b, nil
}

// measure is what one command cost.
type measure struct {
	wall   time.Duration
	maxRSS int64
	out    []byte
}

// run runs argv in the workspace and fails with its output when it fails.
func (b *bench) run(argv ...string) (measure, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = b.dir, b.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start), out: out.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss << 10
	}
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out.Bytes())
	}
	return m, nil
}

// zonectl runs zonectl with args.
func (b *bench) zonectl(args ...string) (measure, error) {
	return b.run(append([]string{b.bin}, args...)...)
}

// median runs each argv the bench's number of times (prepare, when set,
// before each run, unmeasured) and returns the median wall time.
func (b *bench) median(prepare func(i int) ([]string, error)) (time.Duration, error) {
	var walls []time.Duration
	for i := range b.runs {
		argv, err := prepare(i)
		if err != nil {
			return 0, err
		}
		m, err := b.run(argv...)
		if err != nil {
			return 0, err
		}
		walls = append(walls, m.wall)
	}
	slices.Sort(walls)
	return walls[len(walls)/2], nil
}

func (b *bench) path(rel ...string) string { return filepath.Join(append([]string{b.dir}, rel...)...) }

func (b *bench) write(rel, data string) error {
	p := b.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(data), 0o644)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// medianRSS runs argv (or, given, each(i) for run i) the bench's number
// of times and returns the median wall time and the highest peak RSS.
func (b *bench) medianRSS(argv []string, each ...func(int) []string) (time.Duration, int64, error) {
	var walls []time.Duration
	var rss int64
	for i := range b.runs {
		a := argv
		if len(each) > 0 {
			a = each[0](i)
		}
		m, err := b.run(a...)
		if err != nil {
			return 0, 0, err
		}
		walls = append(walls, m.wall)
		rss = max(rss, m.maxRSS)
	}
	slices.Sort(walls)
	return walls[len(walls)/2], rss, nil
}
