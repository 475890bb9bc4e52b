//go:build linux && amd64

package crashtest

import "syscall"

// syscallNumbers maps the mutating system calls the crash-point suite kills
// at (see mutating) to their numbers on linux/amd64.
var syscallNumbers = map[string]uint64{
	"write":           syscall.SYS_WRITE,
	"pwrite64":        syscall.SYS_PWRITE64,
	"writev":          syscall.SYS_WRITEV,
	"pwritev":         syscall.SYS_PWRITEV,
	"pwritev2":        328,
	"sendfile":        syscall.SYS_SENDFILE,
	"splice":          syscall.SYS_SPLICE,
	"copy_file_range": 326,
	"fsync":           syscall.SYS_FSYNC,
	"fdatasync":       syscall.SYS_FDATASYNC,
	"sync_file_range": syscall.SYS_SYNC_FILE_RANGE,
	"truncate":        syscall.SYS_TRUNCATE,
	"ftruncate":       syscall.SYS_FTRUNCATE,
	"fallocate":       syscall.SYS_FALLOCATE,
	"rename":          syscall.SYS_RENAME,
	"renameat":        syscall.SYS_RENAMEAT,
	"renameat2":       316,
	"link":            syscall.SYS_LINK,
	"linkat":          syscall.SYS_LINKAT,
	"symlink":         syscall.SYS_SYMLINK,
	"symlinkat":       syscall.SYS_SYMLINKAT,
	"unlink":          syscall.SYS_UNLINK,
	"unlinkat":        syscall.SYS_UNLINKAT,
	"rmdir":           syscall.SYS_RMDIR,
	"mkdir":           syscall.SYS_MKDIR,
	"mkdirat":         syscall.SYS_MKDIRAT,
	"chmod":           syscall.SYS_CHMOD,
	"fchmod":          syscall.SYS_FCHMOD,
	"fchmodat":        syscall.SYS_FCHMODAT,
	"fchmodat2":       452,
}

// auditArch is AUDIT_ARCH_X86_64, the architecture seccomp sees.
const auditArch = 0xc000003e
