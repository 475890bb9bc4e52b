// Package filekind tells what kind of file a user handed a command, from
// its first bytes, so that a receipts file given to import, a release
// bundle given to receipt import or a package given to either is named
// for what it is, with the command that takes it, instead of failing
// deep in a format check.
package filekind

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
)

// Kind is a kind of file zonectl meets.
type Kind int

const (
	Unknown       Kind = iota
	ReleaseBundle      // a .zbundle, from zonectl promote
	Receipts           // a .zreceipts, from zonectl receipt export
	Gzip               // gzip-compressed: a package, most likely
	Zip                // a zip archive: a package, most likely
	GitBundle          // a bare Git bundle
	PublicKey          // an armored OpenPGP public key
	Tar                // some other tar archive
)

// Describe is the kind in words, and the command that takes it.
func (k Kind) Describe() string {
	switch k {
	case ReleaseBundle:
		return "a release bundle (from zonectl promote): import it with `zonectl import FILE`"
	case Receipts:
		return "a receipts file (from zonectl receipt export): import it with `zonectl receipt import FILE`"
	case Gzip:
		return "a gzip-compressed file, such as a package: packages go into the store with `zonectl package push FILE --id ID --version V`"
	case Zip:
		return "a zip archive, such as a package: packages go into the store with `zonectl package push FILE --id ID --version V`"
	case GitBundle:
		return "a plain Git bundle, without the signed manifest zonectl needs: write a release bundle with `zonectl promote --out`"
	case PublicKey:
		return "an OpenPGP public key: trust its Space with `zonectl peer add NAME --key FILE`"
	case Tar:
		return "a tar archive that is neither a release bundle nor a receipts file"
	}
	return "not a file zonectl reads"
}

// maxManifest bounds what is read of a tar's first members to tell the
// kinds apart.
const maxManifest = 4 << 20

// Sniff tells the kind of the file at path; Unknown when it cannot tell,
// and the caller's own checks say more.
func Sniff(path string) Kind {
	// A FIFO or a device is read once, by the command: what Sniff read
	// would be gone.
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return Unknown
	}
	f, err := os.Open(path)
	if err != nil {
		return Unknown
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return Gzip
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return Zip
	case bytes.HasPrefix(head, []byte("# v2 git bundle")) || bytes.HasPrefix(head, []byte("# v3 git bundle")):
		return GitBundle
	case bytes.HasPrefix(head, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")):
		return PublicKey
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Unknown
	}
	return sniffTar(f)
}

// sniffTar tells a release bundle from a receipts file by their third
// member (both start with manifest.json and its signature).
func sniffTar(r io.Reader) Kind {
	tr := tar.NewReader(io.LimitReader(r, 3*maxManifest))
	var names []string
	for len(names) < 3 {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(names) == 0 {
				return Unknown
			}
			break
		}
		names = append(names, h.Name)
	}
	switch {
	case len(names) == 0:
		return Unknown
	case len(names) < 3 || names[0] != "manifest.json" || names[1] != "manifest.json.asc":
		return Tar
	case names[2] == "receipts.bundle":
		return Receipts
	}
	return ReleaseBundle
}
