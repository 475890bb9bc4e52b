//go:build linux

package crashtest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

var (
	suiteRoot  string // everything the suites write, removed at the end
	zonectlBin string // the zonectl binary under test, built from this tree
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(tracerEnv); spec != "" {
		os.Exit(tracerMain(spec)) // the ptrace helper (ptrace_test.go)
	}
	os.Exit(setUp(m))
}

// setUp builds zonectl from this tree (or copies ZONECTL_CRASH_BIN) into a
// fresh directory and runs the tests. The directory is on tmpfs (/dev/shm) when there is one, as the
// suites copy thousands of small files and a kill is a process crash, not
// a power cut: fsync has nothing to prove here. ZONECTL_CRASH_TMPDIR
// chooses another place.
func setUp(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	root, err := os.MkdirTemp(tempBase(), "zonectl-crash-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	defer os.RemoveAll(root)
	binDir, err := os.MkdirTemp("", "zonectl-crash-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	suiteRoot = root
	zonectlBin = filepath.Join(binDir, "zonectl")
	if bin := os.Getenv("ZONECTL_CRASH_BIN"); bin != "" {
		// Another build to judge, such as an older commit's; it is copied
		// so that its threads are named zonectl, as the counting expects.
		if out, err := exec.Command("install", "-D", bin, zonectlBin).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "crashtest: ZONECTL_CRASH_BIN: %v: %s", err, out)
			return 1
		}
		return runAndReport(m)
	}
	start := time.Now()
	build := exec.Command(goTool(), "build", "-o", zonectlBin, "github.com/zonectl/zonectl/cmd/zonectl")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: go build ./cmd/zonectl: %v\n%s", err, out)
		return 1
	}
	fmt.Printf("crashtest: built zonectl in %.1fs\n", time.Since(start).Seconds())
	return runAndReport(m)
}

// runAndReport runs the tests and says where failing trials were kept.
func runAndReport(m *testing.M) int {
	code := m.Run()
	if keepDir != "" {
		fmt.Printf("crashtest: kept the Spaces of failing trials in %s\n", keepDir)
	}
	return code
}

// tempBase is where the Spaces go: ZONECTL_CRASH_TMPDIR, else /dev/shm
// when it is writable with room to spare, else the usual TMPDIR.
func tempBase() string {
	if dir := os.Getenv("ZONECTL_CRASH_TMPDIR"); dir != "" {
		return dir
	}
	var st syscall.Statfs_t
	if syscall.Statfs("/dev/shm", &st) == nil && st.Bavail*uint64(st.Bsize) >= 256<<20 {
		if f, err := os.CreateTemp("/dev/shm", "zonectl-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return os.TempDir()
}

// goTool is the go command that runs these tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
