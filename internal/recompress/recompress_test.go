package recompress

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	kpgzip "github.com/klauspost/compress/gzip"
)

// content is a tar-like mix of text and random bytes, large enough for
// encoders to emit several blocks.
func content(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for b.Len() < n {
		if r.IntN(4) == 0 {
			for range 2000 {
				b.WriteByte(byte(r.Uint32()))
			}
			continue
		}
		fmt.Fprintf(&b, "line %d of package source: func f%d() { return %d }\n", b.Len(), r.IntN(100), r.IntN(1000))
	}
	return b.Bytes()[:n]
}

func goGzip(t *testing.T, data []byte, level int, hdr stdgzip.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := stdgzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	zw.Header = hdr
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func detect(t *testing.T, file []byte) (Params, bool) {
	t.Helper()
	p, ok, err := Detect(context.Background(), bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	return p, ok
}

// rebuild checks that Rebuild with p reproduces file from data exactly.
func rebuild(t *testing.T, p Params, data, file []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := Rebuild(&out, bytes.NewReader(data), p); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if !bytes.Equal(out.Bytes(), file) {
		t.Fatalf("Rebuild with %s: %d bytes differ from the file's %d", p.Describe(), out.Len(), len(file))
	}
}

func TestDetectGoEncoder(t *testing.T) {
	data := content(1, 1<<20)
	hdr := stdgzip.Header{Name: "acme-web.tar", Comment: "built by ci", ModTime: time.Unix(1700000000, 0), OS: 3, Extra: []byte("xx\x02\x00ab")}
	for level := 1; level <= 9; level++ {
		t.Run(fmt.Sprint(level), func(t *testing.T) {
			file := goGzip(t, data, level, hdr)
			p, ok := detect(t, file)
			if !ok {
				t.Fatal("a file written by compress/gzip was not found reproducible")
			}
			if p.Encoder != EncoderGo && p.Encoder != EncoderKlauspost {
				t.Fatalf("encoder %q", p.Encoder)
			}
			rebuild(t, p, data, file)
			var got bytes.Buffer
			if n, err := Decompress(&got, bytes.NewReader(file)); err != nil || n != int64(len(data)) || !bytes.Equal(got.Bytes(), data) {
				t.Fatalf("Decompress: %d bytes, %v", n, err)
			}
		})
	}
}

func TestDetectKlauspostEncoder(t *testing.T) {
	data := content(2, 1<<20)
	for _, level := range []int{1, 5, 9} {
		var b bytes.Buffer
		zw, _ := kpgzip.NewWriterLevel(&b, level)
		zw.Write(data)
		zw.Close()
		p, ok := detect(t, b.Bytes())
		if !ok {
			t.Fatalf("level %d: a file written by klauspost/compress/gzip was not found reproducible", level)
		}
		rebuild(t, p, data, b.Bytes())
	}
}

// GNU gzip's deflate is none this zonectl carries: Detect says so, and
// cheaply, without an error.
func TestDetectGNUGzip(t *testing.T) {
	if _, err := exec.LookPath("gzip"); err != nil {
		t.Fatal("gzip is needed to check that GNU gzip output is told apart: install it (Debian: apt-get install gzip)")
	}
	data := content(3, 2<<20)
	for _, level := range []string{"-1", "-6", "-9"} {
		cmd := exec.Command("gzip", "-n", "-c", level)
		cmd.Stdin = bytes.NewReader(data)
		file, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := detect(t, file); ok {
			t.Errorf("gzip %s: found reproducible with %s", level, p.Describe())
		}
		var got bytes.Buffer
		if _, err := Decompress(&got, bytes.NewReader(file)); err != nil || !bytes.Equal(got.Bytes(), data) {
			t.Errorf("gzip %s: Decompress: %v", level, err)
		}
	}
}

func TestDetectNotReproducible(t *testing.T) {
	data := content(4, 200<<10)
	file := goGzip(t, data, 6, stdgzip.Header{})
	second := goGzip(t, []byte("more"), 6, stdgzip.Header{})
	for name, f := range map[string][]byte{
		"not gzip":      []byte("PK\x03\x04 a zip file"),
		"empty":         nil,
		"two members":   append(bytes.Clone(file), second...),
		"trailing zero": append(bytes.Clone(file), 0),
	} {
		p, ok, err := Detect(context.Background(), bytes.NewReader(f), int64(len(f)))
		if err != nil || ok {
			t.Errorf("%s: got %+v, %v, %v; want not reproducible, no error", name, p, ok, err)
		}
	}
}

func TestDetectCorrupt(t *testing.T) {
	data := content(5, 200<<10)
	file := goGzip(t, data, 6, stdgzip.Header{})
	badCRC := bytes.Clone(file)
	badCRC[len(badCRC)-6] ^= 1
	cut := file[:len(file)-3]
	badMethod := bytes.Clone(file)
	badMethod[2] = 7
	for name, f := range map[string][]byte{"bad crc": badCRC, "cut trailer": cut, "method 7": badMethod} {
		if _, _, err := Detect(context.Background(), bytes.NewReader(f), int64(len(f))); err == nil {
			t.Errorf("%s: Detect gave no error", name)
		}
		if _, err := Decompress(io.Discard, bytes.NewReader(f)); err == nil {
			t.Errorf("%s: Decompress gave no error", name)
		}
	}
	if _, err := Decompress(io.Discard, bytes.NewReader(append(bytes.Clone(file), 'x'))); err == nil || !strings.Contains(err.Error(), "follows") {
		t.Errorf("trailing data: Decompress gave %v", err)
	}
}

func TestParamsValidate(t *testing.T) {
	good := Params{Format: FormatGzip, Encoder: EncoderGo, Level: 6, Header: goGzip(t, nil, 6, stdgzip.Header{})[:10]}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]Params{
		"format":      {Format: "bzip2", Encoder: EncoderGo, Level: 6, Header: good.Header},
		"encoder":     {Format: FormatGzip, Encoder: "zlib", Level: 6, Header: good.Header},
		"level":       {Format: FormatGzip, Encoder: EncoderGo, Level: 0, Header: good.Header},
		"header":      {Format: FormatGzip, Encoder: EncoderGo, Level: 6, Header: []byte("nope")},
		"header tail": {Format: FormatGzip, Encoder: EncoderGo, Level: 6, Header: append(bytes.Clone(good.Header), 1)},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, p)
		}
		if err := Rebuild(io.Discard, strings.NewReader("x"), p); err == nil {
			t.Errorf("%s: Rebuild accepted %+v", name, p)
		}
	}
}

// Rebuilding with the wrong level gives other bytes; the caller's hash
// check is what catches it, and this shows there is something to catch.
func TestRebuildWrongLevelDiffers(t *testing.T) {
	data := content(6, 1<<20)
	file := goGzip(t, data, 9, stdgzip.Header{})
	p, ok := detect(t, file)
	if !ok {
		t.Fatal("not reproducible")
	}
	p.Level = 1
	var out bytes.Buffer
	if err := Rebuild(&out, bytes.NewReader(data), p); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out.Bytes(), file) {
		t.Fatal("level 1 reproduced a level 9 file")
	}
}

func TestDetectCanceled(t *testing.T) {
	file := goGzip(t, content(7, 1<<20), 6, stdgzip.Header{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Detect(ctx, bytes.NewReader(file), int64(len(file))); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
