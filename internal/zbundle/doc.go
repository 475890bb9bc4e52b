// Package zbundle owns the .zbundle file that `zonectl promote` writes and
// `zonectl import` reads: an uncompressed POSIX tar holding
//
//	manifest.json        the signed manifest, an envelope document of type
//	                     envelope.TypeReleaseManifest (first member)
//	manifest.json.asc    its detached OpenPGP signature (second member)
//	release.bundle       the Git bundle of the sliced release
//	packages/<sha256>    package data, one file per SHA-256 the manifest pins
//
// and nothing else. The manifest is the bundle's single signed root: it pins
// the Git bundle's SHA-256 and size, its references and prerequisites, and
// every package's id, version, size and SHA-256 and where its data is. An
// auditor without zonectl checks a bundle with
//
//	tar -xf release.zbundle
//	gpg --verify manifest.json.asc manifest.json
//	sha256sum release.bundle packages/*
//	git bundle verify release.bundle
//
// The manifest comes first in the tar, so that a reader streaming a bundle
// verifies the signature before it reads anything else, and knows, before it
// writes a byte of a member, whether the manifest pins it and at what size.
// A writer must therefore know every hash before it starts: promote hashes
// the Git bundle and takes package hashes from the store, then writes the
// manifest, then streams the data with [Writer.AddFile], which hashes it
// again and refuses bytes that do not match.
//
// Reading is strict (see [Reader]): regular files only, names from the list
// above only, each once, manifest first. [Check] then holds the members
// against the manifest: every file it pins present with its size and hash,
// and nothing else there. Every refusal of an untrusted bundle is a
// [*CheckError] or, for signatures, a *refusal.Error, so the command
// line maps both to "verification failed". A manifest of another
// major schema version is an *envelope.SchemaError, which names the version
// needed.
//
// Import reads a bundle in this order:
//
//	r, err := zbundle.NewReader(file)                               // manifest.json, manifest.json.asc
//	m, sig, err := zbundle.OpenManifest(r.Manifest(), r.Signature(), verifier)
//	members, err := r.Extract(tmpDir, m, zbundle.ExtractOptions{})  // every member, checked against m
//
// This package does not decide whom to trust, whether a bundle is meant for
// this Space, has expired or replays an old sequence, nor does it read the
// Git bundle or store packages: those belong to the importer, gitstore/bundle
// and store.
package zbundle
