// Command deltabench measures internal/delta against the tools a release
// engineer would otherwise reach for: zstd --patch-from, xdelta3 and an
// rsync batch at Octodiff's 2 KiB block size.
//
//	go run ./bench/deltabench [-size 200MiB] [-runs N] [-dir DIR] [-strict]
//
// It generates a deterministic corpus (corpus.go), runs every tool as a
// child process so that each one's wall time and peak memory (max RSS) are
// measured the same way (tools.go, ours.go), checks that every rebuilt
// file equals the target byte for byte, and prints one table and the
// targets the delta codec is held to (report.go). docs/bench.md describes
// the corpus and how to read the output.
//
// ours.go is the only file that calls internal/delta, so that a change to
// its API touches one small file here.
package main
