package scratch

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func all(string) bool { return true }

func newArea(t *testing.T) (*Area, string) {
	t.Helper()
	if !locking {
		t.Skip("no file locks on this platform: Sweep removes nothing")
	}
	dir := t.TempDir()
	return New(dir), dir
}

func names(rs []Removed) []string {
	var out []string
	for _, r := range rs {
		out = append(out, filepath.Base(r.Path))
	}
	return out
}

func TestSweepLeavesLiveEntries(t *testing.T) {
	a, dir := newArea(t)
	f, err := a.CreateTemp(dir, "blob-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("bytes"); err != nil {
		t.Fatal(err)
	}
	// Closed but not removed: still its process's.
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	d, err := a.MkdirTemp(dir, ".import-")
	if err != nil {
		t.Fatal(err)
	}
	removed, err := a.Sweep(dir, all)
	if err != nil || len(removed) != 0 {
		t.Fatalf("Sweep removed %v, %v; want nothing: the entries are locked", names(removed), err)
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Fatalf("left after Remove: %v", left)
	}
}

func TestSweepRemovesAbandonedEntries(t *testing.T) {
	a, dir := newArea(t)
	d, err := a.MkdirTemp(dir, ".import-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Path(), "member"), make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := a.CreateTemp(dir, ".incoming-*.zbundle")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 24))
	// As if the process died: the kernel drops its locks, nothing is
	// removed.
	d.lock.Close()
	f.File.Close()
	f.lock.Close()
	// Written by something else: not for Sweep.
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	removed, err := a.Sweep(dir, func(n string) bool { return strings.HasPrefix(n, ".i") })
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Fatalf("removed %v, want the directory and the file", names(removed))
	}
	var total int64
	for _, r := range removed {
		total += r.Size
		if _, err := os.Lstat(r.Path); !os.IsNotExist(err) {
			t.Errorf("%s is still there", r.Path)
		}
	}
	if total != 1024 {
		t.Errorf("sizes add up to %d, want 1024", total)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep")); err != nil {
		t.Errorf("an entry the match refused was removed: %v", err)
	}
}

func TestSweepWaitsForMakers(t *testing.T) {
	a, dir := newArea(t)
	if err := os.WriteFile(filepath.Join(dir, "blob-1"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A maker between making an entry and locking it holds the area's lock
	// shared: Sweep does nothing then.
	area, err := os.Open(a.lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := lockShared(area); err != nil {
		t.Fatal(err)
	}
	removed, err := a.Sweep(dir, func(n string) bool { return n == "blob-1" })
	if err != nil || len(removed) != 0 {
		t.Fatalf("Sweep removed %v, %v while an entry was being made", names(removed), err)
	}
	area.Close()
	removed, err = a.Sweep(dir, func(n string) bool { return n == "blob-1" })
	if err != nil || len(removed) != 1 {
		t.Fatalf("Sweep removed %v, %v; want blob-1", names(removed), err)
	}
}

func TestSweepMissingDir(t *testing.T) {
	a, dir := newArea(t)
	removed, err := a.Sweep(filepath.Join(dir, "none"), all)
	if err != nil || removed != nil {
		t.Fatalf("Sweep of a missing directory: %v, %v", removed, err)
	}
}

// TestSweepAfterKill holds entries in another process, which the test
// then kills with SIGKILL: only then may Sweep remove them.
func TestSweepAfterKill(t *testing.T) {
	if dir := os.Getenv("SCRATCH_HOLD"); dir != "" {
		hold(dir)
		return
	}
	a, dir := newArea(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSweepAfterKill$")
	cmd.Env = append(os.Environ(), "SCRATCH_HOLD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper: %q, %v", line, err)
	}
	if removed, err := a.Sweep(dir, all); err != nil || len(removed) != 0 {
		t.Fatalf("Sweep removed %v, %v from a live process", names(removed), err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	removed, err := a.Sweep(dir, all)
	if err != nil || len(removed) != 2 {
		t.Fatalf("Sweep after the owner was killed removed %v, %v; want both entries", names(removed), err)
	}
}

// hold makes a directory and a file in dir, says so, and waits to be
// killed.
func hold(dir string) {
	a := New(dir)
	if _, err := a.MkdirTemp(dir, ".import-"); err != nil {
		panic(err)
	}
	if _, err := a.CreateTemp(dir, "blob-*"); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Minute)
	os.Exit(1)
}
