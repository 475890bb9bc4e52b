package audit

import (
	"time"

	"github.com/zonectl/zonectl/internal/snapshot"
)

// Result is the outcome of one check.
type Result string

// Results.
const (
	Pass Result = "pass"
	Fail Result = "fail"
	Info Result = "info" // worth knowing, not a failure: a person's commit on main, a package not in the store
)

// Kinds of check, the What of a Check.
const (
	WhatSignature   = "signature"
	WhatPackage     = "package"
	WhatLog         = "log"
	WhatLedger      = "ledger"
	WhatRelease     = "release"
	WhatTransaction = "transaction"
	WhatRef         = "ref"
)

// Check is one thing verified.
type Check struct {
	What   string `json:"what"`
	Ref    string `json:"ref,omitempty"`
	Commit string `json:"commit,omitempty"`
	Result Result `json:"result"`
	Detail string `json:"detail,omitempty"`
}

// Deployment is a successful deployment as the ledger recorded it, in a
// ledger commit whose signature verified.
type Deployment struct {
	Project     string                `json:"project"`
	Version     string                `json:"version"`
	Environment string                `json:"environment"`
	Tenant      string                `json:"tenant,omitempty"`
	ID          string                `json:"id"`
	Who         string                `json:"who"`
	When        time.Time             `json:"when"`
	Approved    []string              `json:"approved,omitempty"`
	Packages    []snapshot.PackageRef `json:"packages"`
	Release     string                `json:"release"`       // the release commit deployed
	LedgerEvent string                `json:"ledger_commit"` // the signed event
	Imported    *Origin               `json:"imported_from,omitempty"`
}

// Origin is where an imported release came from.
type Origin struct {
	Space       string `json:"space"`
	Fingerprint string `json:"fingerprint"`
	// PromotionCommit is the source's signed promotion commit, as imported.
	PromotionCommit string `json:"promotion_commit"`
	Revision        int    `json:"revision"`
	// Sequence is the bundle's sequence number from the import event; 0
	// when no import event records it.
	Sequence uint64 `json:"sequence,omitempty"`
}

// Summary counts the checks.
type Summary struct {
	Signatures int `json:"signatures_verified"`
	Hashes     int `json:"hashes_checked"`
	Failures   int `json:"failures"`
	Unsigned   int `json:"unsigned_main_commits"` // human edits on main
	Info       int `json:"info"`
}

// Report is what Run found.
type Report struct {
	Checks      []Check      `json:"checks"`
	Deployments []Deployment `json:"deployments"`
	Summary     Summary      `json:"summary"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool { return r.Summary.Failures == 0 }

// Failures returns the checks that failed, in the order they were made.
func (r *Report) Failures() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Result == Fail {
			out = append(out, c)
		}
	}
	return out
}

func (r *Report) add(c Check) {
	r.Checks = append(r.Checks, c)
	switch c.Result {
	case Fail:
		r.Summary.Failures++
	case Info:
		r.Summary.Info++
	}
}
