// Package importer owns the verification of a release bundle arriving in
// a target Space, and its staging in the inbox, written as a verifier is:
// Verify runs the numbered checks, each a named function, in order, and
// returns the Verified bundle; Stage takes only that value and writes it,
// the refs in one transaction. Every way a bundle arrives (a file, the
// parts of a split bundle, a push read by import --incoming) goes through
// the same Verify, and bundle inspect runs the same checks through
// Inspect, without a Space.
package importer
