//go:build linux && !amd64

package crashtest

// syscallNumbers is empty where the suite has no table of system call
// numbers: the crash-point suite skips, saying so.
var syscallNumbers = map[string]uint64{}

// auditArch is never used where syscallNumbers is empty.
const auditArch = 0
