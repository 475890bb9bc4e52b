// Package snapshot owns the snapshotted form of a project: its process
// (steps and packages) and its variables and variable templates, as plain
// data with no source positions, which releases store as canonical JSON
// (package canonjson).
//
// A release stores a project in this form, so what a release deploys never
// changes when the HCL does, a variable re-snapshot replaces the variables
// and nothing else, and a release can be compared with another, shown, or
// (later) sliced for another Space without parsing HCL again. Converting
// from the decoded configuration is here; storing snapshots in Git is the
// release package's work.
package snapshot
