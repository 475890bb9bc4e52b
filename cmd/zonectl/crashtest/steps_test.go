//go:build linux

package crashtest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A step is one mutating system call a command makes: the n-th call of
// Syscall (counted over all of zonectl's threads, in the order they
// entered the kernel) on Path. Crash points are named by (Syscall, N).
type step struct {
	Syscall string
	N       int
	Path    string
	Line    string // as strace printed it, shortened
}

func (s step) String() string { return fmt.Sprintf("%s #%d", s.Syscall, s.N) }

// operand says which arguments of a mutating call name the file it
// changes: the file descriptor fd, or the path path relative to the
// directory descriptor dirfd (-1: relative to the working directory).
type operand struct{ fd, dirfd, path int }

// mutating lists every system call that changes a file system, with the
// argument that names what it changes. The suite counts and kills only at
// these; opening or creating a file is not a step of its own, as a kill
// just before the next step leaves the same files behind.
var mutating = map[string]operand{
	"write":           {fd: 0, dirfd: -1, path: -1},
	"pwrite64":        {fd: 0, dirfd: -1, path: -1},
	"writev":          {fd: 0, dirfd: -1, path: -1},
	"pwritev":         {fd: 0, dirfd: -1, path: -1},
	"pwritev2":        {fd: 0, dirfd: -1, path: -1},
	"sendfile":        {fd: 0, dirfd: -1, path: -1},
	"splice":          {fd: 2, dirfd: -1, path: -1},
	"copy_file_range": {fd: 2, dirfd: -1, path: -1},
	"fsync":           {fd: 0, dirfd: -1, path: -1},
	"fdatasync":       {fd: 0, dirfd: -1, path: -1},
	"sync_file_range": {fd: 0, dirfd: -1, path: -1},
	"ftruncate":       {fd: 0, dirfd: -1, path: -1},
	"fallocate":       {fd: 0, dirfd: -1, path: -1},
	"fchmod":          {fd: 0, dirfd: -1, path: -1},
	"truncate":        {fd: -1, dirfd: -1, path: 0},
	"rename":          {fd: -1, dirfd: -1, path: 1},
	"renameat":        {fd: -1, dirfd: 2, path: 3},
	"renameat2":       {fd: -1, dirfd: 2, path: 3},
	"link":            {fd: -1, dirfd: -1, path: 1},
	"linkat":          {fd: -1, dirfd: 2, path: 3},
	"symlink":         {fd: -1, dirfd: -1, path: 1},
	"symlinkat":       {fd: -1, dirfd: 1, path: 2},
	"unlink":          {fd: -1, dirfd: -1, path: 0},
	"unlinkat":        {fd: -1, dirfd: 0, path: 1},
	"rmdir":           {fd: -1, dirfd: -1, path: 0},
	"mkdir":           {fd: -1, dirfd: -1, path: 0},
	"mkdirat":         {fd: -1, dirfd: 0, path: 1},
	"chmod":           {fd: -1, dirfd: -1, path: 0},
	"fchmodat":        {fd: -1, dirfd: 0, path: 1},
	"fchmodat2":       {fd: -1, dirfd: 0, path: 1},
}

// writesData says whether a call adds bytes to a file; runs of these on
// one file are sampled (see sample).
func writesData(syscall string) bool {
	switch syscall {
	case "write", "pwrite64", "writev", "pwritev", "pwritev2", "sendfile", "splice", "copy_file_range":
		return true
	}
	return false
}

// straceSet is the -e trace= set of the counting run, in a stable order;
// "?" lets an older strace that does not know a call (fchmodat2) go on.
func straceSet() string {
	names := make([]string, 0, len(mutating))
	for name := range mutating {
		if _, ok := syscallNumbers[name]; ok {
			names = append(names, "?"+name)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// within says whether path is root or below it: only changes under the
// trial's directory (its Spaces, its output folder, its TMPDIR) are steps.
func within(path, root string) bool {
	path = filepath.Clean(path)
	return path == root || strings.HasPrefix(path, root+string(filepath.Separator))
}

// straceLine is one line of `strace -f -Y -y` output: "TID<comm> name(args".
var straceLine = regexp.MustCompile(`^(\d+)<([^>]*)> ([a-z0-9_]+)\((.*)$`)

// parseStrace reads the log of the counting run and returns the steps
// zonectl itself took (not the scripts a deployment runs) under root, in
// the order they entered the kernel.
func parseStrace(logPath, root, comm string) ([]step, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var steps []step
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		m := straceLine.FindStringSubmatch(line)
		if m == nil || m[2] != comm {
			continue
		}
		name := m[3]
		op, ok := mutating[name]
		if !ok {
			continue
		}
		rest := strings.TrimSuffix(m[4], " <unfinished ...>")
		args := splitArgs(rest)
		path, ok := straceTarget(op, args)
		if !ok || !within(path, root) {
			continue
		}
		counts[name]++
		short := name + "(" + rest
		if len(short) > 160 {
			short = short[:157] + "..."
		}
		steps = append(steps, step{Syscall: name, N: counts[name], Path: path, Line: short})
	}
	return steps, sc.Err()
}

// straceTarget is the file a call changes, from strace's rendering of its
// arguments with -y: "13</path>" for a descriptor, "AT_FDCWD</dir>" for a
// directory descriptor, a quoted string for a path.
func straceTarget(op operand, args []string) (string, bool) {
	if op.fd >= 0 {
		if op.fd >= len(args) {
			return "", false
		}
		return annotated(args[op.fd])
	}
	if op.path >= len(args) {
		return "", false
	}
	p, err := strconv.Unquote(args[op.path])
	if err != nil {
		p = strings.Trim(args[op.path], `"`)
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), true
	}
	if op.dirfd < 0 || op.dirfd >= len(args) {
		return "", false // relative to a working directory strace does not show
	}
	dir, ok := annotated(args[op.dirfd])
	if !ok {
		return "", false
	}
	return filepath.Join(dir, p), true
}

// annotated returns the path strace -y prints after a descriptor.
func annotated(arg string) (string, bool) {
	i := strings.IndexByte(arg, '<')
	if i < 0 || !strings.HasSuffix(arg, ">") {
		return "", false
	}
	return arg[i+1 : len(arg)-1], true
}

// splitArgs splits strace's rendering of a call's arguments at the top
// level commas, keeping quoted strings, <annotations> and brackets whole.
func splitArgs(s string) []string {
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j >= 0 {
				i += j
			}
		case '(', '[', '{':
			depth++
		case ']', '}':
			depth--
		case ')':
			if depth == 0 {
				return append(args, strings.TrimSpace(s[start:i]))
			}
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}

// sample chooses the crash points of a command from its steps. Every step
// that is not a data write is kept. Of a run of data writes to one file
// (a loose object is written in seven, a pack index in hundreds), the
// first and the last are kept: killed before them, the file is empty, or
// written but for its last part; the writes between leave a file cut
// short as well. all keeps every step.
func sample(steps []step, all bool) []step {
	if all {
		return steps
	}
	var kept []step
	for i := 0; i < len(steps); {
		if !writesData(steps[i].Syscall) {
			kept = append(kept, steps[i])
			i++
			continue
		}
		j := i + 1
		for j < len(steps) && writesData(steps[j].Syscall) && steps[j].Path == steps[i].Path {
			j++
		}
		for k := i; k < j; k++ {
			if k == i || k == j-1 {
				kept = append(kept, steps[k])
			}
		}
		i = j
	}
	return kept
}
