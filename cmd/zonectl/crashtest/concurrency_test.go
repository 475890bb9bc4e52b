//go:build linux

package crashtest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The concurrency suite runs write commands at the same time, in one
// Space, and checks that the ledger records exactly the commands that
// succeeded, that the losers of a race fail with a clear message and leave
// nothing, and that git fsck, zonectl audit and the lock files are clean.
// Each test repeats its race ZONECTL_CONC_RUNS times (5 by default).

func concRuns(t *testing.T) int {
	if testing.Short() {
		t.Skip("the concurrency suite repeats races; not with -short")
	}
	if n, err := strconv.Atoi(os.Getenv("ZONECTL_CONC_RUNS")); err == nil && n > 0 {
		return n
	}
	return 5
}

// race runs each command at once, after a common start, and returns how
// each ended, in order.
func race(cmds ...func() result) []result {
	out := make([]result, len(cmds))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = cmd()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// chain is the subjects of a ref's first-parent chain, oldest first; none
// when the ref does not exist.
func chain(t *testing.T, w world, space, ref string) []string {
	t.Helper()
	if git(w, space, "rev-parse", "--verify", "-q", ref).code != 0 {
		return nil
	}
	r := git(w, space, "log", "--first-parent", "--reverse", "--format=%s", ref, "--")
	if r.code != 0 {
		t.Fatalf("git log %s: %s", ref, r)
	}
	return lines(r.stdout)
}

// added is what a chain gained: the subjects after the first len(before).
func added(t *testing.T, before, after []string) []string {
	t.Helper()
	if len(after) < len(before) || !slices.Equal(after[:len(before)], before) {
		t.Fatalf("history was rewritten:\nbefore %q\nafter  %q", before, after)
	}
	return after[len(before):]
}

// raceWorld copies a template for one run of a race; a failed run's world
// is kept when asked to (-v or ZONECTL_CRASH_KEEP=1).
func raceWorld(t *testing.T, fx *fixture, template string) world {
	t.Helper()
	w, err := fx.newWorld(fx.root, template)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() && getCrashOptions().keep && racesKept.Add(1) <= keepPerCommand {
			if kept, err := keepTrial(w); err == nil {
				t.Logf("kept the Spaces of this run in %s", kept)
				return
			}
		}
		os.RemoveAll(string(w))
	})
	return w
}

// racesKept counts the failing races kept.
var racesKept atomic.Int32

// clean checks the Space after a race: git fsck --strict, zonectl audit,
// and no lock file left.
func clean(t *testing.T, fx *fixture, w world, space string) {
	t.Helper()
	for _, p := range integrity(w, space, "after the race") {
		t.Error(p)
	}
	if a := fx.zonectl(w, space, "audit"); a.code != 0 {
		t.Errorf("audit after the race: %s", auditFailures(a))
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// forEachRun runs one race per run, each as a subtest of its own.
func forEachRun(t *testing.T, f func(t *testing.T)) {
	for i := range concRuns(t) {
		t.Run(fmt.Sprintf("run%d", i+1), f)
	}
}

func TestConcurrentReleaseCreate(t *testing.T) {
	t.Run("same-version", func(t *testing.T) {
		fx := getFixture(t)
		forEachRun(t, func(t *testing.T) {
			w := raceWorld(t, fx, tmplRelease)
			before := chain(t, w, "devtest", "refs/zonectl/ledger")
			create := func() result { return fx.zonectl(w, "devtest", "release", "create", "web", "--version", "1.0.0") }
			rs := race(create, create, create, create)
			// One creates it; the others find it made from the same commit
			// with the same packages, which is nothing to do.
			won := 0
			for i, r := range rs {
				switch {
				case r.code == 0 && strings.Contains(r.stdout, "Created release web 1.0.0"):
					won++
				case r.code == 0 && strings.Contains(r.stdout, "exists already"):
				default:
					t.Errorf("release create %d: %s; want it created or found made already", i+1, r)
				}
			}
			if won != 1 {
				t.Errorf("%d of 4 release create of the same version created it, want exactly 1", won)
			}
			got := added(t, before, chain(t, w, "devtest", "refs/zonectl/ledger"))
			want := []string{"Create release web 1.0.0", "Deploy web 1.0.0 to Development: Success"}
			if !slices.Equal(got, want) {
				t.Errorf("ledger gained %q, want %q (one release and its automatic deployment)", got, want)
			}
			clean(t, fx, w, "devtest")
		})
	})
	t.Run("different-versions", func(t *testing.T) {
		fx := getFixture(t)
		versions := []string{"1.0.0", "1.1.0", "1.2.0", "1.3.0"}
		forEachRun(t, func(t *testing.T) {
			w := raceWorld(t, fx, tmplRelease)
			before := chain(t, w, "devtest", "refs/zonectl/ledger")
			var cmds []func() result
			for _, v := range versions {
				cmds = append(cmds, func() result { return fx.zonectl(w, "devtest", "release", "create", "web", "--version", v) })
			}
			for i, r := range race(cmds...) {
				if r.code != 0 {
					t.Errorf("release create web %s: %s", versions[i], r)
				}
			}
			got := added(t, before, chain(t, w, "devtest", "refs/zonectl/ledger"))
			if len(got) != 2*len(versions) {
				t.Errorf("ledger gained %d events, want %d (4 releases, 4 automatic deployments): %q", len(got), 2*len(versions), got)
			}
			for _, v := range versions {
				if n := count(got, "Create release web "+v); n != 1 {
					t.Errorf("ledger records release web %s %d times, want once", v, n)
				}
				if n := count(got, "Deploy web "+v+" to Development: Success"); n != 1 {
					t.Errorf("ledger records the automatic deployment of web %s %d times, want once", v, n)
				}
				if r := git(w, "devtest", "rev-parse", "--verify", "-q", "refs/zonectl/releases/web/"+v); r.code != 0 {
					t.Errorf("no release ref for web %s", v)
				}
			}
			clean(t, fx, w, "devtest")
		})
	})
}

func TestConcurrentDeploys(t *testing.T) {
	cases := []struct {
		name, template, space string
		envs                  []string
		receipts              bool // each deployment also writes a receipt for devtest
	}{
		{"devtest-environments", tmplPromote, "devtest", []string{"Development", "Test"}, false},
		{"prod-environments", tmplReceiptImport, "prod", []string{"Staging", "Production"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := getFixture(t)
			forEachRun(t, func(t *testing.T) {
				w := raceWorld(t, fx, c.template)
				before := chain(t, w, c.space, "refs/zonectl/ledger")
				var receiptsBefore []string
				if c.receipts {
					receiptsBefore = chain(t, w, c.space, "refs/zonectl/receipts/devtest")
				}
				var cmds []func() result
				for _, env := range c.envs {
					cmds = append(cmds, func() result { return fx.zonectl(w, c.space, "deploy", "web", "1.0.0", "--to", env) })
				}
				for i, r := range race(cmds...) {
					if r.code != 0 {
						t.Errorf("deploy web 1.0.0 --to %s: %s", c.envs[i], r)
					}
				}
				got := added(t, before, chain(t, w, c.space, "refs/zonectl/ledger"))
				var want []string
				for _, env := range c.envs {
					want = append(want, "Deploy web 1.0.0 to "+env+": Success")
				}
				if !sameSet(got, want) {
					t.Errorf("ledger gained %q, want %q in any order", got, want)
				}
				if c.receipts {
					gotR := added(t, receiptsBefore, chain(t, w, c.space, "refs/zonectl/receipts/devtest"))
					checkReceipts(t, gotR, len(receiptsBefore), c.envs)
				}
				clean(t, fx, w, c.space)
			})
		})
	}
}

// checkReceipts checks that the new receipts follow on from the old ones,
// one position each, one per environment deployed.
func checkReceipts(t *testing.T, got []string, from int, envs []string) {
	t.Helper()
	re := regexp.MustCompile(`^Receipt (\d+): web 1\.0\.0 deployed to (\w+): Success$`)
	var gotEnvs []string
	for i, s := range got {
		m := re.FindStringSubmatch(s)
		if m == nil {
			t.Errorf("receipt %q is not a deployment receipt", s)
			continue
		}
		if m[1] != strconv.Itoa(from+i+1) {
			t.Errorf("receipt %q is at position %d of the chain", s, from+i+1)
		}
		gotEnvs = append(gotEnvs, m[2])
	}
	if !sameSet(gotEnvs, envs) {
		t.Errorf("receipts gained for %q, want one for each of %q", gotEnvs, envs)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestConcurrentImportSameBundle(t *testing.T) {
	fx := getFixture(t)
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplImport)
		before := chain(t, w, "prod", "refs/zonectl/ledger")
		imp := func() result { return fx.zonectl(w, "prod", "import", "{IN}/"+inBundle1) }
		imported, noop := 0, 0
		for i, r := range race(imp, imp) {
			switch {
			case r.code != 0:
				t.Errorf("import %d: %s", i+1, r)
			case strings.Contains(r.stdout, "imported already; nothing to do"):
				noop++
			case strings.Contains(r.stdout, "Imported web 1.0.0 from devtest"):
				imported++
			default:
				t.Errorf("import %d said neither \"Imported\" nor \"imported already\": %s", i+1, shorten(r.stdout, 300))
			}
		}
		if imported != 1 || noop != 1 {
			t.Errorf("%d imports and %d no-ops, want one of each", imported, noop)
		}
		got := added(t, before, chain(t, w, "prod", "refs/zonectl/ledger"))
		if want := []string{"Import web 1.0.0 from devtest (revision 1, sequence 1)"}; !slices.Equal(got, want) {
			t.Errorf("ledger gained %q, want %q", got, want)
		}
		clean(t, fx, w, "prod")
	})
}

// importEvent is a ledger subject of an import, with its sequence.
var importEvent = regexp.MustCompile(`^Import web [0-9.]+ from devtest \(revision \d+, sequence (\d+)\)$`)

func TestConcurrentImportTwoSequences(t *testing.T) {
	fx := getFixture(t)
	bundles := []string{inBundle1, inBundle3Full} // sequences 1 and 3, each standing alone
	outcomes := map[string]int{}
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplImport)
		before := chain(t, w, "prod", "refs/zonectl/ledger")
		var cmds []func() result
		for _, b := range bundles {
			cmds = append(cmds, func() result { return fx.zonectl(w, "prod", "import", "{IN}/"+b) })
		}
		rs := race(cmds...)
		succeeded := 0
		for i, r := range rs {
			switch {
			case r.code == 0:
				succeeded++
			case i == 0 && r.code == 3 && strings.Contains(r.stderr, "replay of an older bundle"):
				// sequence 3 got there first: 1 is a replay now
			default:
				t.Errorf("import %s: %s", bundles[i], r)
			}
		}
		got := added(t, before, chain(t, w, "prod", "refs/zonectl/ledger"))
		var seqs []int
		for _, s := range got {
			m := importEvent.FindStringSubmatch(s)
			if m == nil {
				t.Errorf("ledger gained %q, which is not an import", s)
				continue
			}
			n, _ := strconv.Atoi(m[1])
			seqs = append(seqs, n)
		}
		if len(seqs) != succeeded {
			t.Errorf("ledger records %d imports, %d succeeded", len(seqs), succeeded)
		}
		if !slices.IsSorted(seqs) || len(slices.Compact(slices.Clone(seqs))) != len(seqs) {
			t.Errorf("ledger records sequences %v in this order: an older one after a newer one", seqs)
		}
		outcomes[fmt.Sprint(seqs)]++
		clean(t, fx, w, "prod")
	})
	t.Logf("sequences recorded, by run: %v", outcomes)
}

func TestConcurrentReceiptImportAndPromote(t *testing.T) {
	fx := getFixture(t)
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplReceiptImport)
		before := chain(t, w, "devtest", "refs/zonectl/ledger")
		rs := race(
			func() result { return fx.zonectl(w, "devtest", "receipt", "import", "{IN}/"+inReceipts) },
			func() result {
				return fx.zonectl(w, "devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", "{W}/out/again.zbundle")
			},
		)
		if rs[0].code != 0 {
			t.Errorf("receipt import: %s", rs[0])
		}
		if rs[1].code != 0 {
			t.Errorf("promote: %s", rs[1])
		}
		got := added(t, before, chain(t, w, "devtest", "refs/zonectl/ledger"))
		want := []string{"Merge 2 receipt(s) from prod (1 to 2)", "Promote web 1.0.0 to prod (revision 2, sequence 2)"}
		if !sameSet(got, want) {
			t.Errorf("ledger gained %q, want %q in any order", got, want)
		}
		clean(t, fx, w, "devtest")
		// Whichever came first, prod can import what devtest sent.
		if rs[1].code == 0 {
			if r := fx.zonectl(w, "prod", "import", "{W}/out/again.zbundle"); r.code != 0 {
				t.Errorf("prod cannot import the bundle promoted beside the receipt import: %s", r)
			}
		}
	})
}

// TestConcurrentPromotes promotes one release to one target twice at
// once, as two CI runners would: both succeed, with the next two sequence
// numbers, each recorded once, and the target imports both bundles in
// order.
func TestConcurrentPromotes(t *testing.T) {
	fx := getFixture(t)
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplReceiptImport)
		before := chain(t, w, "devtest", "refs/zonectl/ledger")
		rs := race(
			func() result {
				return fx.zonectl(w, "devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", "{W}/out/a.zbundle")
			},
			func() result {
				return fx.zonectl(w, "devtest", "promote", "web", "1.0.0", "--to", "prod", "--out", "{W}/out/b.zbundle")
			},
		)
		for i, r := range rs {
			if r.code != 0 {
				t.Errorf("promote %d: %s", i+1, r)
			}
		}
		got := added(t, before, chain(t, w, "devtest", "refs/zonectl/ledger"))
		want := []string{"Promote web 1.0.0 to prod (revision 2, sequence 2)", "Promote web 1.0.0 to prod (revision 3, sequence 3)"}
		if !sameSet(got, want) {
			t.Errorf("ledger gained %q, want %q in any order", got, want)
		}
		clean(t, fx, w, "devtest")
		// Import in sequence order: whichever file got sequence 2 first.
		first, second := "{W}/out/a.zbundle", "{W}/out/b.zbundle"
		if r := fx.zonectl(w, "prod", "import", first); r.code != 0 {
			first, second = second, first
		}
		for _, f := range []string{first, second} {
			if r := fx.zonectl(w, "prod", "import", f); r.code != 0 {
				t.Errorf("prod cannot import %s: %s", f, r)
			}
		}
	})
}

// TestConcurrentWithGit runs zonectl commands while another process
// commits to main in the work tree, packs refs and runs git gc in the same
// Space, as people and cron jobs do. Every zonectl command must succeed,
// or fail before it wrote anything; every commit must stay.
func TestConcurrentWithGit(t *testing.T) {
	t.Run("release-deploy", testReleaseDeployBesideGit)
	t.Run("accept", testAcceptBesideGit)
}

// startGitLoop configures git gc to run as often as it can and starts
// runGitLoop in the Space space; the returned function stops it and says
// what it did. With empty, the commits change no file.
func startGitLoop(t *testing.T, w world, space string, empty bool) func() gitLoop {
	t.Helper()
	for _, kv := range [][2]string{{"gc.auto", "1"}, {"gc.autoPackLimit", "1"}, {"gc.autoDetach", "false"}} {
		if r := git(w, space, "config", kv[0], kv[1]); r.code != 0 {
			t.Fatal(r)
		}
	}
	stop := make(chan struct{})
	done := make(chan gitLoop)
	first := make(chan struct{})
	go func() { done <- runGitLoop(w, space, empty, stop, first) }()
	<-first // the race starts once git has made one turn
	return func() gitLoop {
		close(stop)
		return <-done
	}
}

// checkGitLoop checks that every commit the loop made is on main once and,
// with needGC, that git gc really ran.
func checkGitLoop(t *testing.T, w world, space string, loop gitLoop, needGC bool) {
	t.Helper()
	main := chain(t, w, space, "refs/heads/main")
	for _, c := range loop.commits {
		if count(main, c) != 1 {
			t.Errorf("git commit %q succeeded, but main does not hold it once", c)
		}
	}
	t.Logf("beside zonectl: %d commits, %d pack-refs, %d gc --auto, %d gc succeeded (%d git commands failed)",
		len(loop.commits), loop.packRefs, loop.gcAuto, loop.gc, loop.failed)
	if needGC && loop.gc == 0 {
		t.Errorf("git gc never completed beside zonectl: the race proved nothing")
	}
}

// testReleaseDeployBesideGit creates three releases in devtest and deploys
// each to Test while git works in the same Space.
func testReleaseDeployBesideGit(t *testing.T) {
	fx := getFixture(t)
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplRelease)
		before := chain(t, w, "devtest", "refs/zonectl/ledger")
		stopGit := startGitLoop(t, w, "devtest", false)

		type outcome struct {
			args []string
			r    result
		}
		var outs []outcome
		for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
			for _, args := range [][]string{
				{"release", "create", "web", "--version", v},
				{"deploy", "web", v, "--to", "Test"},
			} {
				outs = append(outs, outcome{args, fx.zonectl(w, "devtest", args...)})
			}
		}
		loop := stopGit()

		got := added(t, before, chain(t, w, "devtest", "refs/zonectl/ledger"))
		var want []string
		failed := 0
		for _, o := range outs {
			v := o.args[len(o.args)-1]
			var events []string
			if o.args[0] == "release" {
				events = []string{"Create release web " + v, "Deploy web " + v + " to Development: Success"}
			} else {
				v = o.args[2]
				events = []string{"Deploy web " + v + " to Test: Success"}
			}
			if o.r.code == 0 {
				want = append(want, events...)
				continue
			}
			// A failure is allowed if it left nothing: the ledger check
			// below holds only the events of what succeeded.
			failed++
			t.Logf("zonectl %s failed beside git: %s", strings.Join(o.args, " "), o.r)
		}
		if !slices.Equal(got, want) {
			t.Errorf("ledger gained %q, want %q: exactly what succeeded, in order (%d of %d commands failed)", got, want, failed, len(outs))
		}
		checkGitLoop(t, w, "devtest", loop, true)
		clean(t, fx, w, "devtest")
	})
}

// testAcceptBesideGit accepts a release in prod, which moves main and
// writes the binding into the work tree, while someone commits there.
func testAcceptBesideGit(t *testing.T) {
	fx := getFixture(t)
	const binding = "imports/devtest/web.hcl"
	forEachRun(t, func(t *testing.T) {
		w := raceWorld(t, fx, tmplAccept)
		before := chain(t, w, "prod", "refs/zonectl/ledger")
		// Empty commits, or accept would refuse the work tree that is
		// dirty between a write and its commit: the race is about the
		// index, which git commit reads while accept rewrites it.
		stopGit := startGitLoop(t, w, "prod", true)
		r := fx.zonectl(w, "prod", "accept", "web", "1.0.0", "--lifecycle", "Prod", "--set", prodStagingPW, "--set", prodProductPW)
		loop := stopGit()

		got := added(t, before, chain(t, w, "prod", "refs/zonectl/ledger"))
		var want []string
		onMain := git(w, "prod", "cat-file", "-e", "refs/heads/main:"+binding).code == 0
		if r.code == 0 {
			want = []string{"Accept web 1.0.0 from devtest (revision 1) into lifecycle Prod"}
			if !onMain {
				t.Errorf("accept succeeded, but main no longer holds %s", binding)
			}
			if !fileExists(w.path("prod", binding)) {
				t.Errorf("accept succeeded, but the work tree no longer holds %s", binding)
			}
		} else {
			t.Logf("accept failed beside git: %s", r)
			if onMain {
				t.Errorf("accept failed, yet main holds %s", binding)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ledger gained %q, want %q", got, want)
		}
		checkGitLoop(t, w, "prod", loop, false)
		clean(t, fx, w, "prod")
	})
}

// gitLoop counts what the git side of TestConcurrentWithGit did.
type gitLoop struct {
	commits              []string // subjects of the commits that succeeded
	packRefs, gcAuto, gc int
	failed               int
}

// runGitLoop commits a change of notes.txt to main (or, with empty, a
// commit that changes nothing) each turn, packs the refs every second turn
// and collects garbage every fourth, until stop. gc --auto with gc.auto=1
// runs only once objects/17 holds two loose objects, which a small Space
// rarely has, so a full git gc (which prunes nothing younger than two
// weeks) runs every turn as well.
func runGitLoop(w world, space string, empty bool, stop <-chan struct{}, first chan<- struct{}) gitLoop {
	var l gitLoop
	ok := func(r result) bool {
		if r.code != 0 {
			l.failed++
		}
		return r.code == 0
	}
	for i := 1; ; i++ {
		if i == 2 {
			close(first)
		}
		select {
		case <-stop:
			return l
		default:
		}
		subject := fmt.Sprintf("Note %d", i)
		if empty {
			if ok(git(w, space, "commit", "-q", "--allow-empty", "-m", subject)) {
				l.commits = append(l.commits, subject)
			}
		} else {
			f, err := os.OpenFile(w.path(space, "notes.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err == nil {
				fmt.Fprintf(f, "note %d\n", i)
				f.Close()
			}
			if ok(git(w, space, "add", "notes.txt")) && ok(git(w, space, "commit", "-q", "-m", subject)) {
				l.commits = append(l.commits, subject)
			}
		}
		if i%2 == 0 && ok(git(w, space, "pack-refs", "--all")) {
			l.packRefs++
		}
		if i%2 == 1 && ok(git(w, space, "gc", "--auto", "--quiet")) {
			l.gcAuto++
		}
		if i%4 == 0 && ok(git(w, space, "gc", "--quiet")) {
			l.gc++
		}
	}
}
