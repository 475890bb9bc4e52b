package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// measure is what one child process cost.
type measure struct {
	Label  string // what the row shows
	Argv   []string
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // peak resident set, bytes
	// Read and Written are the bytes passed to read and write system calls
	// (/proc/<pid>/io rchar and wchar), page cache hits included; -1 when
	// unknown. DiskWritten is what reached the block layer (write_bytes,
	// rusage oublock).
	Read, Written, DiskWritten int64
	// Bound is the most memory the command may use, 0 for none.
	Bound  int64
	Stdout []byte
}

// runner runs commands in the bench's isolated environment.
type runner struct {
	env     []string
	verbose bool
	rows    []*measure
}

// run runs argv in dir and returns what it cost; a command that fails is
// an error carrying its stderr. With label set, the measure becomes a row
// of the table.
func (r *runner) run(label, dir string, argv ...string) (*measure, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = r.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if r.verbose || label != "" {
		fmt.Fprintf(os.Stderr, "transfer: %s\n", shortArgv(argv))
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	io := exitIO(cmd.Process.Pid) // waits for the exit, not reaping the child
	err := cmd.Wait()
	m := &measure{Label: label, Argv: argv, Wall: time.Since(start), Stdout: stdout.Bytes(),
		Read: io.rchar, Written: io.wchar, DiskWritten: io.writeBytes}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSS = ru.Maxrss << 10 // KiB on Linux
		m.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		if m.DiskWritten < 0 {
			m.DiskWritten = ru.Oublock * 512
		}
	}
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s%s", shortArgv(argv), err, stdout.Bytes(), stderr.Bytes())
	}
	if label != "" {
		r.rows = append(r.rows, m)
	}
	return m, nil
}

// shortArgv shows a command line with the bench's own paths shortened.
func shortArgv(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if filepath.IsAbs(a) {
			a = filepath.Base(a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
