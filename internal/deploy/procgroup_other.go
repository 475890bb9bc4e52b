//go:build !unix

package deploy

import "os/exec"

// ownProcessGroup is a no-op where process groups do not exist; the
// shell alone is killed on a timeout.
func ownProcessGroup(*exec.Cmd) {}

// endGroup does nothing where process groups do not exist.
func endGroup(*exec.Cmd) {}
