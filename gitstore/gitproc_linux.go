package gitstore

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes git die when zonectl does: a push left running by a
// killed zonectl could land after the next command asked the remote
// whether it had.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
