// Package feeds owns where a Space's package bytes come from and go: the
// Space's package store, kept in a directory beside each clone or on a
// registry (the `store` block), and the OCI feeds that packages name
// (`feed` blocks).
//
// Every byte a command uses passes through the clone's content-addressed
// store (internal/store), which is the whole store for a directory store
// and a cache otherwise: release create pins a version to its digest in
// the registry (Pin), and deploy and promote fetch the bytes by digest
// into the cache, where they are verified against the SHA-256 the release
// recorded, before they are used (Ensure).
package feeds
