package ustar

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

var mtime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type member struct {
	name string
	data string
}

// archive writes members as zonectl does.
func archive(t *testing.T, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		if err := tw.WriteHeader(Header(m.name, int64(len(m.data)), mtime)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll reads every member of data, skipping some data unread.
func readAll(data []byte) ([]member, error) { return readFrom(bytes.NewReader(data)) }

func readFrom(src io.Reader) ([]member, error) {
	r := NewReader(src)
	var out []member
	for i := 0; ; i++ {
		hdr, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if hdr.Typeflag != tar.TypeReg {
			return out, errors.New("not regular: " + hdr.Name)
		}
		if i%2 == 1 {
			out = append(out, member{name: hdr.Name}) // left for Next to skip
			continue
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return out, err
		}
		out = append(out, member{hdr.Name, string(b)})
	}
}

func TestReadsWhatIsWritten(t *testing.T) {
	in := []member{{"a", "x"}, {"b", strings.Repeat("y", 512)}, {"c", ""}, {"d", strings.Repeat("z", 1000)}}
	data := archive(t, in...)
	got, err := readAll(append(data, make([]byte, 10240)...)) // record padding, as GNU tar writes
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		want := in[i]
		if i%2 == 1 {
			want.data = ""
		}
		if got[i] != want {
			t.Errorf("member %d: %+v, want %+v", i, got[i], want)
		}
	}
	r := NewReader(bytes.NewReader(data))
	if _, err := r.Next(); err != nil || !r.ModTime().Equal(mtime) {
		t.Errorf("ModTime = %v (%v), want %v", r.ModTime(), err, mtime)
	}
}

// reseal puts a right checksum in the header at off after a change.
func reseal(b []byte, off int) {
	blk := b[off : off+blockSize]
	copy(blk[148:156], "        ")
	var sum int
	for _, c := range blk {
		sum += int(c)
	}
	copy(blk[148:156], []byte(strings.Repeat("0", 6-len(octal(sum)))+octal(sum)+"\x00 "))
}

func octal(n int) string {
	s := ""
	for ; n > 0; n /= 8 {
		s = string(rune('0'+n%8)) + s
	}
	return s
}

func TestRefuses(t *testing.T) {
	good := archive(t, member{"a", "x"}, member{"b", "yy"})
	second := 2 * blockSize
	for _, tc := range []struct {
		name   string
		change func([]byte) []byte
		kind   error
		want   string
	}{
		{"padding", func(b []byte) []byte { b[blockSize+1] = ' '; return b }, ErrMalformed, `"a": a non-zero byte in the tar padding`},
		{"end marker", func(b []byte) []byte { b[len(b)-3] = 1; return b }, ErrMalformed, "end-of-archive marker"},
		{"after the end", func(b []byte) []byte { return append(b, 'x') }, ErrMalformed, "data follows the end"},
		{"too much padding", func(b []byte) []byte { return append(b, make([]byte, maxPadding+1)...) }, ErrMalformed, "bytes of padding"},
		{"no end", func(b []byte) []byte { return b[:len(b)-2*blockSize] }, ErrTruncated, "no end-of-archive marker"},
		{"half an end", func(b []byte) []byte { return b[:len(b)-blockSize] }, ErrTruncated, "no end-of-archive marker"},
		{"cut in data", func(b []byte) []byte { return b[:second+blockSize+1] }, ErrTruncated, `"b": the tar ends in the middle of this member`},
		{"cut in padding", func(b []byte) []byte { return b[:second+blockSize+10] }, ErrTruncated, `"b": the tar ends in the padding`},
		{"cut in header", func(b []byte) []byte { return b[:second+100] }, ErrTruncated, "in the middle of a header"},
		{"checksum", func(b []byte) []byte { b[second+1] = 'c'; return b }, ErrMalformed, "checksum does not match"},
		{"owner", func(b []byte) []byte { copy(b[second+265:], "root"); reseal(b, second); return b }, ErrMalformed, `"b": its tar header differs from the one zonectl writes at byte 265 (the user name field)`},
		{"mtime", func(b []byte) []byte { b[second+140]++; reseal(b, second); return b }, ErrMalformed, "(the mtime field)"},
		{"checksum spelling", func(b []byte) []byte { b[second+155] = 0; return b }, ErrMalformed, "(the checksum field)"},
		{"pax", func(b []byte) []byte { b[second+156] = 'x'; reseal(b, second); return b }, ErrNotRegular, `"b": is a PAX extended header`},
		{"empty", func([]byte) []byte { return nil }, ErrMalformed, "the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(tc.change(bytes.Clone(good)))
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %v mentioning %q", err, tc.kind, tc.want)
			}
		})
	}
}

// A failing stream is reported as itself, not as a malformed archive.
func TestReadError(t *testing.T) {
	disk := errors.New("input/output error")
	data := archive(t, member{"a", strings.Repeat("x", 2000)})
	for _, cut := range []int{0, 100, 700, 2100, len(data) - 100} {
		_, err := readFrom(io.MultiReader(bytes.NewReader(data[:cut]), errReader{disk}))
		var te *Error
		if !errors.Is(err, disk) || errors.As(err, &te) {
			t.Errorf("cut at %d: %v", cut, err)
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
