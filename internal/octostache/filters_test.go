package octostache

import (
	"testing"
	"time"
)

// fixedClock is 2030-05-22 09:05:03.25 at UTC+02:00.
func fixedClock() time.Time {
	return time.Date(2030, 5, 22, 9, 5, 3, 250_000_000, time.FixedZone("CEST", 2*3600))
}

func TestFilters(t *testing.T) {
	tests := []struct {
		name, value, src, want string
	}{
		{"ToLower", "MiXeD", "#{V | ToLower}", "mixed"},
		{"ToUpper", "straße", "#{V | ToUpper}", "STRAßE"}, // simple case mapping, as .NET
		{"ToUpper with arg", "x", "#{V | ToUpper 1}", "#{V | ToUpper \"1\"}"},
		{"ToBase64", "Foo Bar", "#{V | ToBase64}", "Rm9vIEJhcg=="},
		{"ToBase64 unicode", "hi", "#{V | ToBase64 Unicode}", "aABpAA=="},
		{"ToBase64 bad encoding", "hi", "#{V | ToBase64 latin1}", "#{V | ToBase64 \"latin1\"}"},
		{"FromBase64", "Rm9vIEJhcg==", "#{V | FromBase64}", "Foo Bar"},
		{"FromBase64 unicode", "aABpAA==", "#{V | FromBase64 unicode}", "hi"},
		{"FromBase64 invalid", "not base64!", "#{V | FromBase64}", "#{V | FromBase64}"},
		{"HtmlEscape", `<a href="/x">'&'</a>`, "#{V | HtmlEscape}", "&lt;a href=&quot;&#x2F;x&quot;&gt;&apos;&amp;&apos;&lt;&#x2F;a&gt;"},
		{"XmlEscape", `A&'bc<"/">`, "#{V | XmlEscape}", "A&amp;&apos;bc&lt;&quot;/&quot;&gt;"},
		{"JsonEscape", "a\"b\\c\nd\re\tf\x01", "#{V | JsonEscape}", `a\"b\\c\nd\re\tf\u0001`},
		{"YamlSingleQuoteEscape", "it's\nnext\n\nlast", "#{V | YamlSingleQuoteEscape}", "it''s\n\nnext\n\n\nlast"},
		{"YamlSingleQuoteEscape crlf", "a\r\nb", "#{V | YamlSingleQuoteEscape}", "a\r\n\r\nb"},
		{"YamlDoubleQuoteEscape", "say \"hi\"\\\n\tcafé 😀", "#{V | YamlDoubleQuoteEscape}", `say \"hi\"\\\n\tcaf\u00e9 \ud83d\ude00`},
		{"PropertiesKeyEscape", "a key:=x\\", "#{V | PropertiesKeyEscape}", `a\ key\:\=x\\`},
		{"PropertiesValueEscape", " lead and ☃\n", "#{V | PropertiesValueEscape}", `\ lead and \u2603\n`},
		{"UriEscape", "http://h/a b?q=ä&x=%", "#{V | UriEscape}", "http://h/a%20b?q=%C3%A4&x=%25"},
		{"UriDataEscape", "a b/c?d=ä", "#{V | UriDataEscape}", "a%20b%2Fc%3Fd%3D%C3%A4"},

		{"Replace literal", "abc", "#{V | Replace abc def}", "def"},
		{"Replace with nothing", "abc", "#{V | Replace a}", "bc"},
		{"Replace without args", "abc", "#{V | Replace}", "#{V | Replace}"},
		{"Replace is case-sensitive", "ABC", "#{V | Replace abc def}", "ABC"},
		{"Replace quoted spaces", "ab c", `#{V | Replace "ab c" "d ef"}`, "d ef"},
		{"Replace regex range", "a'b", `#{V | Replace "[a-z]+" 1}`, "1'1"},
		{"Replace escaped special", "a(b", `#{V | Replace "a\(b" "d(e"}`, "d(e"},
		{"Replace groups", "opuocts", `#{V | Replace "o(.+)o([a-z]*)s" "o$2o$1s"}`, "octopus"},
		{"Replace all", "ababa", `#{V | Replace "a" x}`, "xbxbx"},
		{"Replace anchored", "ababa", `#{V | Replace "^a" x}`, "xbaba"},
		{"Replace named group and specials", "k=v", `#{V | Replace "(?P<key>\w+)=(\w+)" "${key}:$2 $$ [$&]"}`, "k:v $ [k=v]"},
		{"Replace invalid regex", "abc", `#{V | Replace "(" x}`, `#{V | Replace "(" "x"}`},
		{"Replace dollar digits beyond groups", "ab", `#{V | Replace "(a)" "$10"}`, "a0b"},
		{"Match", "release-1.2", `#{V | Match "^release-\d"}`, "true"},
		{"Match no", "main", `#{V | Match "^release-"}`, "false"},
		{"StartsWith", "production", "#{V | StartsWith prod}", "true"},
		{"EndsWith", "production", "#{V | EndsWith prod}", "false"},
		{"Contains", "production", "#{V | Contains duct}", "true"},
		{"Contains without arg", "production", "#{V | Contains}", "#{V | Contains}"},

		{"Trim", "  x y  ", "[#{V | Trim}]", "[x y]"},
		{"Trim start", "  x  ", "[#{V | Trim start}]", "[x  ]"},
		{"Trim end", "  x  ", "[#{V | Trim End}]", "[  x]"},
		{"Trim bad option", "  x  ", "[#{V | Trim middle}]", "[#{V | Trim \"middle\"}]"},
		{"Truncate", "abcdefgh", "#{V | Truncate 5}", "abcde..."},
		{"Truncate short", "abc", "#{V | Truncate 5}", "abc"},
		{"Truncate unicode", "ééééé", "#{V | Truncate 2}", "éé..."},
		{"Truncate negative", "abc", "#{V | Truncate -1}", "#{V | Truncate \"-1\"}"},
		{"Substring length", "abcdef", "#{V | Substring 3}", "abc"},
		{"Substring start length", "abcdef", "#{V | Substring 2 3}", "cde"},
		{"Substring unicode", "☃☄☂☁", "#{V | Substring 1 2}", "☄☂"},
		{"Substring length past the end", "abc", "#{V | Substring 2 3}", "c"},
		{"Substring start past the end", "abc", "#{V | Substring 4 1}", "#{V | Substring \"4\" \"1\"}"},
		{"Substring not a number", "abc", "#{V | Substring x}", "#{V | Substring \"x\"}"},
		{"Indent", "a\nb", "#{V | Indent}", "    a\n    b"},
		{"Indent size", "a\nb", "#{V | Indent 2}", "  a\n  b"},
		{"Indent initial/subsequent", "a\nb", "#{V | Indent 1/3}", " a\n   b"},
		{"Indent subsequent only", "a\nb", "#{V | Indent /2}", "a\n  b"},
		{"Indent text", "a\nb", `#{V | Indent "# "}`, "# a\n# b"},
		{"Indent two texts", "a\nb", `#{V | Indent ">" "|"}`, ">a\n|b"},
		{"Append", "a", `#{V | Append "b" c}`, "abc"},
		{"Prepend", "c", "#{V | Prepend a b}", "abc"},
		{"Append to unknown", "", "#{Missing | Append x}", "x"},
		{"MD5", "abc", "#{V | MD5}", "900150983cd24fb0d6963f7d28e17f72"},
		{"SHA1", "abc", "#{V | SHA1}", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"SHA256", "abc", "#{V | SHA256}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"SHA256 size", "abc", "#{V | SHA256 4}", "ba7816bf"},
		{"SHA256 base64 input", "YWJj", "#{V | sha256 base64 4}", "ba7816bf"},
		{"SHA384", "abc", "#{V | SHA384 2}", "cb00"},
		{"SHA512", "abc", "#{V | SHA512 2 utf8}", "ddaf"},
		{"SHA512 bad option", "abc", "#{V | SHA512 latin1}", "#{V | SHA512 \"latin1\"}"},

		{"NowDate", "", "#{ | NowDate}", "2030-05-22T09:05:03.2500000"},
		{"NowDate format", "", `#{ | NowDate "yyyy-MM-dd HH:mm zzz"}`, "2030-05-22 09:05 +02:00"},
		{"NowDateUtc", "", "#{ | NowDateUtc}", "2030-05-22T07:05:03.2500000Z"},
		{"NowDateUtc format", "", "#{ | NowDateUtc HH:mm}", "07:05"},
		{"NowDate chained", "", "#{ | NowDate | Format Date MMM}", "May"},
		{"NowDate on unknown", "", "#{Missing | NowDate yyyy}", "2030"},
		{"NowDate on a value", "x", "#{V | NowDate}", "#{V | NowDate}"},
		{"NowDateUtc offset", "", "#{ | NowDateUtc | Format DateTimeOffset zz}", "+00"},

		{"chain order", "Abc", "#{V|ToUpper|ToLower}", "abc"},
		{"unknown filter mid-chain", "Abc", "#{V | Nope | ToUpper}", "#{V | Nope | ToUpper}"},
		{"arg holding a variable", "2030/05/22 09:05:00", "#{V | Format Date #{Fmt}}", "09 22-May-2030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Evaluate(Vars{"V": tt.value, "Fmt": "HH dd-MMM-yyyy"}, &Options{Now: fixedClock})
			if err != nil {
				t.Fatalf("%q: %v", tt.src, err)
			}
			if got != tt.want {
				t.Errorf("%q with V=%q\n got %q\nwant %q", tt.src, tt.value, got, tt.want)
			}
		})
	}
}

func TestNowDateReadsClockOnce(t *testing.T) {
	calls := 0
	clock := func() time.Time { calls++; return fixedClock().Add(time.Duration(calls) * time.Hour) }
	tmpl, _ := Parse("#{ | NowDate HH} #{ | NowDateUtc HH}")
	got, err := tmpl.Evaluate(nil, &Options{Now: clock})
	if err != nil || got != "10 08" || calls != 1 {
		t.Errorf("got %q, %v after %d calls", got, err, calls)
	}
}
