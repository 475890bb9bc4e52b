package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/zonectl/zonectl/internal/refusal"
)

func TestExitCode(t *testing.T) {
	t.Setenv("ZONECTL_STORE", "")
	full := &fs.PathError{Op: "write", Path: "/srv/space/.zonectl/store/tmp/blob-1", Err: syscall.ENOSPC}
	quota := &fs.PathError{Op: "write", Path: "/home/re/web.zbundle", Err: syscall.EDQUOT}
	for _, tc := range []struct {
		name   string
		err    error
		status int
		stderr string // the whole of it
	}{
		{"done", nil, 0, ""},
		{"usage", usagef(errors.New("bad flag")), 2, "zonectl: error: bad flag\nzonectl: hint: run 'zonectl --help' for usage\n"},
		{"verification", &refusal.Error{What: "bundle b", Reason: "not signed"}, 3, "zonectl: error: verify bundle b: not signed\n"},
		{"verification reported", &failure{summary: "bundles refused", verification: true}, 3, ""},
		{"disk full", fmt.Errorf("push web 1.0.0: %w", full), 1,
			"zonectl: error: no space left on device while writing /srv/space/.zonectl/store/tmp/blob-1\n" +
				"zonectl: hint: free space on that disk and run the command again, or set ZONECTL_STORE to a directory on another disk to keep the package store there\n"},
		// A write failing inside a check is the disk's doing, not the
		// bundle's.
		{"disk full under a refusal", &refusal.Error{What: "bundle b", Reason: "extract", Err: full}, 1,
			"zonectl: error: no space left on device while writing /srv/space/.zonectl/store/tmp/blob-1\n" +
				"zonectl: hint: free space on that disk and run the command again, or set ZONECTL_STORE to a directory on another disk to keep the package store there\n"},
		{"quota outside the store", withHint(quota, "not this one"), 1,
			"zonectl: error: disk quota exceeded while writing /home/re/web.zbundle\n" +
				"zonectl: hint: free some of your quota on that disk and run the command again\n"},
		{"disk full, no path", fmt.Errorf("commit: %w", syscall.ENOSPC), 1,
			"zonectl: error: commit: no space left on device\n" +
				"zonectl: hint: free space on that disk and run the command again, or set ZONECTL_STORE to a directory on another disk to keep the package store there\n"},
		{"SIGINT", &interrupted{sig: os.Interrupt}, 130, "zonectl: error: interrupted (SIGINT)\n"},
		{"SIGTERM", &interrupted{sig: syscall.SIGTERM}, 143, "zonectl: error: interrupted (SIGTERM)\n"},
		{"SIGHUP", &interrupted{sig: syscall.SIGHUP}, 129, "zonectl: error: interrupted (SIGHUP)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(tc.err); got != tc.status {
				t.Errorf("exit status %d, want %d", got, tc.status)
			}
			if tc.err == nil {
				return
			}
			var stderr bytes.Buffer
			newOutput(strings.NewReader(""), &bytes.Buffer{}, &stderr).reportError(tc.err)
			if got := stderr.String(); got != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.stderr)
			}
		})
	}
}

func TestInPackageStore(t *testing.T) {
	t.Setenv("ZONECTL_STORE", "/mnt/packages")
	for path, want := range map[string]bool{
		"/mnt/packages/tmp/blob-1":          true,
		"/mnt/packages":                     true,
		"/mnt/packages2/x":                  false,
		"/srv/space/.zonectl/store/.push-1": true,
		"/srv/space/.zonectl/work/01-Build": false,
	} {
		if got := inPackageStore(path); got != want {
			t.Errorf("inPackageStore(%q) = %v, want %v", path, got, want)
		}
	}
}
