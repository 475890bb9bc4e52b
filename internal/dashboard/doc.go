// Package dashboard owns the dashboard model: for every project, its
// environments in lifecycle order, each with the release deployed there
// now, its state, and the previous successful release. It builds the
// model from the configuration and the ledger; the command line renders
// it as a table or JSON.
package dashboard
