package main

// The archive formats the corpus is written in. Both are byte-for-byte
// reproducible: fixed owners, modes and times, entries in the given order.

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/zonectl/zonectl/internal/meter"
)

// writeArchive writes entries with write to p, hashing as it goes.
func writeArchive(p string, entries []entry, write func(io.Writer, []entry) error) (corpusFile, error) {
	f, err := os.Create(p)
	if err != nil {
		return corpusFile{}, err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	cw := &meter.Writer{W: bw}
	err = write(cw, entries)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return corpusFile{}, fmt.Errorf("writing %q: %w", p, err)
	}
	cf := corpusFile{path: p, size: cw.N}
	h.Sum(cf.sum[:0])
	return cf, nil
}

// writeTar writes a tar with fixed owners and times, so that the same
// entries always give the same bytes.
func writeTar(w io.Writer, entries []entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     e.name,
			Mode:     e.mode,
			Size:     int64(len(e.data)),
			ModTime:  fixedTime,
			Uname:    "root",
			Gname:    "root",
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeZip deflates each entry on its own, as zip does, so a change to one
// file changes only that file's compressed bytes (and the directory).
func writeZip(w io.Writer, entries []entry) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixedTime}
		fh.SetMode(fs.FileMode(e.mode))
		fw, err := zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		if _, err := fw.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
