package octostache

import "testing"

func TestDateAddFilters(t *testing.T) {
	tests := []struct {
		name, value, src, want string
	}{
		{"no zone stays without one", "2030-05-22 09:05:00", "#{V | AddHours 8}", "2030-05-22T17:05:00.0000000"},
		{"Z stays UTC", "2030-05-22T09:05:00Z", "#{V | AddDays 1}", "2030-05-23T09:05:00.0000000Z"},
		{"GMT is UTC", "Wed, 22 May 2030 09:05:00 GMT", "#{V | AddHours 1}", "2030-05-22T10:05:00.0000000Z"},
		{"offset kept", "2030-05-22T09:05:00-05:30", "#{V | AddDays -1}", "2030-05-21T09:05:00.0000000-05:30"},
		{"offset kept across a day", "2030-05-22T23:05:00+02:00", "#{V | AddHours 2}", "2030-05-23T01:05:00.0000000+02:00"},
		{"fraction of a second kept", "2030-05-22T09:05:00.1234567", "#{V | AddHours 0}", "2030-05-22T09:05:00.1234567"},
		{"ticks, not milliseconds", "2030-05-22 09:05:00", `#{V | AddHours "0.0000001"}`, "2030-05-22T09:05:00.0003600"},
		{"exponent and spaces", "2030-05-22 09:05:00", `#{V | AddDays " 1e1 "}`, "2030-06-01T09:05:00.0000000"},
		{"leading plus", "2030-05-22 09:05:00", `#{V | AddDays "+1"}`, "2030-05-23T09:05:00.0000000"},
		{"underflow is zero", "2030-05-22 09:05:00", `#{V | AddDays "1e-400"}`, "2030-05-22T09:05:00.0000000"},
		{"many days", "2030-05-22 09:05:00", "#{V | AddDays 2000000}", "7506-03-16T09:05:00.0000000"},
		{"past year 9999", "9999-12-31 23:00:00", "#{V | AddHours 1}", `#{V | AddHours "1"}`},
		{"before year 1", "0001-01-01 00:00:00", "#{V | AddHours -1}", `#{V | AddHours "-1"}`},
		{"UTC past year 9999", "9999-12-31T23:00:00-02:00", "#{V | AddHours 0}", `#{V | AddHours "0"}`},
		{"beyond any date", "2030-05-22 09:05:00", "#{V | AddDays 1e300}", `#{V | AddDays "1e300"}`},
		{"overflowing amount", "2030-05-22 09:05:00", `#{V | AddDays "1e400"}`, `#{V | AddDays "1e400"}`},
		{"not a number", "2030-05-22 09:05:00", "#{V | AddDays NaN}", `#{V | AddDays "NaN"}`},
		{"hex is not a number", "2030-05-22 09:05:00", "#{V | AddDays 0x10}", `#{V | AddDays "0x10"}`},
		{"comma is not a decimal point", "2030-05-22 09:05:00", `#{V | AddDays "1,5"}`, `#{V | AddDays "1,5"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evalFilter(t, tt.value, tt.src); got != tt.want {
				t.Errorf("%q with V=%q\n got %q\nwant %q", tt.src, tt.value, got, tt.want)
			}
		})
	}
}

func TestDateAddChainsOffNowDate(t *testing.T) {
	if got := evalFilter(t, "", "#{ | NowDate | AddHours 2}"); got != "2030-05-22T11:05:03.2500000" {
		t.Errorf("NowDate: got %q", got)
	}
	if got := evalFilter(t, "", "#{ | NowDateUtc | AddDays 1}"); got != "2030-05-23T07:05:03.2500000Z" {
		t.Errorf("NowDateUtc: got %q", got)
	}
}
