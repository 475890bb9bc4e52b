// Package teamtest runs a Space the way a team does: several clones, each
// with its own home and none of the others' state, writing at once
// through one central repository served by a real Git server on loopback.
// It checks what the team must be able to trust afterwards: no event lost,
// no sequence number or release version used twice, one truth in every
// clone.
package teamtest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// zonectlBin is the zonectl binary under test, built from this tree.
var zonectlBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "zonectl-team-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "teamtest:", err)
		os.Exit(1)
	}
	zonectlBin = filepath.Join(dir, "zonectl")
	start := time.Now()
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", zonectlBin, "github.com/zonectl/zonectl/cmd/zonectl")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "teamtest: go build ./cmd/zonectl: %v\n%s", err, out)
		os.Exit(1)
	}
	fmt.Printf("teamtest: built zonectl in %.1fs\n", time.Since(start).Seconds())
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
