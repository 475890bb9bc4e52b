package deploy_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/zonectl/zonectl/internal/ledger"
)

// A deployment resumed after a manual intervention records, in its final
// ledger entry, every package the deployment deployed, including those
// deployed before it waited.
func TestResumedDeploymentRecordsPackages(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/acme-web/project.hcl": `project "acme-web" {
  lifecycle = "Anywhere"
}

package "acme-web" {}

step "Deploy web" {
  deploy_package {
    package     = "acme-web"
    destination = "/srv/acme"
  }
}

step "Approve" {
  manual_intervention {
    instructions = "Look at it"
  }
}

step "Switch over" {
  run_script {
    body = "echo switched"
  }
}
`})
	f.push(t, "acme-web", "1.4.0", map[string]string{"index.html": "hi"})
	f.release(t, "acme-web", "1.4.0")
	f.mustDeploy(t, to("acme-web", "1.4.0", "Test"))
	opts := to("acme-web", "1.4.0", "Test")
	opts.Approve = []string{"Approve"}
	res := f.mustDeploy(t, opts)
	if res.Outcomes[0].State != ledger.StateSuccess {
		t.Fatalf("%+v", res.Outcomes[0])
	}
	deps := f.deployments(t)
	waiting, final := deps[0].Event.Deployment, deps[1].Event.Deployment
	t.Logf("waiting record packages: %+v", waiting.Packages)
	t.Logf("final record packages:   %+v", final.Packages)
	if len(final.Packages) != 1 {
		t.Errorf("the final record of deployment %s lists packages %+v; want acme-web 1.4.0, which its step 1 deployed", final.ID, final.Packages)
	}
}

// A step that times out is ended with everything it started.
func TestTimeoutEndsEverythingTheStepStarted(t *testing.T) {
	f := newFixture(t, nil)
	pidfile := filepath.Join(t.TempDir(), "pid")
	f.commit(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Slow" {
  timeout = "3s"
  run_script {
    body = "sleep 30 & echo $! > ` + pidfile + `; wait"
  }
}
`})
	f.release(t, "api", "1.0.0")
	res := f.mustDeploy(t, to("api", "1.0.0", "Test"))
	if res.Outcomes[0].State != "Failed" || !strings.Contains(res.Outcomes[0].Steps[0].Reason, "timed out after 3s") {
		t.Fatalf("outcome %+v\n%s", res.Outcomes[0], f.log(t, res.Outcomes[0].Ledger))
	}
	data, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("process %d that the timed-out step started is still running after the deployment ended", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// alive reports whether a process runs: a killed process that nobody has
// reaped yet (a zombie, state Z) has ended.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
