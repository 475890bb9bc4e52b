// Package receipt owns deployment receipts: the signed record a target
// Space keeps, for each peer it imports releases from, of every deployment
// of that peer's releases. Receipts form one chain per peer, on
// refs/zonectl/receipts/<peer>, one signed commit each, holding only what
// the source may know: the project, version and revision, where and for
// whom it was deployed, the outcome, who and when, the hashes of the
// packages deployed and a digest of the log — never the log, and nothing
// about other projects or peers.
//
// Sending the chain back to the source and merging it there are the
// export and import halves (later work); this package writes and reads the
// chain.
package receipt
