// Package audit re-verifies a Space's history and says what does not hold:
// every signature on the commits zonectl wrote (releases, promotions,
// inbox, receipts, the ledger and its merged peer history, and the
// zonectl commits on main), every package hash against the package store,
// every deployment log against the hash its event recorded, and the
// ledger's references to releases and inbox commits. It also builds the
// auditor's view: each release that reached an environment, who deployed
// it, who approved it, with which packages and, for an imported release,
// from which signed promotion.
//
// Audit only reads. Findings are collected in a Report, never returned as
// errors; Run fails only when the repository or the store cannot be read.
// Printing the report is the command's job.
package audit
