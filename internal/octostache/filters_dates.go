package octostache

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// .NET counts time in ticks of 100ns; a DateTime runs from tick 0
// (0001-01-01) to maxDateTicks (9999-12-31T23:59:59.9999999).
const (
	ticksPerHour = 36_000_000_000
	ticksPerDay  = 24 * ticksPerHour
	maxDateTicks = 3_155_378_975_999_999_999
)

// addTime is AddHours and AddDays amount: the input date moved by amount
// units (a number, fractions and signs allowed), formatted as "O". The
// result keeps the input's kind, as Octostache's DateFunction does: a date
// without a zone stays without one, a UTC one keeps its Z, and an explicit
// offset is kept rather than moved to the server's zone.
func addTime(ticksPerUnit float64) filterFunc {
	return func(_ *evaluator, in string, ok bool, args []string) (string, bool) {
		if !ok || len(args) != 1 {
			return "", false
		}
		ticks, valid := amountTicks(args[0], ticksPerUnit)
		if !valid {
			return "", false
		}
		d, valid := parseDate(in, false)
		if !valid {
			return "", false
		}
		if d.kind == kindOffset && hasSuffixFold(strings.TrimSpace(in), "GMT") {
			// .NET reads "GMT", like "Z", as a UTC date, not as an offset.
			d.kind = kindUTC
		}
		d, valid = addTicks(d, ticks)
		if !valid {
			return "", false
		}
		return formatDate(d, "O")
	}
}

// dotnetFloat is what double.TryParse accepts with NumberStyles.Float:
// white space around, a leading sign, a decimal point and an exponent. It
// also takes Infinity and NaN, which no date can be moved by anyway.
var dotnetFloat = regexp.MustCompile(`^[\t-\r ]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[\t-\r ]*$`)

// amountTicks converts an amount of units to ticks as TimeSpan.FromHours
// and FromDays do since .NET Core 3.0: the product, truncated toward zero
// (no rounding to milliseconds). An amount larger than any date range
// fails, as the date arithmetic would.
func amountTicks(s string, ticksPerUnit float64) (int64, bool) {
	m := dotnetFloat.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	// A range error is an infinite amount, which .NET parses and then
	// cannot turn into a TimeSpan.
	amount, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	ticks := amount * ticksPerUnit
	if math.IsNaN(ticks) || math.Abs(ticks) > maxDateTicks {
		return 0, false
	}
	return int64(ticks), true
}

// addTicks moves d by ticks, failing where .NET's DateTime or
// DateTimeOffset would be out of range.
func addTicks(d dateValue, ticks int64) (dateValue, bool) {
	// Arithmetic in the date's own fixed offset: time.Parse may have
	// given it the local zone, whose daylight saving would move the offset.
	_, off := d.t.Zone()
	t := d.t.In(time.FixedZone("", off))
	t = t.AddDate(0, 0, int(ticks/ticksPerDay)).Add(time.Duration(ticks%ticksPerDay) * 100)
	if !inDateRange(t) || (d.kind == kindOffset && !inDateRange(t.UTC())) {
		return dateValue{}, false
	}
	return dateValue{t: t, kind: d.kind}, true
}

func inDateRange(t time.Time) bool {
	return t.Year() >= 1 && t.Year() <= 9999
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
