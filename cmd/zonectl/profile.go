package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profileEnv names a file for a CPU profile of the command (go tool
// pprof reads it): how a slow command is looked into, on the machine
// where it is slow.
const profileEnv = "ZONECTL_CPUPROFILE"

// startProfile starts the CPU profile ZONECTL_CPUPROFILE asks for; the
// function it returns stops it.
func startProfile() func() {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "zonectl: warning: %s=%s: %v\n", profileEnv, path, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
