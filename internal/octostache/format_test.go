package octostache

import (
	"strings"
	"testing"
)

// asWritten marks a Format with no output: the expression is left as
// written.
const asWritten = "<as written>"

func TestFormat(t *testing.T) {
	tests := []struct {
		name, value, args, want string
	}{
		// Standard numeric formats, invariant culture.
		{"N2", "1234.5", "N2", "1,234.50"},
		{"N default", "1234567", "N", "1,234,567.00"},
		{"N1 negative", "-1234.567", "N1", "-1,234.6"},
		{"F0 rounds half away from zero", "1234.5", "F0", "1235"},
		{"F0 negative", "-2.5", "F0", "-3"},
		{"F3", "0.1", "F3", "0.100"},
		{"F2 rounds to zero", "-0.001", "F2", "0.00"},
		{"P1", "0.256", "P1", "25.6 %"},
		{"C", "23.4", "C", "¤23.40"},
		{"C negative", "-23.4", "C", "(¤23.40)"},
		{"E2", "12345.678", "E2", "1.23E+004"},
		{"e default", "0.000123", "e", "1.230000e-004"},
		{"G keeps a decimal's digits", "23.40", "G", "23.40"},
		{"G4", "123.456", "G4", "123.5"},
		{"G2 exponent", "123456", "G2", "1.2E+05"},
		{"D on an integral decimal", "42", "D5", "00042"},
		{"D on a fraction", "4.2", "D", asWritten},
		{"thousands in input", "1,234.5", "F1", "1234.5"},
		{"trailing sign", "5-", "F0", "-5"},
		{"unknown standard letter", "5", "Z", asWritten},

		// Typed.
		{"Int32 D5", "42", "Int32 D5", "00042"},
		{"Int X", "255", "Int X", "FF"},
		{"Int x4", "255", "int x4", "00ff"},
		{"Int X negative", "-1", "Int X", "FFFFFFFF"},
		{"Int rejects a fraction", "4.5", "Int32 D", asWritten},
		{"Int out of range", "3000000000", "Int N0", asWritten},
		{"Double E", "1234.5", "Double E", "1.234500E+003"},
		{"Double G large", "1e20", "Double G", "1E+20"},
		{"Double G small", "0.0001", "Double G", "0.0001"},
		{"Double G smaller", "0.00001", "Double G", "1E-05"},
		{"Double R", "0.1", "Double R", "0.1"},
		{"Double C", "23.4", "Double C", "¤23.40"},
		{"Double NaN", "NaN", "Double F2", "NaN"},
		{"Decimal rejects exponent", "1e5", "Decimal F0", asWritten},

		// Custom numeric formats.
		{"grouping", "1234.5", `"#,##0.00"`, "1,234.50"},
		{"optional digits", "0.5", `"#.##"`, ".5"},
		{"no fraction shown", "1", `"0.##"`, "1"},
		{"zero with #", "0", `"#"`, ""},
		{"leading zeros", "5", "000", "005"},
		{"more digits than placeholders", "123456", "00", "123456"},
		{"phone", "5551234567", `"(###) ###-####"`, "(555) 123-4567"},
		{"percent", "0.256", `"0.0%"`, "25.6%"},
		{"scaling comma", "1234567", `"#,##0,K"`, "1,235K"},
		{"currency literal", "12.3", `"$#,##0.00"`, "$12.30"},
		{"currency literal negative", "-12.3", `"$#,##0.00"`, "-$12.30"},
		{"negative section", "-5", `"0;(0)"`, "(5)"},
		{"zero section", "0", `"0;(0);zero"`, "zero"},
		{"quoted literal", "5", `"0 'items'"`, "5 items"},
		{"escaped literal", "5", `"\#0"`, "#5"},

		// Dates.
		{"date from a number-less value", "2030/05/22 09:05:00", "yyyy", "2030"},
		{"Date custom", "2030/05/22 09:05:00", `Date "HH dd-MMM-yyy"`, "09 22-May-2030"},
		{"DateTime names", "2030-05-22 09:05", `DateTime "dddd d MMMM yy h:mm tt"`, "Wednesday 22 May 30 9:05 AM"},
		{"DateTime ddd MMM", "2030-05-22", `DateTime "ddd, MMM d"`, "Wed, May 22"},
		{"pm", "2030-05-22 21:05", `Date "hh:mm t"`, "09:05 P"},
		{"offset", "2030-05-22T09:05:00+02:00", `DateTimeOffset "yyyy-MM-ddTHH:mm:sszzz"`, "2030-05-22T09:05:00+02:00"},
		{"o with offset", "2030-05-22T09:05:00+02:00", "DateTimeOffset o", "2030-05-22T09:05:00.0000000+02:00"},
		{"O unspecified", "2030-05-22T09:05:00", "DateTime O", "2030-05-22T09:05:00.0000000"},
		{"O utc", "2030-05-22T09:05:00Z", "DateTime O", "2030-05-22T09:05:00.0000000Z"},
		{"s", "2030-05-22 09:05:07", "Date s", "2030-05-22T09:05:07"},
		{"u converts to UTC", "2030-05-22T09:05:00+02:00", "DateTimeOffset u", "2030-05-22 07:05:00Z"},
		{"R", "2030-05-22T09:05:00+02:00", "DateTimeOffset R", "Wed, 22 May 2030 07:05:00 GMT"},
		{"d", "2030-05-22", "Date d", "05/22/2030"},
		{"D", "2030-05-22", "Date D", "Wednesday, 22 May 2030"},
		{"g", "2030-05-22 09:05", "Date g", "05/22/2030 09:05"},
		{"fractions", "2030-05-22T09:05:03.25Z", `Date "ss.fff"`, "03.250"},
		{"F trims", "2030-05-22T09:05:03.25Z", `Date "ss.FFF"`, "03.25"},
		{"F drops the point", "2030-05-22T09:05:03Z", `Date "ss.FFF"`, "03"},
		{"percent single", "2030-05-22", `Date "%d"`, "22"},
		{"lone H rejected", "2030-05-22", "Date H", asWritten},
		{"escaped and quoted", "2030-05-22", `Date "yyyy\'MM'y'"`, "2030'05y"},
		{"US date", "5/22/2030", "Date yyyy-MM-dd", "2030-05-22"},
		{"not a date", "hello World", "yyyy", asWritten},
		{"unknown type", "5", "Money C", asWritten},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "#{V | Format " + tt.args + "}"
			got, err := Evaluate(src, Vars{"V": tt.value})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == asWritten {
				// Left as Octostache writes it back: each argument quoted.
				want = "#{V | Format \"" + strings.Join(strings.Fields(tt.args), `" "`) + "\"}"
			}
			if got != want {
				t.Errorf("%s with V=%q\n got %q\nwant %q", src, tt.value, got, want)
			}
		})
	}
}
