// Package canonjson owns zonectl's canonical JSON: the one way a value is
// written as JSON wherever the bytes matter, because they are hashed,
// signed or stored as Git blobs. Fields come in declaration order (map
// keys sorted), indented by two spaces, with no HTML escaping and a final
// newline, so equal values always encode to equal bytes.
//
// It is a leaf, importing the standard library only. What the documents
// hold belongs to the packages that write them: snapshots, releases and
// ledger events to the domain, signed envelopes to envelope.
package canonjson
