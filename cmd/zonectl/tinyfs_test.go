package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdTinyFS mounts a small file system of SIZE (2m, as mount's size=
// option and mkfs.ext4 take it) at DIR until the script ends, so that a
// script can fill it and see what zonectl does with a full disk: a tmpfs,
// else an ext4 image on a loop device. Either needs root (or
// CAP_SYS_ADMIN); without one the script fails and says what is missing,
// as a disk-full test that quietly did not run would prove nothing.
//
//	tinyfs DIR SIZE
func cmdTinyFS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tinyfs DIR SIZE")
	}
	dir, size := ts.MkAbs(args[0]), args[1]
	ts.Check(os.MkdirAll(dir, 0o755))
	tmpfsOut, tmpfsErr := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0755", "tmpfs", dir).CombinedOutput()
	if tmpfsErr == nil {
		ts.Defer(func() { exec.Command("umount", dir).Run() })
		return
	}
	img := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".ext4")
	mkfsOut, err := exec.Command("mkfs.ext4", "-q", "-F", "-m", "0", img, size).CombinedOutput()
	if err == nil {
		var out []byte
		if out, err = exec.Command("mount", "-o", "loop", img, dir).CombinedOutput(); err == nil {
			ts.Defer(func() { exec.Command("umount", dir).Run() })
			return
		}
		mkfsOut = out
	}
	ts.Fatalf("tinyfs: cannot mount a %s file system at %s for the disk-full tests, which need root (or CAP_SYS_ADMIN) to mount a tmpfs, or else mkfs.ext4 (Debian: apt-get install e2fsprogs) and a loop device:\n  mount -t tmpfs: %v: %s\n  ext4 on a loop device: %v: %s",
		size, dir, tmpfsErr, strings.TrimSpace(string(tmpfsOut)), err, strings.TrimSpace(string(mkfsOut)))
}
