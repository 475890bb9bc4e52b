// Package promote owns what a release becomes when it leaves its Space:
// the sliced snapshot for one target Space — the steps and values that
// apply to the target's environments, sensitive values re-encrypted to the
// target's key — and, building on it, the release bundle.
//
// Slicing is pure: it takes a snapshot and the target's environments and
// returns the target's snapshot. It never lets a value for one of the
// source's own environments, or a secret in any form but encrypted to the
// target, leave the source.
package promote
