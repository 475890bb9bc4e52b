package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a file for a CPU profile of the command (go tool
// pprof reads it): how a slow command is looked into, on the machine
// where it is slow.
const profileEnv = "ZONECTL_CPUPROFILE"

// profileHz is the profile's sampling rate.
const profileHz = 2000

// startProfile starts the CPU profile ZONECTL_CPUPROFILE asks for; the
// function it returns stops it.
func startProfile() func() {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		// Most commands take tens of milliseconds: at the default 100
		// samples a second a profile would hold a handful. The runtime
		// warns that the rate was set before the profile started.
		runtime.SetCPUProfileRate(profileHz)
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
