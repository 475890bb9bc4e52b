// Package store owns a Space's package store: the bytes of the packages
// that releases deploy, kept outside Git in a content-addressed directory,
// and the index that names them by package ID and version.
//
// The layout under the store's directory is
//
//	blobs/sha256/<first two hex>/<64 hex>   package bytes, named by their SHA-256, read-only
//	index/<id>/<version>.json               what was pushed as <id> <version>, and its hash
//	tmp/                                    files being written; renamed or linked into place
//	.<purpose>-<random>                     scratch of work that ends in the store (TempDir, TempFile)
//
// Every write is a temporary file under tmp/ (the same filesystem, so the
// final rename or link is atomic), synced before it takes its name: a
// reader or a crash sees a blob or an index entry whole, or not at all. A
// blob becomes visible only once its bytes hash to its name. An index
// entry is created exclusively and never changed: an ID and version, once
// pushed, always mean the same bytes.
//
// Temporary files and directories are locked by the process that uses
// them (internal/scratch); Sweep removes those a killed process left,
// which nothing else would.
//
// The store knows nothing of Git, releases or bundles. Releases record the
// hashes that Get returns; promotion reads blobs with Open and writes the
// ones that arrive by hash with PutBlob. Printing progress is the caller's
// business: Push reports the bytes it has taken through a callback.
// Versions are Semantic Versions, parsed and ordered by the internal/semver
// package.
package store
