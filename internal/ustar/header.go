package ustar

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// blockSize is the tar block: headers, and the units data is padded to.
const blockSize = 512

// Header is the one header a member has: a regular file of mode 0644,
// in the USTAR format archive/tar picks for it. Writers give every member
// the same mtime, the creation time of the bundle's signed manifest.
func Header(name string, size int64, mtime time.Time) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  mtime,
	}
}

// headerBlock returns the 512 bytes a tar.Writer writes for hdr.
func headerBlock(hdr *tar.Header) ([]byte, error) {
	var buf bytes.Buffer
	if err := tar.NewWriter(&buf).WriteHeader(hdr); err != nil {
		return nil, err
	}
	return buf.Bytes()[:blockSize], nil
}

// checksumOK reports whether a header block's checksum field matches its
// bytes, as tar computes it (the field itself counted as spaces).
func checksumOK(blk []byte) bool {
	want, err := strconv.ParseUint(strings.Trim(string(blk[148:156]), " \x00"), 8, 32)
	if err != nil {
		return false
	}
	var sum uint64
	for i, b := range blk {
		if i >= 148 && i < 156 {
			b = ' '
		}
		sum += uint64(b)
	}
	return sum == want
}

// plainType reports whether a header's type flag needs no block beyond
// the header itself: a file, link, device, directory or FIFO, as opposed
// to PAX and GNU extended headers and sparse files.
func plainType(t byte) bool {
	return t == 0 || (t >= '0' && t <= '7')
}

// rawName is the name field of a header block, for an error about a
// header that is not parsed.
func rawName(blk []byte) string {
	name, _, _ := bytes.Cut(blk[:100], []byte{0})
	return string(name)
}

// headerFields names the parts of a USTAR header by their offsets, to say
// where a header differs from the one zonectl writes.
var headerFields = []struct {
	end  int
	name string
}{
	{100, "name"}, {108, "mode"}, {116, "uid"}, {124, "gid"}, {136, "size"},
	{148, "mtime"}, {156, "checksum"}, {157, "type"}, {257, "link name"},
	{263, "magic"}, {265, "version"}, {297, "user name"}, {329, "group name"},
	{337, "device major"}, {345, "device minor"}, {500, "name prefix"},
	{512, "padding"},
}

// headerDiff describes the first byte where got differs from want,
// outside the checksum field unless that is all that differs: a changed
// field changes the checksum too, and the field is the news.
func headerDiff(got, want []byte) string {
	i := firstDiff(got, want, true)
	if i == len(got) {
		i = firstDiff(got, want, false)
	}
	field := ""
	for _, f := range headerFields {
		if i < f.end {
			field = f.name
			break
		}
	}
	return fmt.Sprintf("its tar header differs from the one zonectl writes at byte %d (the %s field)", i, field)
}

func firstDiff(got, want []byte, skipChecksum bool) int {
	for i := range got {
		if skipChecksum && i >= 148 && i < 156 {
			continue
		}
		if got[i] != want[i] {
			return i
		}
	}
	return len(got)
}
