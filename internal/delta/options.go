package delta

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Defaults used for zero fields of Options.
const (
	DefaultAnchorBits = 8  // an anchor every 256 bytes on average
	DefaultMinMatch   = 32 // shortest match worth a COPY
)

// Options tune Encode. The zero value selects the defaults.
type Options struct {
	// AnchorBits sets the anchor density of the basis index: about one
	// anchor per 2^AnchorBits bytes. 4..20; 0 means DefaultAnchorBits.
	AnchorBits int
	// MinMatch is the shortest match emitted as a COPY. 8..65536;
	// 0 means DefaultMinMatch.
	MinMatch int
	// Level is the zstd level for the op and literal stream; 0 means
	// zstd.SpeedDefault.
	Level zstd.EncoderLevel
}

// Validate reports the first field out of range. Zero fields are valid.
func (o Options) Validate() error {
	if o.AnchorBits != 0 && (o.AnchorBits < 4 || o.AnchorBits > 20) {
		return fmt.Errorf("delta: anchor bits %d out of range 4..20", o.AnchorBits)
	}
	if o.MinMatch != 0 && (o.MinMatch < 8 || o.MinMatch > 1<<16) {
		return fmt.Errorf("delta: min match %d out of range 8..65536", o.MinMatch)
	}
	if o.Level < 0 || o.Level > zstd.SpeedBestCompression {
		return fmt.Errorf("delta: zstd level %d out of range", int(o.Level))
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.AnchorBits == 0 {
		o.AnchorBits = DefaultAnchorBits
	}
	if o.MinMatch == 0 {
		o.MinMatch = DefaultMinMatch
	}
	if o.Level == 0 {
		o.Level = zstd.SpeedDefault
	}
	return o
}
