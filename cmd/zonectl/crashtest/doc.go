// Package crashtest proves that every zonectl command that writes a Space
// is one crash-atomic, concurrency-safe transaction, by driving the real
// zonectl binary against real repositories. It holds tests only:
//
//   - the crash-point suite (crash_test.go) prepares the Space(s) a write
//     command starts from, records every file-system step the command
//     takes with strace, then kills a fresh copy with SIGKILL just before
//     each step in turn. After each kill one read-only zonectl command
//     runs (any zonectl command first finishes or undoes an interrupted
//     transaction), and the Space must be exactly as before the command or
//     exactly as after it, with git fsck and zonectl audit clean, no lock
//     left behind, and a rerun reaching the after state;
//   - the concurrency suite (concurrency_test.go) runs write commands in
//     parallel with each other and with stock git (commit, pack-refs,
//     gc) and checks that the ledger records exactly the commands that
//     succeeded, and that nothing is corrupt.
//
// The method, the counts and the knobs are in docs/crash.md. The product
// has no hooks for these tests: the kills come from outside, through
// ptrace, and the checks read the Space with stock git and zonectl's own
// read commands. End-to-end behaviour of single commands belongs to the
// testscript files in cmd/zonectl/testdata; this package is about what a
// crash or a race can leave.
package crashtest
