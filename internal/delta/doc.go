// Package delta is zonectl's binary delta codec: it encodes a new version of
// a package (the target) as a delta against a version the receiver already
// has (the basis), and applies such a delta to rebuild the target exactly.
//
// It owns the delta wire format and the long-range matcher. It does not know
// about packages, bundles or receipts: choosing the basis, naming it in a
// bundle, falling back to the whole package when the delta is not smaller,
// and unpacking compressed archives belong to store, promote and importer.
//
// # Format (version 1)
//
// A delta is a fixed 45-byte header followed by one zstd stream:
//
//	offset size  field
//	0      4     magic "ZDLT"
//	4      1     version, 1
//	5      8     basis size, big-endian uint64
//	13     32    basis SHA-256
//	45     ...   zstd stream (github.com/klauspost/compress) of ops
//
// The decompressed op stream is a sequence of ops, each a one-byte code
// followed by unsigned varints (encoding/binary uvarint):
//
//	0x01 COPY   offset, length    append basis[offset:offset+length]
//	0x02 INSERT length, bytes     append the next length bytes (1..1 MiB)
//	0x00 END    target size, 32-byte target SHA-256
//
// END is the last op; nothing may follow it, neither in the zstd stream nor
// after it. The target size and SHA-256 are in END rather than in the header
// because Encode streams the target from an io.Reader and knows its hash
// only at the end; Apply can only check the output once it has written it
// anyway, so nothing is lost.
//
// # Matching
//
// Encode indexes the whole basis with content-defined anchors: a Gear
// rolling hash (h = h<<1 + gear[b]) over an implicit 64-byte window, with an
// anchor wherever the top Options.AnchorBits bits of h are zero, so about one
// anchor per 2^AnchorBits bytes. Anchors closer than half that to the
// previous one are skipped and at most four offsets are kept per hash, so the
// index holds at most basisSize/2^(AnchorBits-1) entries of 16 bytes (256 MiB
// for a 2 GiB basis at the default 8 bits). The top bits are used rather than
// the low ones because with Gear the low k bits depend only on the last k
// bytes.
//
// The target is streamed through a 4 MiB sliding buffer. At each target
// position whose hash qualifies as an anchor, the candidates with the same
// 64-bit hash are verified byte by byte and extended forwards (across buffer
// refills) and backwards into the pending literal bytes. Matches of at least
// Options.MinMatch bytes become COPY ops; everything else becomes INSERT.
// Because the index covers the whole basis, content moved anywhere in the
// target is still found, unlike xdelta's windowed matching.
//
// # Cost
//
// Apply checks that it has the right basis before writing anything: the
// header's SHA-256 against Basis.SHA256 when the caller knows the hash (a
// content-addressed store names its blobs by it), else by reading and
// hashing the whole basis. Either way the target's own SHA-256 is checked
// at END, so a damaged basis cannot yield a wrong target unnoticed. The
// target is written through two 1 MiB buffers, one hashed on a second
// goroutine while the next is filled, so applying runs at close to the
// speed of SHA-256 alone (BenchmarkApply prints both). Memory is bounded
// by the zstd window (at most 8 MiB) and those buffers, whatever the delta
// claims.
//
// Encode holds the anchor index, a target window of at most 4 MiB and a
// zstd encoder with a 4 MiB window; it hashes the target, and the basis
// unless its hash is given, beside the matching on a second goroutine.
package delta
