package recompress

import (
	stdflate "compress/flate"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"

	kpflate "github.com/klauspost/compress/flate"
)

// The deflate encoders Detect tries and Rebuild uses, by the name a
// manifest records.
const (
	EncoderGo        = "compress/flate"
	EncoderKlauspost = "github.com/klauspost/compress/flate"
)

// encoders lists every encoder and level Detect tries, the commonest
// first: Go's own at its default level is what most Go tools write.
var encoders = func() []Params {
	var out []Params
	for _, enc := range []string{EncoderGo, EncoderKlauspost} {
		for _, level := range []int{6, 9, 1, 5, 4, 7, 8, 3, 2} {
			out = append(out, Params{Format: FormatGzip, Encoder: enc, Level: level})
		}
	}
	return out
}()

// newEncoder returns a deflate writer for p's encoder and level.
func newEncoder(w io.Writer, p Params) (io.WriteCloser, error) {
	if p.Level < 1 || p.Level > 9 {
		return nil, fmt.Errorf("deflate level %d out of range 1..9", p.Level)
	}
	switch p.Encoder {
	case EncoderGo:
		return stdflate.NewWriter(w, p.Level)
	case EncoderKlauspost:
		return kpflate.NewWriter(w, p.Level)
	}
	return nil, fmt.Errorf("deflate encoder %q is not one this zonectl has (%q, %q)", p.Encoder, EncoderGo, EncoderKlauspost)
}

// EncoderVersion says which build of an encoder this zonectl carries, so
// that a rebuild that fails can say whether the two sides differ.
func EncoderVersion(name string) string {
	if name == EncoderGo {
		return runtime.Version()
	}
	return klauspostVersion()
}

var klauspostVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/klauspost/compress" {
				return m.Version
			}
		}
	}
	return "unknown"
})
