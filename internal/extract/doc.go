// Package extract unpacks a package archive into a directory for a
// deployment step: tar, gzip-compressed tar and zip (a .nupkg is a zip),
// recognised by their content rather than their file name.
//
// Extraction is built so that an archive cannot write outside the
// destination, whatever its entries say:
//
//  1. Every write goes through an [os.Root] opened on the destination, so a
//     path that leaves it fails in the kernel-facing layer, not only in the
//     checks below.
//  2. An entry whose cleaned path is absolute or climbs out with ".." is
//     refused.
//  3. An entry is never written through a symbolic link, whether the
//     archive made the link or it was already in the destination: a parent
//     that is a link is refused, and a link in the entry's own place is
//     removed and replaced.
//  4. A symbolic link must be relative, may use ".." only at its start, and
//     must resolve inside the destination. A hard link must name a regular
//     file extracted earlier from the same archive.
//  5. Devices, FIFOs, sparse files and other special entries are refused.
//
// Any refusal fails the whole extraction with an error that wraps
// [ErrUnsafeEntry] and names the entry. Entries extracted before the
// refusal stay in place: the caller records the deployment as failed.
//
// Files whose path matches one of [Options.Substitute] are read whole (up to
// [Options.MaxFileSize]) and passed to [Options.Transform]; every other file
// is streamed. The substitution itself (Octostache) belongs to the variables
// package and is handed in by the deploy step; this package neither resolves
// variables nor prints.
package extract
