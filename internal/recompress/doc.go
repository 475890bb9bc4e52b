// Package recompress rebuilds a compressed package byte for byte from its
// uncompressed content, when it can, so that a new version of a .tar.gz
// can travel as a delta of its content rather than of its compressed
// bytes: one changed file in a tar re-encodes everything deflate emits
// after it, while the tar inside changes only where the file does.
//
// It owns finding the settings that reproduce a gzip file (Detect), and
// reproducing it (Rebuild). Rebuilding is exact only with the very
// encoder and level that made the file, so Detect tries the encoders this
// zonectl carries (Go's compress/flate and klauspost/compress/flate, each
// at levels 1 to 9) by compressing the content again and comparing, and
// reports the file as not reproducible at the first byte where none
// agrees. Files made by GNU gzip, zlib or 7-Zip are not reproducible here;
// they are sent as raw bytes (a raw delta, or whole).
//
// A receiver never trusts a rebuild: the package store checks the SHA-256
// of what Rebuild writes against the manifest before the bytes count, so
// an encoder that changed between the sender's zonectl and the
// receiver's makes the import fail cleanly, never a wrong package.
//
// Zip archives (and .nupkg, which are zips) compress each entry on its
// own, so an unchanged entry keeps its bytes and a raw delta finds it;
// they need nothing from this package.
package recompress
