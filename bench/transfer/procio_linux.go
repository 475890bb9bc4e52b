package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// procIO is a process's I/O accounting, from /proc/<pid>/io.
type procIO struct{ rchar, wchar, writeBytes int64 }

// exitIO waits until the child pid has exited, without reaping it
// (waitid with WNOWAIT, as os.Process does before wait4), and reads its
// /proc/<pid>/io while the zombie still holds it. On any failure the
// fields are -1 and the caller's Wait still reaps the child.
func exitIO(pid int) procIO {
	unknown := procIO{-1, -1, -1}
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, 1 /* P_PID */, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return unknown
		}
		break
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return unknown
	}
	fields := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := bytes.Cut(sc.Bytes(), []byte(": "))
		if n, err := strconv.ParseInt(string(v), 10, 64); ok && err == nil {
			fields[string(k)] = n
		}
	}
	if len(fields) == 0 {
		return unknown
	}
	return procIO{fields["rchar"], fields["wchar"], fields["write_bytes"]}
}
