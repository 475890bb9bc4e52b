package parts

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinSize is the smallest part: below a mebibyte, a set of parts is only a
// way to make mistakes.
const MinSize = 1 << 20

// MaxParts is the most parts a set may have, which bounds the index.
const MaxParts = 10000

// ParseSize reads a part size as split(1) does: a number of bytes, with
// an optional unit. K, M, G and T (either case) are powers of 1024, as are
// KiB, MiB, GiB and TiB; KB, MB, GB and TB are powers of 1000. A number
// with a unit may have a fraction ("4.7GB", a DVD); bytes are whole.
//
//	2000000  700M  4GiB  4000MB  4.7GB
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], t[i:]
	if num == "" {
		return 0, fmt.Errorf("invalid size %q: want a number of bytes, such as 2000000, 700M or 4GiB", s)
	}
	mult, ok := units[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use K, M, G, T or KiB, MiB, GiB, TiB for powers of 1024; KB, MB, GB, TB for powers of 1000)", s, unit)
	}
	if mult == 1 || !strings.Contains(num, ".") {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("invalid size %q: want a whole number of bytes above 0", s)
		}
		if n > math.MaxInt64/mult {
			return 0, fmt.Errorf("invalid size %q: too large", s)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("invalid size %q: want a number above 0", s)
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return int64(v), nil
}

var units = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}
