package recompress

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"io"
	"testing"
)

// Detect reads packages anyone with push rights stored: whatever the
// bytes, it must not panic, and what it calls reproducible must rebuild
// from its content to exactly those bytes.
func FuzzDetect(f *testing.F) {
	for _, level := range []int{1, 6, 9} {
		var b bytes.Buffer
		zw, _ := stdgzip.NewWriterLevel(&b, level)
		zw.Header.Name = "pkg.tar"
		zw.Write(content(uint64(level), 4096))
		zw.Close()
		f.Add(b.Bytes())
	}
	f.Add([]byte{0x1f, 0x8b, 8, 0xff, 0, 0, 0, 0, 0, 0})
	f.Add([]byte("not gzip at all"))
	f.Fuzz(func(t *testing.T, file []byte) {
		p, ok, err := Detect(context.Background(), bytes.NewReader(file), int64(len(file)))
		var data bytes.Buffer
		_, derr := Decompress(&data, bytes.NewReader(file))
		if !ok {
			return
		}
		if err != nil || derr != nil {
			t.Fatalf("reproducible, yet Detect said %v and Decompress %v", err, derr)
		}
		var out bytes.Buffer
		if err := Rebuild(&out, &data, p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), file) {
			t.Fatalf("Detect found %s, but Rebuild gives other bytes", p.Describe())
		}
	})
}

// Rebuild settings come from a signed manifest, but are still parsed
// defensively: any header must be refused or accepted without a panic.
func FuzzParams(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, 6)
	f.Add([]byte{0x1f, 0x8b, 8, 0x1f, 0, 0, 0, 0, 0, 0xff, 2, 0, 'a', 'b', 'n', 0, 'c', 0, 1, 2}, 9)
	f.Fuzz(func(t *testing.T, header []byte, level int) {
		p := Params{Format: FormatGzip, Encoder: EncoderGo, Level: level, Header: header}
		if p.Validate() != nil {
			return
		}
		if err := Rebuild(io.Discard, bytes.NewReader([]byte("content")), p); err != nil {
			t.Fatalf("valid params, yet Rebuild: %v", err)
		}
	})
}
