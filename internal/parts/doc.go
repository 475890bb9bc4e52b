// Package parts owns a release bundle split into parts for removable media:
// the numbered part files whose concatenation is, byte for byte, the
// .zbundle that would otherwise be written, and the signed index that
// pins them.
//
// For a bundle named rel.zbundle, a split set is
//
//	rel.zbundle.part001   the bundle's first Size bytes
//	rel.zbundle.part002   the next Size bytes, and so on; the last part
//	...                   holds what is left (1 to Size bytes)
//	rel.zbundle.index     the index: an envelope document of type
//	                      envelope.TypeIndex
//	rel.zbundle.index.asc its detached OpenPGP signature, by the same
//	                      key as the bundle's manifest
//
// Part numbers have as many digits as the count needs, and at least three,
// so that the shell sorts them: `cat rel.zbundle.part* > rel.zbundle`
// rebuilds the bundle, which tar, gpg and sha256sum then read as usual.
//
// The index names the source and target Spaces, the project, version and
// sequence, the whole bundle's size and SHA-256, its manifest's SHA-256,
// the part size, and each part's number, file name, size and SHA-256. It
// lets a target check each part as it arrives, name the one that is
// missing or corrupt, and keep the good ones until the set is complete.
//
// A [Writer] cuts a stream into parts as it is written, never holding a
// part in memory, and makes the set appear whole or not at all. A
// [Reader] reads the parts back as one stream, checking each part and the
// whole against the index as it goes.
//
// This package does not decide whom to trust or where parts wait for the
// rest of their set: verifying the index against the Space's peers, and
// staging, belong to the importer; what the bundle holds belongs to
// zbundle.
package parts
