// Package deploy owns deployments inside a Space: it checks a release
// against the lifecycle, chooses the tenants, resolves the variables for
// each, plans the steps, runs them, and records each result in the ledger.
//
// It composes its siblings: lifecycle decides what may be deployed where,
// variables resolves values and octostache substitutes them, extract
// unpacks packages, mask keeps secrets out of every output, and the
// ledger keeps the record. Steps run on this machine as child processes,
// in a fresh working directory per deployment under .zonectl/work.
package deploy
