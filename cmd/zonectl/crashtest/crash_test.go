//go:build linux

package crashtest

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A crashCase is one write command, run in the Space space of a copy of
// the template, with {W} standing for the copy's directory and {IN} for
// the inputs'.
type crashCase struct {
	name     string
	template string
	space    string
	args     []string
	// idempotent: run again after it completed, the command is a
	// documented no-op that exits 0 (import, receipt import, package push
	// of the same bytes). The others are run again only when the crash
	// left the Space as before: a second deployment or release is a new
	// event, not a no-op.
	idempotent bool
	// resumable: a crash may also leave the command's own transaction
	// done and what follows it outside any transaction not yet run (a
	// release created, its automatic deployment not run); the rerun of the
	// same command must then finish it. Such a trial counts as resumed.
	resumable bool
}

var crashCases = []crashCase{
	{name: "package-push", template: tmplPush, space: "devtest", args: []string{"package", "push", "{IN}/" + inPackage1, "--id", "web", "--version", "1.0.0"}, idempotent: true},
	{name: "release-create", template: tmplRelease, space: "devtest", args: []string{"release", "create", "web", "--version", "1.0.0"}, resumable: true},
	{name: "deploy-local", template: tmplDeployLocal, space: "devtest", args: []string{"deploy", "web", "1.0.0", "--to", "Test"}},
	{name: "promote", template: tmplPromote, space: "devtest", args: []string{"promote", "web", "1.0.0", "--to", "prod", "--out", "{W}/out/web-1.0.0.zbundle"}},
	{name: "import", template: tmplImport, space: "prod", args: []string{"import", "{IN}/" + inBundle1}, idempotent: true},
	{name: "accept", template: tmplAccept, space: "prod", args: []string{"accept", "web", "1.0.0", "--lifecycle", "Prod", "--set", prodStagingPW, "--set", prodProductPW}},
	{name: "deploy-imported", template: tmplDeployImported, space: "prod", args: []string{"deploy", "web", "1.0.0", "--to", "Staging"}},
	{name: "receipt-import", template: tmplReceiptImport, space: "devtest", args: []string{"receipt", "import", "{IN}/" + inReceipts}, idempotent: true},
	{name: "import-delta", template: tmplImportDelta, space: "prod", args: []string{"import", "{IN}/" + inBundle2}, idempotent: true},
}

// crashOptions are the suite's knobs, from the environment (docs/crash.md).
type crashOptions struct {
	all      bool   // ZONECTL_CRASH_ALL=1: every data write, not a sample of each run
	keep     bool   // -v or ZONECTL_CRASH_KEEP=1: keep failing trials' directories
	jobs     int    // ZONECTL_CRASH_JOBS: trials run at once (2)
	injector string // ZONECTL_CRASH_INJECT: "ptrace" (default) or "strace"
	only     map[string]bool
}

func getCrashOptions() crashOptions {
	o := crashOptions{
		all:      os.Getenv("ZONECTL_CRASH_ALL") == "1",
		keep:     testing.Verbose() || os.Getenv("ZONECTL_CRASH_KEEP") == "1",
		jobs:     2,
		injector: "ptrace",
	}
	if n, err := strconv.Atoi(os.Getenv("ZONECTL_CRASH_JOBS")); err == nil && n > 0 {
		o.jobs = n
	}
	if v := os.Getenv("ZONECTL_CRASH_INJECT"); v != "" {
		o.injector = v
	}
	if v := os.Getenv("ZONECTL_CRASH_COMMANDS"); v != "" {
		o.only = map[string]bool{}
		for _, name := range strings.Split(v, ",") {
			o.only[strings.TrimSpace(name)] = true
		}
	}
	return o
}

// TestCrashPoints kills each write command before each of its file-system
// steps and checks what the Space looks like after the next command.
func TestCrashPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash-point suite runs each write command hundreds of times; not with -short")
	}
	if len(syscallNumbers) == 0 {
		t.Skip("no table of system call numbers for this architecture; the crash-point suite runs on linux/amd64")
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Fatal("strace is required by the crash-point suite: install it (Debian/Ubuntu: apt-get install strace); .ci/run installs it when run as root")
	}
	fx := getFixture(t)
	opts := getCrashOptions()
	if opts.injector != "ptrace" && opts.injector != "strace" {
		t.Fatalf("ZONECTL_CRASH_INJECT=%q: want ptrace or strace", opts.injector)
	}
	start := time.Now()
	for _, c := range crashCases {
		if opts.only != nil && !opts.only[c.name] {
			continue
		}
		t.Run(c.name, func(t *testing.T) { runCrashCase(t, fx, c, opts) })
	}
	fmt.Printf("crash: all commands in %.1fs\n", time.Since(start).Seconds())
}

// outcome is what one trial found.
type outcome struct {
	point     step
	killed    bool
	state     string // "before", "after" or "" (neither)
	killedAt  string // the call the kill stopped, as the killer saw it
	recovered bool   // the first command after the crash said something on stderr
	said      string // its first line there
	tmpLeft   bool   // files were left in TMPDIR
	problems  []string
	kept      string
}

func runCrashCase(t *testing.T, fx *fixture, c crashCase, opts crashOptions) {
	start := time.Now()
	dir, err := os.MkdirTemp(fx.root, "crash-"+c.name+"-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)

	before, after, steps := prepareCase(t, fx, c, dir)
	if t.Failed() {
		return
	}
	points := sample(steps, opts.all)
	outs := fx.runTrials(c, points, dir, before, after, opts)
	report(t, c, len(steps), outs, time.Since(start))
}

// runTrials runs one trial per crash point, opts.jobs at a time, and
// returns the outcomes in the order of the points.
func (fx *fixture) runTrials(c crashCase, points []step, dir string, before, after spaceState, opts crashOptions) []outcome {
	var keptMu sync.Mutex
	kept := 0
	keepOne := func() bool {
		keptMu.Lock()
		defer keptMu.Unlock()
		kept++
		return kept <= keepPerCommand
	}
	outs := make([]outcome, len(points))
	next := make(chan int)
	var wg sync.WaitGroup
	for range opts.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = fx.trial(c, points[i], dir, before, after, opts, keepOne)
			}
		}()
	}
	for i := range points {
		next <- i
	}
	close(next)
	wg.Wait()
	return outs
}

// report fails the test once per failing trial and prints the command's
// summary line: before + after + failed = killed, as a trial that ends as
// before but with debris, or whose rerun fails, counts as failed only.
func report(t *testing.T, c crashCase, steps int, outs []outcome, took time.Duration) {
	var killed, notReached, before, after, resumed, failed, recovered, tmpLeft int
	for _, o := range outs {
		switch {
		case !o.killed && len(o.problems) == 0:
			notReached++
			continue
		case !o.killed:
			failed++
			t.Errorf("%s, %s: %s", c.name, o.point, strings.Join(o.problems, "; "))
			continue
		}
		killed++
		if o.recovered {
			recovered++
		}
		if o.tmpLeft {
			tmpLeft++
		}
		switch {
		case len(o.problems) > 0:
			failed++
			msg := fmt.Sprintf("%s, killed before %s (%s): %s", c.name, o.point, o.killedAt, strings.Join(o.problems, "; "))
			if o.said != "" {
				msg += fmt.Sprintf(" (the first command after the crash said %q)", o.said)
			}
			if o.kept != "" {
				msg += " [kept in " + o.kept + "]"
			}
			t.Error(msg)
		case o.state == "before":
			before++
		case o.state == "after":
			after++
		case o.state == "resumed":
			resumed++
		}
	}
	fmt.Printf("crash %-16s %3d steps, %3d crash points tried, %3d killed, %3d not reached; %3d before, %3d after, %3d resumed, %3d failed; %d said they recovered, %d left files in TMPDIR; %.1fs\n",
		c.name, steps, len(outs), killed, notReached, before, after, resumed, failed, recovered, tmpLeft, took.Seconds())
}

// prepareCase reads the before state, runs the command once to read the
// after state, and once under strace to list its steps.
func prepareCase(t *testing.T, fx *fixture, c crashCase, dir string) (before, after spaceState, steps []step) {
	w, err := fx.newWorld(dir, c.template)
	if err != nil {
		t.Fatal(err)
	}
	before = fx.captureState(w, c.space)
	if len(before.Errors) > 0 {
		t.Fatalf("reading the before state: %s", strings.Join(before.Errors, "; "))
	}
	if r := fx.zonectl(w, c.space, c.args...); r.code != 0 {
		t.Fatalf("zonectl %s fails without a crash: %s", strings.Join(c.args, " "), r)
	}
	after = fx.captureState(w, c.space)
	if d := after.diff(before, false); len(d) == 0 {
		t.Fatalf("zonectl %s changed nothing the suite reads", strings.Join(c.args, " "))
	}
	os.RemoveAll(string(w))

	// The counting run.
	w, err = fx.newWorld(dir, c.template)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(string(w))
	log := string(w) + ".strace"
	args := append([]string{"-f", "-qq", "-Y", "-y", "-s", "1024", "-o", log, "-e", "trace=" + straceSet(), fx.bin, "-C", c.space}, fx.expand(w, c.args)...)
	if r := run(string(w), w.env(), "", "strace", args...); r.code != 0 {
		t.Fatalf("zonectl %s under strace: %s", strings.Join(c.args, " "), r)
	}
	root, err := filepath.EvalSymlinks(string(w))
	if err != nil {
		t.Fatal(err)
	}
	steps, err = parseStrace(log, root, zonectlCommand)
	if err != nil {
		t.Fatalf("reading strace's log: %v", err)
	}
	if len(steps) == 0 {
		t.Fatalf("strace saw no step of zonectl %s under %s", strings.Join(c.args, " "), root)
	}
	// Two runs must reach the same state, or the comparison below would
	// report differences that are only times and signatures.
	if d := fx.captureState(w, c.space).diff(after, false); len(d) > 0 {
		t.Fatalf("two runs of zonectl %s end in states the suite tells apart: %s", strings.Join(c.args, " "), strings.Join(d, "; "))
	}
	return before, after, steps
}

// trial runs the command in a fresh copy, kills it before point, and
// checks what it left.
func (fx *fixture) trial(c crashCase, point step, dir string, before, after spaceState, opts crashOptions, keepOne func() bool) (o outcome) {
	o.point = point
	w, err := fx.newWorld(dir, c.template)
	if err != nil {
		o.problems = append(o.problems, err.Error())
		return o
	}
	defer func() {
		if len(o.problems) > 0 && o.killed && opts.keep && keepOne() {
			if kept, err := keepTrial(w); err == nil {
				o.kept = kept
				return
			}
		}
		os.RemoveAll(string(w))
		for _, ext := range []string{".stdout", ".stderr", ".strace"} {
			os.Remove(string(w) + ext)
		}
	}()
	root, err := filepath.EvalSymlinks(string(w))
	if err != nil {
		o.problems = append(o.problems, err.Error())
		return o
	}
	args := append([]string{"-C", c.space}, fx.expand(w, c.args)...)
	if opts.injector == "strace" {
		o.killed, o.killedAt, err = straceKill(w, fx.bin, args, point)
	} else {
		var res traceResult
		res, err = killAt(traceSpec{
			Bin: fx.bin, Args: args, Dir: string(w), Env: w.env(),
			Stdout: string(w) + ".stdout", Stderr: string(w) + ".stderr",
			Root: root, Syscall: point.Syscall, N: point.N, Result: string(w) + ".result",
		})
		o.killed = res.Killed
		o.killedAt = strings.ReplaceAll(res.Step, root+"/", "")
	}
	if err != nil {
		o.problems = append(o.problems, "the killer failed: "+err.Error())
		return o
	}
	if !o.killed {
		return o // the command ran to its end before reaching the point
	}
	o.problems = fx.checkAfterCrash(w, c, before, after, &o)
	return o
}

// checkAfterCrash runs the first command after the crash and checks the
// Space, then runs the command again.
func (fx *fixture) checkAfterCrash(w world, c crashCase, before, after spaceState, o *outcome) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	refsAtCrash := git(w, c.space, "for-each-ref", "--format=%(objectname) %(refname)").stdout
	audit := fx.zonectl(w, c.space, "audit")
	o.recovered = strings.TrimSpace(audit.stderr) != ""
	o.said = shorten(firstLine(audit.stderr), 200)
	if refs := git(w, c.space, "for-each-ref", "--format=%(objectname) %(refname)").stdout; refs != refsAtCrash && !o.recovered {
		add("the first command after the crash (audit) moved refs without a word on stderr")
	}
	if audit.code != 0 {
		add("audit after the crash: %s", auditFailures(audit))
	}
	problems = append(problems, integrity(w, c.space, "after the crash")...)

	st := fx.captureState(w, c.space)
	switch dBefore, dAfter := st.diff(before, true), st.diff(after, false); {
	case len(dBefore) == 0:
		o.state = "before"
	case len(dAfter) == 0:
		o.state = "after"
	case onlyFiles(dBefore):
		o.state = "before"
		add("as before, but with debris: %s", strings.Join(dBefore, ", "))
	case onlyFiles(dAfter):
		o.state = "after"
		add("as after, but with debris: %s", strings.Join(dAfter, ", "))
	case c.resumable:
		o.state = "resumed" // the rerun below must reach the after state
	default:
		add("neither before nor after: against before, %s; against after, %s", strings.Join(dBefore, ", "), strings.Join(dAfter, ", "))
	}
	o.tmpLeft = nonEmpty(w.path("tmp"))

	if o.state == "after" && !c.idempotent {
		return problems
	}
	rerun := fx.zonectl(w, c.space, c.args...)
	if rerun.code != 0 {
		add("the rerun: %s", rerun)
		return problems
	}
	if d := fx.captureState(w, c.space).diff(after, false); len(d) > 0 {
		add("the rerun ends neither as the command should: %s", strings.Join(d, ", "))
	}
	// Reaching the after state reads every ref's commits and main's tree;
	// fsck reads the rest (a pack left half-written by the crash and
	// reused by the rerun shows only here).
	return append(problems, integrity(w, c.space, "after the rerun")...)
}

// onlyFiles says whether two states differ only in files that no ref,
// index entry or work-tree file names: debris.
func onlyFiles(diff []string) bool {
	return len(diff) == 1 && strings.HasPrefix(diff[0], "files: ")
}

// integrity checks the repository with git fsck and looks for lock files.
// .git/zonectl.lock, the Space's flock file, is allowed for now: it is
// being renamed so as not to look like one of Git's lock files.
func integrity(w world, space, when string) []string {
	var problems []string
	if r := git(w, space, "fsck", "--strict", "--no-dangling", "--no-progress"); r.code != 0 {
		problems = append(problems, fmt.Sprintf("git fsck --strict %s: %s", when, shorten(strings.Join(lines(r.stderr+r.stdout), " | "), 300)))
	}
	gitDir := w.path(space, ".git")
	filepath.WalkDir(gitDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".lock") && path != filepath.Join(gitDir, "zonectl.lock") {
			rel, _ := filepath.Rel(w.path(space), path)
			problems = append(problems, fmt.Sprintf("%s is left %s", rel, when))
		}
		return nil
	})
	return problems
}

// auditFailures is an audit's exit status and its first failures.
func auditFailures(r result) string {
	var fails []string
	for _, line := range lines(r.stdout) {
		if strings.Contains(strings.ToLower(line), "fail") {
			fails = append(fails, strings.TrimSpace(line))
		}
		if len(fails) == 3 {
			break
		}
	}
	if e := firstLine(r.stderr); e != "" {
		fails = append(fails, e)
	}
	return fmt.Sprintf("exit %d: %s", r.code, shorten(strings.Join(fails, " | "), 400))
}

func nonEmpty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// keepTrial moves a failing trial's world beside the suite's root, where
// it survives the suite, and returns its new path.
func keepTrial(w world) (string, error) {
	keepOnce.Do(func() {
		keepDir, keepErr = os.MkdirTemp(filepath.Dir(suiteRoot), "zonectl-crash-kept-")
	})
	if keepErr != nil {
		return "", keepErr
	}
	dst := filepath.Join(keepDir, filepath.Base(string(w)))
	return dst, os.Rename(string(w), dst)
}

var (
	keepOnce sync.Once
	keepDir  string
	keepErr  error
)

// keepPerCommand bounds the failing trials kept for one command (and the
// failing races kept in all): each is a copy of two Spaces.
const keepPerCommand = 5

// straceKill is strace's own fault injection, as an alternative to the
// ptrace killer (ZONECTL_CRASH_INJECT=strace): strace counts the calls of
// each thread apart, so that when=N stops at the N-th call of whichever
// thread gets there first, which is not the N-th step of the command.
// It reports whether zonectl itself was killed, from strace's log.
func straceKill(w world, bin string, args []string, p step) (bool, string, error) {
	log := string(w) + ".strace"
	sargs := append([]string{"-f", "-qq", "-o", log, "-e", "trace=" + p.Syscall, "-e", fmt.Sprintf("inject=%s:signal=KILL:when=%d", p.Syscall, p.N), bin}, args...)
	run(string(w), w.env(), "", "strace", sargs...)
	data, err := os.ReadFile(log)
	if err != nil {
		return false, "", err
	}
	all := lines(string(data))
	if len(all) == 0 {
		return false, "", fmt.Errorf("strace wrote no log")
	}
	pid, _, _ := strings.Cut(all[0], " ")
	killed := false
	for _, line := range all {
		if strings.HasPrefix(line, pid+" ") && strings.Contains(line, "+++ killed by SIGKILL") {
			killed = true
		}
	}
	return killed, p.Syscall, nil
}
