// Package ustar owns the one tar dialect zonectl writes its bundles in,
// release bundles and receipt bundles alike, and reads it back strictly:
// every byte of a bundle must be one its signature vouches for, so
// "altered in any byte" holds for the tar's own bytes too.
//
// A member's header is exactly the one Header gives (a regular file of
// mode 0644 in the USTAR format archive/tar writes it in), every member
// has the same modification time, the padding after a member and the
// end-of-archive marker are zeros, and only zeros follow the marker (tar
// pads an archive to its record size).
//
// The archive is read block by block here rather than with archive/tar,
// whose reader skips padding unread and accepts many spellings of one
// header. archive/tar still writes the headers and parses them.
package ustar
