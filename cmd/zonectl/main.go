// Command zonectl promotes releases between isolated deployment Spaces,
// with every Space's configuration kept as HCL in Git.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/store"
)

func main() { os.Exit(Main()) }

// Main runs zonectl on os.Args and returns its exit code. The end-to-end
// tests run it in-process as the zonectl command.
func Main() int {
	defer startProfile()()
	ctx, signals := notifyStop(context.Background())
	defer signals.stop()
	out := newOutput(os.Stdin, os.Stdout, os.Stderr)
	root := newRootCommand(out)
	root.SetArgs(os.Args[1:])
	err := root.ExecuteContext(ctx)
	if sig := signals.received(); sig != nil {
		// Whatever the command made of the cancellation, it was stopped.
		err = &interrupted{sig: sig}
	}
	if err != nil {
		out.reportError(err)
	}
	return exitCode(err)
}

// Exit codes (SPEC §9).
const (
	exitOK     = 0   // the work was done
	exitFailed = 1   // the work failed: invalid configuration, a failed deployment, a lifecycle that forbids it, a full disk
	exitUsage  = 2   // the command line was wrong
	exitVerify = 3   // verification failed: signature, hash, trust, replay
	exitSignal = 128 // plus the signal's number: stopped by SIGINT (130), SIGTERM (143) or SIGHUP (129)
)

// exitCode maps an error to the exit code; this switch is the only place
// that decides one.
func exitCode(err error) int {
	var (
		usage  *usageError
		verify *refusal.Error
		intr   *interrupted
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &intr):
		return intr.status()
	case errors.As(err, &usage), isCobraUsageError(err):
		return exitUsage
	case diskFull(err) != nil:
		// Bytes that could not be written were not refused: whatever
		// else the error says, the disk failed the work.
		return exitFailed
	case errors.As(err, &verify):
		return exitVerify
	}
	var f *failure
	if errors.As(err, &f) && f.verification {
		return exitVerify
	}
	return exitFailed
}

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

// isCobraUsageError recognises the errors cobra makes for an unknown
// command before any of our code runs; cobra gives them no type.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") || strings.HasPrefix(msg, "unknown flag") || strings.HasPrefix(msg, "unknown shorthand flag") || strings.HasPrefix(msg, "required flag(s) ")
}

// failure is an error already reported in full (diagnostics, a list of
// files); it sets the exit code without another error line. A failed
// verification reported that way exits 3, like any other.
type failure struct {
	summary      string
	verification bool
}

func (f *failure) Error() string { return f.summary }

// hinted is an error with advice for the most likely mistake behind it.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

// diskFullError says that a write found the disk full or over quota.
type diskFullError struct {
	errno syscall.Errno // ENOSPC or EDQUOT
	path  string        // what was being written, if known
	err   error
}

// diskFull returns what err says about a full disk, or nil when that is
// not what it comes down to.
func diskFull(err error) *diskFullError {
	d := &diskFullError{err: err}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		d.errno = syscall.ENOSPC
	case errors.Is(err, syscall.EDQUOT):
		d.errno = syscall.EDQUOT
	default:
		return nil
	}
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		d.path = pathErr.Path
	case errors.As(err, &linkErr):
		d.path = linkErr.New
	}
	return d
}

func (d *diskFullError) Error() string {
	if d.path == "" {
		return d.err.Error()
	}
	return fmt.Sprintf("%s while writing %s", d.errno, d.path)
}

// hint says what to do about it: make room, or, when it was the package
// store that filled the disk (or what was written is not known), move the
// store.
func (d *diskFullError) hint() string {
	free := "free space on that disk"
	if d.errno == syscall.EDQUOT {
		free = "free some of your quota on that disk"
	}
	if d.path != "" && !inPackageStore(d.path) {
		return free + " and run the command again"
	}
	return free + " and run the command again, or set ZONECTL_STORE to a directory on another disk to keep the package store there"
}

// inPackageStore reports whether path is in a package store: the one
// ZONECTL_STORE names, or a Space's own.
func inPackageStore(path string) bool {
	if dir := os.Getenv(store.EnvDir); dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			if rel, err := filepath.Rel(abs, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return true
			}
		}
	}
	return strings.Contains(filepath.ToSlash(path), "/.zonectl/store/")
}
