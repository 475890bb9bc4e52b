package teamtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A server serves the bare repositories in one directory over a real Git
// protocol on loopback until the test ends; url names one repository.
type server interface {
	url(repo string) string
	// clientEnv is what a client's environment needs to reach it.
	clientEnv() map[string]string
}

// gitDaemon is stock git daemon with receive-pack enabled.
type gitDaemon struct{ port int }

func (d gitDaemon) url(repo string) string     { return fmt.Sprintf("git://127.0.0.1:%d/%s", d.port, repo) }
func (gitDaemon) clientEnv() map[string]string { return nil }

func startGitDaemon(t *testing.T, base string) server {
	t.Helper()
	port := freePort(t)
	startDaemon(t, port, "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
		"--informative-errors", "--listen=127.0.0.1", fmt.Sprintf("--port=%d", port), "--base-path="+base, base)
	return gitDaemon{port: port}
}

// startDaemon starts a server that forks a child per connection, and
// waits until it listens on port; the test's end stops it with its whole
// process group.
func startDaemon(t *testing.T, port int, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	waitListening(t, port, &stderr)
}

// httpBackend is stock git http-backend behind net/http/cgi.
type httpBackend struct{ addr string }

func (h httpBackend) url(repo string) string     { return "http://" + h.addr + "/" + repo }
func (httpBackend) clientEnv() map[string]string { return nil }

func startHTTPBackend(t *testing.T, base string) server {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	h := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + base, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + base},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return httpBackend{addr: ln.Addr().String()}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the server did not listen on port %d: %s", port, stderr)
}

// bareRepo makes base/name.git a bare clone of src with receive-pack on,
// as a central server holds it.
func bareRepo(t *testing.T, src, base, name string) {
	t.Helper()
	dir := filepath.Join(base, name)
	run(t, "", nil, "git", "clone", "-q", "--bare", src, dir)
	run(t, "", nil, "git", "-C", dir, "config", "http.receivepack", "true")
	if err := os.MkdirAll(filepath.Join(dir, "hooks"), 0o755); err != nil {
		t.Fatal(err)
	}
}
