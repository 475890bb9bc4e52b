package zbundle

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestWriteRead(t *testing.T) {
	f := newFixture(t, []byte("# v2 git bundle\nnot really\n"))

	r, err := NewReader(bytes.NewReader(f.bundle))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Manifest(), f.manifest) || !bytes.Equal(r.Signature(), f.sig) {
		t.Fatal("the reader's manifest and signature are not the ones written")
	}
	m, _, err := OpenManifest(r.Manifest(), r.Signature(), f.src.verifier)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	members, err := r.Extract(dir, m, ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}

	want := []Member{
		{ManifestName, int64(len(f.manifest)), sum(f.manifest)},
		{SignatureName, int64(len(f.sig)), sum(f.sig)},
	}
	want = append(want, m.Files()...)
	if !reflect.DeepEqual(members, want) {
		t.Errorf("Extract returned\n%+v\nwant\n%+v", members, want)
	}
	if !reflect.DeepEqual(r.Members(), want) {
		t.Errorf("Members() = %+v", r.Members())
	}
	for _, mem := range want {
		data, err := os.ReadFile(filepath.Join(dir, mem.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum(data) != mem.SHA256 {
			t.Errorf("%s extracted with the wrong bytes", mem.Name)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v; want io.EOF", err)
	}
	if _, err := r.Extract(dir, m, ExtractOptions{}); err == nil {
		t.Error("Extract ran twice")
	}

	// Scanning without writing anything gives the same members.
	scanned, err := scanBundle(f.bundle)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(scanned, want) {
		t.Errorf("Scan = %+v", scanned)
	}
}

// The tar headers are fixed, so the same manifest and data always make the
// same bundle.
func TestWriterHeaders(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	tr := tar.NewReader(bytes.NewReader(f.bundle))
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
		if hdr.Typeflag != tar.TypeReg || hdr.Mode != 0o644 || hdr.Uid != 0 || hdr.Gid != 0 ||
			!hdr.ModTime.Equal(created) || hdr.Format != tar.FormatUSTAR || hdr.Uname != "" {
			t.Errorf("member %s: header %+v", hdr.Name, hdr)
		}
	}
	want := []string{ManifestName, SignatureName, GitBundleName, f.m.Packages[0].Data.Path, f.m.Packages[1].Data.Path}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("members %q; want %q", names, want)
	}

	var again bytes.Buffer
	w, err := NewWriter(&again, f.manifest, f.sig)
	if err != nil {
		t.Fatal(err)
	}
	files := f.m.Files()
	for i := len(files) - 1; i >= 0; i-- { // any order
		data := f.files[files[i].Name]
		if err := w.AddFile(files[i].Name, int64(len(data)), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := scanBundle(again.Bytes()); err != nil {
		t.Errorf("a bundle written in another order: %v", err)
	}
	again.Reset()
	w, err = NewWriter(&again, f.manifest, f.sig)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		data := f.files[file.Name]
		if err := w.AddFile(file.Name, int64(len(data)), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), f.bundle) {
		t.Error("the same manifest and data made different bundles")
	}
}

func TestWriterRefuses(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	web := f.m.Packages[0].Data.Path
	start := func(t *testing.T) *Writer {
		w, err := NewWriter(io.Discard, f.manifest, f.sig)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	add := func(w *Writer, name string) error {
		return w.AddFile(name, int64(len(f.files[name])), bytes.NewReader(f.files[name]))
	}
	t.Run("unpinned", func(t *testing.T) {
		w := start(t)
		wantErr(t, w.AddFile("packages/"+strings.Repeat("0", 64), 1, strings.NewReader("x")), "does not pin")
		wantErr(t, w.Close(), "does not pin") // sticky
	})
	t.Run("twice", func(t *testing.T) {
		w := start(t)
		if err := add(w, web); err != nil {
			t.Fatal(err)
		}
		wantErr(t, add(w, web), "added twice")
	})
	t.Run("size", func(t *testing.T) {
		w := start(t)
		wantErr(t, w.AddFile(web, 3, strings.NewReader("abc")), "3 bytes, but the manifest pins")
	})
	t.Run("short", func(t *testing.T) {
		w := start(t)
		data := f.files[web]
		wantErr(t, w.AddFile(web, int64(len(data)), bytes.NewReader(data[1:])), "ended after")
	})
	t.Run("hash", func(t *testing.T) {
		w := start(t)
		data := bytes.ToUpper(f.files[web])
		wantErr(t, w.AddFile(web, int64(len(data)), bytes.NewReader(data)), "SHA-256 is")
	})
	t.Run("read error", func(t *testing.T) {
		w := start(t)
		wantErr(t, w.AddFile(web, int64(len(f.files[web])), &errReader{err: errors.New("disk on fire")}), "disk on fire")
	})
	t.Run("missing", func(t *testing.T) {
		w := start(t)
		if err := add(w, GitBundleName); err != nil {
			t.Fatal(err)
		}
		wantErr(t, w.Close(), "was never added")
	})
	t.Run("closed", func(t *testing.T) {
		w := start(t)
		for _, file := range f.m.Files() {
			if err := add(w, file.Name); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		wantErr(t, add(w, web), "closed")
	})
	t.Run("bad manifest", func(t *testing.T) {
		_, err := NewWriter(io.Discard, []byte("{}"), f.sig)
		wantErr(t, err, "write bundle")
		_, err = NewWriter(io.Discard, f.manifest, nil)
		wantErr(t, err, "no signature")
	})
}

// Every way of tampering with a bundle is refused, each with its own kind
// of error, whether the bundle is extracted or only scanned.
func TestReaderRefuses(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	web := f.m.Packages[0].Data.Path
	otherPath := PackagePath(strings.Repeat("1", 64))
	edit := func(change func([]tarEntry) []tarEntry) []byte {
		return rawTar(t, change(f.entries()))
	}
	replace := func(name string, data []byte) []byte {
		return edit(func(es []tarEntry) []tarEntry {
			for i := range es {
				if es[i].name == name {
					es[i].data = data
				}
			}
			return es
		})
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
		kind   error
		want   string
	}{
		{"extra pinnable file", edit(func(es []tarEntry) []tarEntry { return append(es, tarEntry{name: otherPath, data: []byte("x")}) }),
			ErrExtra, "the manifest does not pin this file"},
		{"extra file", edit(func(es []tarEntry) []tarEntry { return append(es, tarEntry{name: "install.sh", data: []byte("x")}) }),
			ErrExtra, `"install.sh": is not a file a .zbundle holds`},
		{"extra upper-case package", edit(func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{name: strings.ToUpper(web), data: []byte("x")})
		}), ErrExtra, "is not a file a .zbundle holds"},
		{"missing package", edit(func(es []tarEntry) []tarEntry { return es[:len(es)-1] }),
			ErrMissing, "pinned by the manifest but missing"},
		{"missing git bundle", edit(func(es []tarEntry) []tarEntry { return append(es[:2], es[3:]...) }),
			ErrMissing, `"release.bundle": pinned by the manifest but missing`},
		{"missing signature", edit(func(es []tarEntry) []tarEntry { return es[:1] }),
			ErrMissing, `"manifest.json.asc": missing`},
		{"empty tar", rawTar(t, nil), ErrMissing, `"manifest.json": missing`},
		{"duplicate member", edit(func(es []tarEntry) []tarEntry { return append(es, es[2]) }),
			ErrDuplicate, "appears twice"},
		{"duplicate manifest", edit(func(es []tarEntry) []tarEntry { return append(es, es[0]) }),
			ErrDuplicate, `"manifest.json": appears twice`},
		{"symlink", edit(func(es []tarEntry) []tarEntry {
			es[2] = tarEntry{name: GitBundleName, typeflag: tar.TypeSymlink, linkname: "/etc/passwd"}
			return es
		}), ErrNotRegular, "is a symbolic link"},
		{"hard link", edit(func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{name: otherPath, typeflag: tar.TypeLink, linkname: GitBundleName})
		}), ErrNotRegular, "is a hard link"},
		{"directory", edit(func(es []tarEntry) []tarEntry {
			return append(es[:2], append([]tarEntry{{name: "packages/", typeflag: tar.TypeDir}}, es[2:]...)...)
		}), ErrNotRegular, "is a directory"},
		{"parent traversal", edit(func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{name: "../manifest.json", data: []byte("x")})
		}),
			ErrUnsafePath, `"../manifest.json": the path leaves`},
		{"inner traversal", edit(func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{name: "packages/../../x", data: []byte("x")})
		}),
			ErrUnsafePath, "the path leaves"},
		{"absolute path", edit(func(es []tarEntry) []tarEntry { return append(es, tarEntry{name: "/etc/cron.d/x", data: []byte("x")}) }),
			ErrUnsafePath, "the path leaves"},
		{"size mismatch", replace(web, append(bytes.Clone(f.files[web]), 'x')), ErrSize, "the manifest pins"},
		{"hash mismatch", replace(web, bytes.ToUpper(f.files[web])), ErrHash, "SHA-256 is"},
		{"git bundle hash", replace(GitBundleName, []byte("git bundlf")), ErrHash, `"release.bundle": SHA-256 is`},
		{"manifest not first", edit(func(es []tarEntry) []tarEntry { es[0], es[2] = es[2], es[0]; return es }),
			ErrMalformed, `"release.bundle": is where manifest.json belongs`},
		{"signature not second", edit(func(es []tarEntry) []tarEntry { es[1], es[2] = es[2], es[1]; return es }),
			ErrMalformed, "is where manifest.json.asc belongs"},
		{"huge signature", replace(SignatureName, make([]byte, MaxSignatureSize+1)), ErrSize, "at most"},
		{"truncated in a member", f.bundle[:len(f.bundle)-1024-600], ErrTruncated, "in the middle of this member"},
		{"truncated in a header", f.bundle[:len(f.bundle)-1024-10240-100], ErrTruncated, "the middle of a header"},
		{"truncated at a member's end", f.bundle[:len(f.bundle)-1024], ErrTruncated, "no end-of-archive marker"},
		{"one zero block", f.bundle[:len(f.bundle)-512], ErrTruncated, "no end-of-archive marker"},
		{"data after the end", append(bytes.Clone(f.bundle), "PK"...), ErrMalformed, "data follows the end"},
		{"second tar after the end", append(bytes.Clone(f.bundle), rawTar(t, []tarEntry{{name: "x", data: []byte("x")}})...), ErrMalformed, "data follows the end"},
		{"endless padding", append(bytes.Clone(f.bundle), make([]byte, 1<<20+1)...), ErrMalformed, "bytes of padding"},
		{"not a tar", []byte(strings.Repeat("not a tar ", 100)), ErrMalformed, "malformed tar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := importBundle(t, tc.bundle, f.src.verifier)
			wantKind(t, err, tc.kind, tc.want)
			_, err = scanBundle(tc.bundle)
			wantKind(t, err, tc.kind)
		})
	}

	// Zero padding after the end, as GNU tar writes it, is fine.
	padded := append(bytes.Clone(f.bundle), make([]byte, 10240)...)
	if _, _, err := importBundle(t, padded, f.src.verifier); err != nil {
		t.Errorf("a bundle padded with zeros was refused: %v", err)
	}
}

// "Altered in any byte" holds literally: whichever single byte of a bundle
// is changed, headers, padding and end-of-archive marker included, the
// bundle is refused.
func TestReaderRefusesAnyChangedByte(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	flips := []byte{0x01, 0x20, 0xff}
	base := t.TempDir()
	skip := ExtractOptions{Skip: func(string) bool { return true }}
	verify := func(data []byte) error {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		m, _, err := OpenManifest(r.Manifest(), r.Signature(), f.src.verifier)
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp(base, "")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		_, err = r.Extract(dir, m, skip)
		return err
	}
	if err := verify(f.bundle); err != nil {
		t.Fatal(err)
	}
	for i := range f.bundle {
		if inData(f.bundle, i) && i%13 != 0 {
			continue // a member's data is hashed; a sample of it will do
		}
		changed := bytes.Clone(f.bundle)
		changed[i] ^= flips[i%len(flips)]
		if err := verify(changed); err == nil {
			t.Fatalf("byte %d xor %#x: the changed bundle was accepted", i, flips[i%len(flips)])
		}
	}
}

// inData reports whether offset i of a well-formed tar falls in the
// middle of a member's data, away from its first and last 64 bytes.
func inData(tar []byte, i int) bool {
	for off := 0; off+blockSize <= len(tar); {
		size, err := strconv.ParseInt(strings.Trim(string(tar[off+124:off+136]), " \x00"), 8, 64)
		if err != nil || size == 0 {
			return false
		}
		start := off + blockSize
		if i >= start+64 && i < start+int(size)-64 {
			return true
		}
		off = start + (int(size)+blockSize-1)/blockSize*blockSize
	}
	return false
}

// Changes that keep a header's checksum right are refused too: tar pads
// with zeros and zonectl writes one form of header.
func TestReaderRefusesOtherHeaders(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	// reseal rewrites a header's checksum after a change at off.
	reseal := func(data []byte, hdr int) {
		blk := data[hdr : hdr+blockSize]
		copy(blk[148:156], "        ")
		var sum int
		for _, b := range blk {
			sum += int(b)
		}
		copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
	}
	second := blockSize + (len(f.manifest)+blockSize-1)/blockSize*blockSize // the signature's header
	end := len(f.bundle) - 2*blockSize
	for _, tc := range []struct {
		name   string
		change func([]byte)
		want   string
	}{
		{"padding after a member", func(b []byte) { b[blockSize+len(f.manifest)] = 'x' }, `"manifest.json": a non-zero byte in the tar padding`},
		{"last byte of padding", func(b []byte) { b[second-1] = 1 }, `"manifest.json": a non-zero byte in the tar padding`},
		{"second end block", func(b []byte) { b[len(b)-1] = 1 }, "non-zero byte in the end-of-archive marker"},
		{"first end block", func(b []byte) { b[end+7] = 1 }, "malformed tar"},
		{"owner name", func(b []byte) { copy(b[second+265:], "root"); reseal(b, second) }, `"manifest.json.asc": its tar header differs from the one zonectl writes at byte 265 (the user name field)`},
		{"header padding", func(b []byte) { b[second+511] = 1; reseal(b, second) }, "(the padding field)"},
		{"checksum spelling", func(b []byte) { b[second+155] = 0 }, "(the checksum field)"},
		{"mode", func(b []byte) { copy(b[second+100:], "0000755"); reseal(b, second) }, "(the mode field)"},
		{"one member's time", func(b []byte) { b[second+146]++; reseal(b, second) }, "(the mtime field)"},
		{"every member's time", func(b []byte) {
			for off := 0; off < end; off += blockSize {
				if string(b[off+257:off+262]) == "ustar" {
					b[off+146]++
					reseal(b, off)
				}
			}
		}, "but the manifest was created"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed := bytes.Clone(f.bundle)
			tc.change(changed)
			_, _, err := importBundle(t, changed, f.src.verifier)
			wantKind(t, err, ErrMalformed, tc.want)
		})
	}
}

// An error reading the stream is not a verification failure.
func TestReaderIOError(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	disk := errors.New("input/output error")
	_, err := scanBundle(nil)
	wantKind(t, err, ErrMalformed, "bundle: the file is empty")
	for _, cut := range []int{0, 100, 1500, len(f.bundle) - 1024} {
		_, err := scanBundle2(&errReader{data: f.bundle[:cut], err: disk})
		if !errors.Is(err, disk) {
			t.Errorf("cut at %d: error %v does not wrap the read error", cut, err)
		}
		var ce *CheckError
		if errors.As(err, &ce) {
			t.Errorf("cut at %d: a read error became a *CheckError: %v", cut, err)
		}
	}
}

func scanBundle2(src io.Reader) ([]Member, error) {
	r, err := NewReader(src)
	if err != nil {
		return nil, err
	}
	return r.Scan()
}

func TestCheck(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	good, err := scanBundle(f.bundle)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(f.m, good); err != nil {
		t.Fatal(err)
	}
	without := func(name string) []Member {
		var ms []Member
		for _, m := range good {
			if m.Name != name {
				ms = append(ms, m)
			}
		}
		return ms
	}
	wantKind(t, Check(f.m, without(ManifestName)), ErrMissing, `"manifest.json"`)
	wantKind(t, Check(f.m, without(SignatureName)), ErrMissing, `"manifest.json.asc"`)
	wantKind(t, Check(f.m, append(good, good[0])), ErrDuplicate)
	changed := append([]Member(nil), good...)
	changed[2].Size++
	wantKind(t, Check(f.m, changed), ErrSize, `"release.bundle": size is 11 bytes; the manifest pins 10`)
}

func TestExtractRefusesExistingFiles(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	r, err := NewReader(bytes.NewReader(f.bundle))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, GitBundleName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m, _, err := OpenManifest(r.Manifest(), r.Signature(), f.src.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Extract(dir, m, ExtractOptions{})
	wantErr(t, err, "file exists")

	// A symbolic link planted in the directory is not followed.
	r, err = NewReader(bytes.NewReader(f.bundle))
	if err != nil {
		t.Fatal(err)
	}
	dir, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "packages")); err != nil {
		t.Fatal(err)
	}
	_, err = r.Extract(dir, m, ExtractOptions{})
	if err == nil {
		t.Error("Extract wrote through a symbolic link")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("Extract wrote %d files outside its directory", len(entries))
	}
}

// A member the caller skips is not written, yet still hashed and held
// against the manifest: a damaged one refuses the bundle all the same.
func TestExtractSkip(t *testing.T) {
	f := newFixture(t, []byte("# v2 git bundle\nnot really\n"))
	web := f.m.Packages[0].Data.Path
	skip := ExtractOptions{Skip: func(name string) bool { return name == web }}

	r, err := NewReader(bytes.NewReader(f.bundle))
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := OpenManifest(r.Manifest(), r.Signature(), f.src.verifier)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	members, err := r.Extract(dir, m, skip)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 2+len(m.Files()) {
		t.Errorf("Extract returned %d members, want every one: %+v", len(members), members)
	}
	if _, err := os.Stat(filepath.Join(dir, web)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the skipped member was written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, f.m.Packages[1].Data.Path)); err != nil {
		t.Errorf("a member not skipped is missing: %v", err)
	}

	data := bytes.Clone(f.bundle)
	i := bytes.Index(data, []byte("web package bytes"))
	data[i] ^= 0x20
	r, err = NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Extract(t.TempDir(), m, skip)
	wantKind(t, err, ErrHash)
}
