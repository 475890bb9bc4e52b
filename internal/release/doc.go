// Package release owns releases: immutable, signed snapshots of a project
// kept in the Space's repository at refs/zonectl/releases/<project>/<version>.
//
// A release commit's tree holds release.json (the version, lifecycle,
// packages pinned by hash and size, who and when), process.json (steps and
// packages, fixed for good) and variables.json (variables and templates).
// A variable re-snapshot is a new signed commit on top of the release ref
// that replaces variables.json only; nothing ever rewrites a release
// commit. The snapshot's form is the snapshot package's; the package store
// supplies the pinned packages; the ledger records that a release was made.
package release
