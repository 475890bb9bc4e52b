package teamtest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// duration is how long the clones write at once: ZONECTL_TEAM_SECONDS,
// else long enough for every kind of race to happen many times while make
// test stays quick. Run it for minutes with make team.
func duration(t *testing.T) time.Duration {
	if s := os.Getenv("ZONECTL_TEAM_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("ZONECTL_TEAM_SECONDS=%q: %v", s, err)
		}
		return time.Duration(n) * time.Second
	}
	return 20 * time.Second
}

// tally counts what the commands said they did: each must be in the
// ledger once, and nothing else may be.
type tally struct {
	mu          sync.Mutex
	created     int
	autoDeploys int
	testDeploys int
	promotions  []uint64 // sequence numbers, as promote printed them
	versions    []string // created and deployable to Test
	tested      []string // deployed to Test: promotable
	ops         int
}

var (
	promotedRE = regexp.MustCompile(`Promoted web \S+ to prod \(revision \d+, sequence (\d+)\)`)
	autoRE     = regexp.MustCompile(`(?m)^Automatic deployment to Development: Success$`)
)

// TestTeamAtTheRemote runs four clones of one Space, each in its own
// home, doing release create, deploy and promote at once against one
// central repository served by git daemon. Then every clone syncs, and:
// every event a command reported is in the ledger exactly once, no
// sequence number is used twice, no release version is made twice, and
// every clone's dashboard says the same thing.
func TestTeamAtTheRemote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Git server and runs for seconds")
	}
	tm := newTeam(t, startGitDaemon)
	var clones []*clone
	for i := range 4 {
		clones = append(clones, tm.clone(fmt.Sprintf("runner%d", i+1)))
	}
	tl := &tally{}
	deadline := time.Now().Add(duration(t))
	var wg sync.WaitGroup
	for i, c := range clones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(t, c, i, tl, deadline)
		}()
	}
	wg.Wait()
	for _, c := range clones {
		c.zonectl("sync").ok(t)
	}
	t.Logf("%d commands: %d releases created, %d automatic and %d Test deployments, %d promotions",
		tl.ops, tl.created, tl.autoDeploys, tl.testDeploys, len(tl.promotions))
	checkLedger(t, tm, clones[0], tl)
	checkSameTruth(t, clones)
}

// work runs one clone's commands until the deadline.
func work(t *testing.T, c *clone, id int, tl *tally, deadline time.Time) {
	rng := rand.New(rand.NewPCG(uint64(id), uint64(time.Now().UnixNano())))
	out := filepath.Join(c.tm.dir, "out", c.name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Error(err)
		return
	}
	for n := 1; time.Now().Before(deadline); n++ {
		// A pause, as between the jobs of a pipeline; the four clones
		// still write far more often than a team does (several commands
		// a second in all, on two cores).
		time.Sleep(time.Duration(200+rng.IntN(800)) * time.Millisecond)
		switch k := rng.IntN(10); {
		case k < 3:
			create(t, c, tl, fmt.Sprintf("%d.%d.0", id+1, n))
		case k < 4:
			// Every clone creates the same versions, in the same order:
			// one makes each, the others find it made.
			create(t, c, tl, fmt.Sprintf("0.%d.0", n/4))
		case k < 8:
			if v, ok := tl.pick(rng, false); ok {
				deployTest(t, c, tl, v)
			}
		default:
			if v, ok := tl.pick(rng, true); ok {
				promote(t, c, tl, v, filepath.Join(out, fmt.Sprintf("web-%d.zbundle", n)))
			}
		}
	}
}

func (tl *tally) pick(rng *rand.Rand, tested bool) (string, bool) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	list := tl.versions
	if tested {
		list = tl.tested
	}
	if len(list) == 0 {
		return "", false
	}
	return list[rng.IntN(len(list))], true
}

func create(t *testing.T, c *clone, tl *tally, version string) {
	r := c.zonectl("release", "create", "web", "--version", version)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.ops++
	switch {
	case r.code == 0 && strings.Contains(r.stdout, "Created release web "+version):
		tl.created++
		tl.versions = append(tl.versions, version)
	case r.code == 0 && strings.Contains(r.stdout, "exists already"):
	default:
		t.Errorf("%s: release create web %s: exit %d\n%s%s", c.name, version, r.code, r.stdout, r.stderr)
		return
	}
	tl.autoDeploys += len(autoRE.FindAllString(r.stdout, -1))
}

func deployTest(t *testing.T, c *clone, tl *tally, version string) {
	r := c.zonectl("deploy", "web", version, "--to", "Test")
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.ops++
	if r.code != 0 || !strings.Contains(r.stdout, ": Success") {
		t.Errorf("%s: deploy web %s --to Test: exit %d\n%s%s", c.name, version, r.code, r.stdout, r.stderr)
		return
	}
	tl.testDeploys++
	tl.tested = append(tl.tested, version)
}

func promote(t *testing.T, c *clone, tl *tally, version, out string) {
	r := c.zonectl("promote", "web", version, "--to", "prod", "--out", out)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.ops++
	m := promotedRE.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Errorf("%s: promote web %s --to prod: exit %d\n%s%s", c.name, version, r.code, r.stdout, r.stderr)
		return
	}
	seq, _ := strconv.ParseUint(m[1], 10, 64)
	tl.promotions = append(tl.promotions, seq)
}

// checkLedger compares the central ledger with what the commands said.
func checkLedger(t *testing.T, tm *team, c *clone, tl *tally) {
	subjects := strings.Split(strings.TrimSpace(run(t, c.dir, c.env, "git", "log", "--format=%s", "refs/zonectl/ledger")), "\n")
	count := func(re string) int {
		n := 0
		for _, s := range subjects {
			if regexp.MustCompile(re).MatchString(s) {
				n++
			}
		}
		return n
	}
	if got := count(`^Create release web `); got != tl.created {
		t.Errorf("the ledger records %d releases created; the commands created %d", got, tl.created)
	}
	if got := count(`^Deploy web \S+ to Development: Success$`); got != tl.autoDeploys {
		t.Errorf("the ledger records %d deployments to Development; the commands reported %d", got, tl.autoDeploys)
	}
	if got := count(`^Deploy web \S+ to Test: Success$`); got != tl.testDeploys {
		t.Errorf("the ledger records %d deployments to Test; the commands reported %d", got, tl.testDeploys)
	}
	checkVersions(t, c, subjects)
	checkSequences(t, subjects, tl.promotions)
}

// checkVersions: each release ref was created once, by one event.
func checkVersions(t *testing.T, c *clone, subjects []string) {
	refs := strings.Fields(run(t, c.dir, c.env, "git", "for-each-ref", "--format=%(refname)", "refs/zonectl/releases/"))
	created := map[string]int{}
	for _, s := range subjects {
		if v, ok := strings.CutPrefix(s, "Create release web "); ok {
			created[v]++
		}
	}
	for v, n := range created {
		if n != 1 {
			t.Errorf("release web %s was created %d times", v, n)
		}
	}
	if len(refs) != len(created) {
		t.Errorf("%d release refs, %d releases created in the ledger", len(refs), len(created))
	}
}

// checkSequences: no sequence number is used twice, and the ledger holds
// exactly the promotions the commands reported.
func checkSequences(t *testing.T, subjects []string, reported []uint64) {
	re := regexp.MustCompile(`^Promote web \S+ to prod \(revision \d+, sequence (\d+)\)$`)
	inLedger := map[uint64]int{}
	for _, s := range subjects {
		if m := re.FindStringSubmatch(s); m != nil {
			n, _ := strconv.ParseUint(m[1], 10, 64)
			inLedger[n]++
		}
	}
	for n, k := range inLedger {
		if k != 1 {
			t.Errorf("sequence number %d is recorded %d times", n, k)
		}
	}
	seen := map[uint64]bool{}
	for _, n := range reported {
		if seen[n] {
			t.Errorf("two promote commands reported sequence number %d", n)
		}
		seen[n] = true
		if inLedger[n] != 1 {
			t.Errorf("promote reported sequence %d; the ledger records it %d times", n, inLedger[n])
		}
	}
	if len(inLedger) != len(reported) {
		t.Errorf("the ledger records %d promotions; the commands reported %d", len(inLedger), len(reported))
	}
}

// checkSameTruth: after sync, every clone's dashboard is the same, and
// audit passes.
func checkSameTruth(t *testing.T, clones []*clone) {
	first := clones[0].zonectl("--output", "json", "dashboard").ok(t).stdout
	for _, c := range clones[1:] {
		if got := c.zonectl("--output", "json", "dashboard").ok(t).stdout; got != first {
			t.Errorf("%s's dashboard differs from %s's after sync:\n%s\n---\n%s", c.name, clones[0].name, got, first)
		}
	}
	clones[len(clones)-1].zonectl("audit").ok(t)
}
