//go:build linux

package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// The killer. strace's own fault injection (-e inject=SYSCALL:signal=KILL:
// when=N) counts calls per syscall and per tracee, that is per thread, and
// a Go program moves its goroutines between threads from run to run: the
// same command's writes fall 113/19/2 over three threads in one run and
// 52/35/83 in the next, so when=N does not name the same step twice and
// never reaches the later ones. The crash points are therefore counted
// over the whole process here, with ptrace, in a helper process (the test
// binary run again with tracerEnv set): it starts zonectl under a seccomp
// filter that stops it at the entry of each mutating call (and of no
// other), counts them as the counting run with strace did (same calls,
// same files, zonectl's own threads only), and at the n-th call of the
// chosen syscall sends SIGKILL to zonectl's process group while that
// thread is stopped at the entry, so that the call never runs.
// docs/crash.md says more.

// tracerEnv names the file holding the traceSpec for the helper process.
const tracerEnv = "ZONECTL_CRASHTEST_TRACE"

type traceSpec struct {
	Bin     string
	Args    []string
	Dir     string
	Env     []string
	Stdin   string // a file, or "" for /dev/null
	Stdout  string // files for zonectl's output
	Stderr  string
	Root    string // only changes under Root are counted
	Syscall string // kill at the N-th call of Syscall; N == 0 counts only
	N       int
	Result  string // where the helper writes its traceResult
}

type traceResult struct {
	Killed bool           // SIGKILL was sent at the chosen step and zonectl died of it
	Exit   int            // zonectl's exit status when it was not killed
	Signal string         // the signal zonectl died of, if any
	Step   string         // the call it was killed at, with its file
	Counts map[string]int // mutating calls seen, by syscall
	Err    string         // the helper's own failure
}

// killAt runs spec in the helper process and returns what happened.
func killAt(spec traceSpec) (traceResult, error) {
	data, err := json.Marshal(spec)
	if err != nil {
		return traceResult{}, err
	}
	specFile := spec.Result + ".spec"
	if err := os.WriteFile(specFile, data, 0o600); err != nil {
		return traceResult{}, err
	}
	defer os.Remove(specFile)
	defer os.Remove(spec.Result)
	self, err := os.Executable()
	if err != nil {
		return traceResult{}, err
	}
	// A hang fails the trial: killing the helper kills zonectl too
	// (PTRACE_O_EXITKILL).
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), tracerEnv+"="+specFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	var res traceResult
	out, err := os.ReadFile(spec.Result)
	if err != nil {
		return res, fmt.Errorf("ptrace helper: %v; %s", runErr, stderr.String())
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return res, fmt.Errorf("ptrace helper result: %w", err)
	}
	if res.Err != "" {
		return res, errors.New("ptrace helper: " + res.Err)
	}
	return res, nil
}

// tracerMain is the helper process: it runs the spec named by tracerEnv
// and writes the result beside it.
func tracerMain(specFile string) int {
	data, err := os.ReadFile(specFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var spec traceSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// The tracing runs on a thread of its own that never returns to the
	// scheduler: every ptrace request must come from the thread that
	// started zonectl, and that thread carries the seccomp filter, under
	// which its own writes would fail. It ends with the goroutine.
	var res traceResult
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		var err error
		res, err = trace(spec)
		if err != nil {
			res.Err = err.Error()
		}
		close(done)
	}()
	<-done
	out, _ := json.Marshal(res)
	if err := os.WriteFile(spec.Result, out, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

const (
	ptraceGetSyscallInfo = 0x420e // PTRACE_GET_SYSCALL_INFO, Linux 5.3
	ptraceOExitKill      = 0x100000
	ptraceOTraceSeccomp  = 0x80
	ptraceEventSeccomp   = 7
	syscallInfoSeccomp   = 3
	atFDCWD              = -100

	prSetNoNewPrivs    = 38
	prSetSeccomp       = 22
	seccompModeFilter  = 2
	seccompRetAllow    = 0x7fff0000
	seccompRetTrace    = 0x7ff00000
	seccompDataArchOff = 4
	seccompDataNrOff   = 0
	bpfLoadWord        = syscall.BPF_LD | syscall.BPF_W | syscall.BPF_ABS
	bpfJumpIfEqual     = syscall.BPF_JMP | syscall.BPF_JEQ | syscall.BPF_K
	bpfReturn          = syscall.BPF_RET | syscall.BPF_K
)

// installFilter puts the calling thread, and every process it starts from
// now on, under a seccomp filter that hands each of the given calls to the
// tracer (SECCOMP_RET_TRACE) and lets everything else run untraced.
func installFilter(nrs []uint64) error {
	n := len(nrs)
	prog := []syscall.SockFilter{
		{Code: bpfLoadWord, K: seccompDataArchOff},
		{Code: bpfJumpIfEqual, K: auditArch, Jt: 0, Jf: uint8(n + 1)},
		{Code: bpfLoadWord, K: seccompDataNrOff},
	}
	for i, nr := range nrs {
		prog = append(prog, syscall.SockFilter{Code: bpfJumpIfEqual, K: uint32(nr), Jt: uint8(n - i), Jf: 0})
	}
	prog = append(prog,
		syscall.SockFilter{Code: bpfReturn, K: seccompRetAllow},
		syscall.SockFilter{Code: bpfReturn, K: seccompRetTrace})
	fprog := syscall.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); errno != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", errno)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetSeccomp, seccompModeFilter, uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("prctl(PR_SET_SECCOMP): %w", errno)
	}
	runtime.KeepAlive(prog)
	return nil
}

// syscallInfo is struct ptrace_syscall_info with the seccomp member of its
// union.
type syscallInfo struct {
	Op    uint8
	_     [3]uint8
	Arch  uint32
	IP    uint64
	SP    uint64
	Nr    uint64
	Args  [6]uint64
	_     [2]uint32
	Extra [16]byte
}

func getSyscallInfo(tid int) (syscallInfo, error) {
	var info syscallInfo
	_, _, errno := syscall.Syscall6(syscall.SYS_PTRACE, ptraceGetSyscallInfo, uintptr(tid), unsafe.Sizeof(info), uintptr(unsafe.Pointer(&info)), 0, 0)
	if errno != 0 {
		return info, errno
	}
	return info, nil
}

func trace(spec traceSpec) (traceResult, error) {
	res := traceResult{Counts: map[string]int{}}
	names := map[uint64]string{}
	var nrs []uint64
	for name, nr := range syscallNumbers {
		names[nr] = name
		nrs = append(nrs, nr)
	}
	cmd := exec.Command(spec.Bin, spec.Args...)
	cmd.Dir = spec.Dir
	cmd.Env = spec.Env
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	open := func(path string, write bool) (*os.File, error) {
		if path == "" {
			path = os.DevNull
		}
		var f *os.File
		var err error
		if write {
			f, err = os.Create(path)
		} else {
			f, err = os.Open(path)
		}
		if err == nil {
			files = append(files, f)
		}
		return f, err
	}
	var err error
	if cmd.Stdin, err = open(spec.Stdin, false); err != nil {
		return res, err
	}
	if cmd.Stdout, err = open(spec.Stdout, true); err != nil {
		return res, err
	}
	if cmd.Stderr, err = open(spec.Stderr, true); err != nil {
		return res, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Setpgid: true}
	if err := installFilter(nrs); err != nil {
		return res, err
	}
	if err := cmd.Start(); err != nil {
		return res, err
	}
	pid := cmd.Process.Pid
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil {
		return res, fmt.Errorf("wait for exec stop: %w", err)
	}
	if !ws.Stopped() {
		return res, fmt.Errorf("zonectl did not stop at exec: %v", ws)
	}
	opts := ptraceOTraceSeccomp | syscall.PTRACE_O_TRACECLONE | syscall.PTRACE_O_TRACEFORK |
		syscall.PTRACE_O_TRACEVFORK | syscall.PTRACE_O_TRACEEXEC | ptraceOExitKill
	if err := syscall.PtraceSetOptions(pid, opts); err != nil {
		return res, fmt.Errorf("ptrace options: %w", err)
	}
	if err := syscall.PtraceCont(pid, 0); err != nil {
		return res, err
	}
	seen := map[int]bool{pid: true}
	tgids := map[int]int{pid: pid}
	killed := false
	for {
		tid, err := syscall.Wait4(-1, &ws, syscall.WALL, nil)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.ECHILD {
			break
		}
		if err != nil {
			return res, fmt.Errorf("wait: %w", err)
		}
		switch {
		case ws.Exited():
			if tid == pid {
				res.Exit = ws.ExitStatus()
			}
			continue
		case ws.Signaled():
			if tid == pid {
				res.Signal = ws.Signal().String()
				res.Killed = killed && ws.Signal() == syscall.SIGKILL
			}
			continue
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		if !seen[tid] {
			// A new thread or process starts with a SIGSTOP of its own.
			seen[tid] = true
			if sig == syscall.SIGSTOP {
				syscall.PtraceCont(tid, 0)
				continue
			}
		}
		switch {
		case sig == syscall.SIGTRAP && ws.TrapCause() == ptraceEventSeccomp:
			if killed {
				continue
			}
			info, err := getSyscallInfo(tid)
			if err == nil && info.Op == syscallInfoSeccomp && tgidOf(tgids, tid) == pid {
				if name, ok := names[info.Nr]; ok {
					if path, ok := targetOf(tid, mutating[name], info.Args); ok && within(path, spec.Root) {
						res.Counts[name]++
						if spec.N > 0 && name == spec.Syscall && res.Counts[name] == spec.N {
							res.Step = fmt.Sprintf("%s %s", name, path)
							killed = true
							// The thread stays stopped at the entry: the
							// call never runs. The scripts a deployment
							// runs die with zonectl, as in a real crash.
							syscall.Kill(-pid, syscall.SIGKILL)
							for t := range seen {
								if g := tgidOf(tgids, t); g != 0 && g != pid {
									syscall.Kill(g, syscall.SIGKILL)
								}
							}
							continue
						}
					}
				}
			}
			syscall.PtraceCont(tid, 0)
		case sig == syscall.SIGTRAP && ws.TrapCause() > 0:
			syscall.PtraceCont(tid, 0) // clone, fork, vfork, exec
		default:
			syscall.PtraceCont(tid, int(sig)) // a signal for the tracee: deliver it
		}
	}
	if cmd.Process != nil {
		cmd.Process.Release()
	}
	return res, nil
}

// tgidOf is the process a thread belongs to.
func tgidOf(cache map[int]int, tid int) int {
	if g, ok := cache[tid]; ok {
		return g
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			g, _ := strconv.Atoi(strings.TrimSpace(v))
			cache[tid] = g
			return g
		}
	}
	return 0
}

// targetOf is the file a stopped call is about to change, read from the
// tracee: /proc/TID/fd for a descriptor, its memory for a path.
func targetOf(tid int, op operand, args [6]uint64) (string, bool) {
	if op.fd >= 0 {
		p, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", tid, int32(args[op.fd])))
		return p, err == nil
	}
	p, err := peekString(tid, uintptr(args[op.path]))
	if err != nil {
		return "", false
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), true
	}
	dir := fmt.Sprintf("/proc/%d/cwd", tid)
	if op.dirfd >= 0 && int32(args[op.dirfd]) != atFDCWD {
		dir = fmt.Sprintf("/proc/%d/fd/%d", tid, int32(args[op.dirfd]))
	}
	base, err := os.Readlink(dir)
	if err != nil {
		return "", false
	}
	return filepath.Join(base, p), true
}

// peekString reads a NUL-terminated string from the tracee's memory, a word
// at a time so that it never reads past a mapping's end by more than that.
func peekString(tid int, addr uintptr) (string, error) {
	var out []byte
	word := make([]byte, 8)
	for len(out) < 4096 {
		n, err := syscall.PtracePeekData(tid, addr+uintptr(len(out)), word)
		if err != nil {
			return "", err
		}
		if i := bytes.IndexByte(word[:n], 0); i >= 0 {
			return string(append(out, word[:i]...)), nil
		}
		out = append(out, word[:n]...)
	}
	return "", errors.New("path too long")
}
