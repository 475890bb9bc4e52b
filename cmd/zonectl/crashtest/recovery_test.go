//go:build linux

package crashtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// recoveryCases are the commands whose interrupted transactions are then
// interrupted again while the next command finishes them: accept moves
// main with its work tree and index, import names packages in the store
// after its refs.
var recoveryCases = []string{"accept", "import"}

// maxCommitted bounds how many crashed Spaces, each killed at another point
// past its transaction's commit point, a case tries recovery on.
const maxCommitted = 3

// TestCrashDuringRecovery kills a write command after its transaction's
// commit point, then kills the next command (audit) before each of the
// file-system steps of its recovery, and checks that the command after
// that finishes the transaction: the Space as after, git fsck clean, no
// lock file left, audit passing. Recovery does nothing that cannot be done
// twice, and this is where that is proved.
func TestCrashDuringRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills commands hundreds of times; not with -short")
	}
	if len(syscallNumbers) == 0 {
		t.Skip("no table of system call numbers for this architecture")
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Fatal("strace is required by the crash-point suite: install it (Debian/Ubuntu: apt-get install strace)")
	}
	fx := getFixture(t)
	for _, name := range recoveryCases {
		c := crashCaseNamed(t, name)
		t.Run(name, func(t *testing.T) { testRecoveryCrashes(t, fx, c) })
	}
}

func crashCaseNamed(t *testing.T, name string) crashCase {
	for _, c := range crashCases {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no crash case %q", name)
	return crashCase{}
}

func testRecoveryCrashes(t *testing.T, fx *fixture, c crashCase) {
	dir, err := os.MkdirTemp(fx.root, "recovery-"+c.name+"-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	_, after, steps := prepareCase(t, fx, c, dir)
	if t.Failed() {
		return
	}
	crashed := fx.committedCrashes(t, c, steps, dir)
	if len(crashed) == 0 {
		t.Fatalf("no crash point of %s left a committed transaction to recover", c.name)
	}
	trials, killed := 0, 0
	for _, w := range crashed {
		audit := crashCase{name: c.name + "-recovery", space: c.space, args: []string{"audit"}}
		for _, p := range fx.countSteps(t, w, audit, dir) {
			trials++
			copyOf := world(filepath.Join(dir, "again"))
			os.RemoveAll(string(copyOf))
			if err := copyWorld(string(w), copyOf); err != nil {
				t.Fatal(err)
			}
			if fx.killCommand(t, copyOf, audit, p) {
				killed++
			}
			// The next command finishes what both left.
			if r := fx.zonectl(copyOf, c.space, "audit"); r.code != 0 {
				t.Errorf("%s, recovery killed before %s: the audit after it: %s", c.name, p, auditFailures(r))
			}
			if d := fx.captureState(copyOf, c.space).diff(after, false); len(d) > 0 {
				t.Errorf("%s, recovery killed before %s: not as after: %s", c.name, p, strings.Join(d, ", "))
			}
			for _, problem := range integrity(copyOf, c.space, "after the second recovery") {
				t.Errorf("%s, recovery killed before %s: %s", c.name, p, problem)
			}
			os.RemoveAll(string(copyOf))
		}
		os.RemoveAll(string(w))
	}
	t.Logf("recovery of %s: %d crashed Spaces, %d crash points in their recovery, %d killed", c.name, len(crashed), trials, killed)
	if killed == 0 {
		t.Errorf("no kill landed inside a recovery of %s", c.name)
	}
}

// committedCrashes kills the command at its crash points, last first, and
// keeps up to maxCommitted Spaces it left with a committed journal.
func (fx *fixture) committedCrashes(t *testing.T, c crashCase, steps []step, dir string) []world {
	var out []world
	for i := len(steps) - 1; i >= 0 && len(out) < maxCommitted; i-- {
		w, err := fx.newWorld(dir, c.template)
		if err != nil {
			t.Fatal(err)
		}
		journal, _ := os.ReadFile(w.path(c.space, ".git", "zonectl", "journal"))
		if len(journal) != 0 {
			t.Fatalf("the template of %s holds a journal", c.name)
		}
		fx.killCommand(t, w, c, steps[i])
		journal, _ = os.ReadFile(w.path(c.space, ".git", "zonectl", "journal"))
		if strings.Contains(string(journal), `"state": "committed"`) {
			out = append(out, w)
			continue
		}
		os.RemoveAll(string(w))
	}
	return out
}

// killCommand runs c in w and kills it before point; it reports whether
// the kill landed.
func (fx *fixture) killCommand(t *testing.T, w world, c crashCase, point step) bool {
	root, err := filepath.EvalSymlinks(string(w))
	if err != nil {
		t.Fatal(err)
	}
	res, err := killAt(traceSpec{
		Bin: fx.bin, Args: append([]string{"-C", c.space}, fx.expand(w, c.args)...), Dir: string(w), Env: w.env(),
		Stdout: string(w) + ".stdout", Stderr: string(w) + ".stderr",
		Root: root, Syscall: point.Syscall, N: point.N, Result: string(w) + ".result",
	})
	for _, ext := range []string{".stdout", ".stderr", ".result"} {
		os.Remove(string(w) + ext)
	}
	if err != nil {
		t.Fatalf("the killer failed: %v", err)
	}
	return res.Killed
}

// countSteps lists the file-system steps of c run in a copy of w.
func (fx *fixture) countSteps(t *testing.T, w world, c crashCase, dir string) []step {
	copyOf := world(filepath.Join(dir, "count"))
	os.RemoveAll(string(copyOf))
	if err := copyWorld(string(w), copyOf); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(string(copyOf))
	log := string(copyOf) + ".strace"
	defer os.Remove(log)
	args := append([]string{"-f", "-qq", "-Y", "-y", "-s", "1024", "-o", log, "-e", "trace=" + straceSet(), fx.bin, "-C", c.space}, fx.expand(copyOf, c.args)...)
	if r := run(string(copyOf), copyOf.env(), "", "strace", args...); r.code != 0 {
		t.Fatalf("zonectl %s under strace: %s", strings.Join(c.args, " "), r)
	}
	root, err := filepath.EvalSymlinks(string(copyOf))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := parseStrace(log, root, zonectlCommand)
	if err != nil {
		t.Fatalf("reading strace's log: %v", err)
	}
	return steps
}
