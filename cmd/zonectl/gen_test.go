package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/binary"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdRandFile writes SIZE deterministic pseudo-random bytes, which no
// compressor shrinks, so that a script's package travels whole:
//
//	randfile NAME SIZE [SEED]
func cmdRandFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: randfile NAME SIZE [SEED]")
	}
	size, err := strconv.Atoi(args[1])
	ts.Check(err)
	seed := uint64(1)
	if len(args) == 3 {
		seed, err = strconv.ParseUint(args[2], 10, 64)
		ts.Check(err)
	}
	r := rand.New(rand.NewPCG(seed, seed))
	data := make([]byte, size)
	for i := 0; i+8 <= size; i += 8 {
		binary.LittleEndian.PutUint64(data[i:], r.Uint64())
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// cmdGoTarGz writes a gzip-compressed tar of a directory with Go's
// compress/gzip, as Go build tools write packages, so that scripts can
// make packages zonectl rebuilds from their content. Stock tar -czf uses
// GNU gzip, which it cannot.
//
//	gotargz OUT DIR [LEVEL]
func cmdGoTarGz(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: gotargz OUT DIR [LEVEL]")
	}
	level := gzip.DefaultCompression
	if len(args) == 3 {
		var err error
		level, err = strconv.Atoi(args[2])
		ts.Check(err)
	}
	out, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	defer out.Close()
	zw, err := gzip.NewWriterLevel(out, level)
	ts.Check(err)
	tw := tar.NewWriter(zw)
	root := ts.MkAbs(args[1])
	ts.Check(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		hdr.Name = filepath.ToSlash(rel)
		hdr.ModTime = time.Unix(1700000000, 0)
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	}))
	ts.Check(tw.Close())
	ts.Check(zw.Close())
}
