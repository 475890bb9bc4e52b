package extract

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

type format int

const (
	formatTar format = iota + 1
	formatTarGzip
	formatZip
)

const blockSize = 512

// sniff tells the format of the archive r from its first bytes.
func sniff(r io.ReaderAt) (format, error) {
	head := make([]byte, blockSize)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return 0, err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return formatTarGzip, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return formatZip, nil
	case isTarBlock(head):
		return formatTar, nil
	}
	return 0, fmt.Errorf("%w: not a tar, tar.gz or zip archive; it looks like %s", ErrUnknownFormat, describe(head))
}

// isTarBlock reports whether b is the first block of a tar archive: a header
// with the ustar magic or a correct checksum (old V7 archives have no
// magic), or a zero block, which ends an empty archive.
func isTarBlock(b []byte) bool {
	if len(b) < blockSize {
		return false
	}
	b = b[:blockSize]
	if bytes.Equal(b[257:262], []byte("ustar")) {
		return true
	}
	if bytes.Count(b, []byte{0}) == blockSize {
		return true
	}
	field := bytes.TrimRight(bytes.TrimLeft(b[148:156], " \x00"), " \x00")
	want, err := strconv.ParseUint(string(field), 8, 32)
	if err != nil || len(field) == 0 {
		return false
	}
	var sum uint64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += uint64(c)
	}
	return sum == want
}

// magics names the formats people mistake for a package archive.
var magics = []struct {
	prefix string
	name   string
}{
	{"BZh", "bzip2-compressed data"},
	{"\xfd7zXZ\x00", "xz-compressed data"},
	{"\x28\xb5\x2f\xfd", "zstd-compressed data"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"\x7fELF", "an ELF executable"},
	{"MZ", "a Windows executable"},
	{"%PDF", "a PDF document"},
	{"\x89PNG", "a PNG image"},
	{"-----BEGIN PGP", "an armored OpenPGP message"},
	{"<!DOCTYPE html", "an HTML page"},
	{"<html", "an HTML page"},
	{"<?xml", "an XML document"},
	{"{", "JSON or other text"},
}

// describe says what data starting with head looks like, for an error
// message.
func describe(head []byte) string {
	if len(head) == 0 {
		return "an empty file"
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.name
		}
	}
	if utf8.Valid(head) && bytes.IndexFunc(head, func(r rune) bool {
		return r < ' ' && r != '\n' && r != '\r' && r != '\t'
	}) < 0 {
		line, _, _ := bytes.Cut(head, []byte("\n"))
		if len(line) > 40 {
			line = append(line[:40:40], "..."...)
		}
		return fmt.Sprintf("text starting %q", line)
	}
	if len(head) > 8 {
		head = head[:8]
	}
	return fmt.Sprintf("binary data starting with % x", head)
}
