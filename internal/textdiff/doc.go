// Package textdiff owns line-based differences between two texts, written as
// a unified diff: what `zonectl fmt --diff` prints, in the format of
// `diff -u` and `gofmt -d`, so that `patch` and code review tools read it.
//
// The edit script is a shortest one, found with Myers' linear-space
// algorithm in O((N+M)·D) time and O(N+M) space, where D is the number of
// lines that differ. Where several shortest scripts exist, the search and a
// final pass that slides runs of changes make the choices GNU diff makes, so
// the output is byte for byte what `diff -u` prints, with one exception: GNU
// diff sets aside lines that occur very often (more than five times in a
// small file) before comparing, which can make its diff longer or align a
// change differently. This package always prints a shortest diff.
//
// Deciding what to compare and where to print belongs to the caller.
package textdiff
