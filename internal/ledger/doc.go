// Package ledger owns a Space's history of events — releases created and
// re-snapshotted, deployments and their results — kept as signed commits
// on refs/zonectl/ledger. Each commit's tree holds one event, event.json,
// and for a deployment its masked log, log.txt; the commit message is the
// event in one line, so `git log refs/zonectl/ledger` reads as a history.
//
// The ledger is written only through Append, which signs with the Space's
// key and moves the ref with a compare-and-swap, and read with Events.
package ledger
