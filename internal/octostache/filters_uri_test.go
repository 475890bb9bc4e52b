package octostache

import (
	"strconv"
	"strings"
	"testing"
)

// The expectations below are .NET's own, from dotnet/runtime's
// System.Private.Uri tests (UriCreateStringTests.cs), as they run on
// Linux. Those tests create the URIs with UriKind.Absolute.

// absoluteURIs are OriginalString_AbsoluteUri_ToString_TestData.
var absoluteURIs = [][2]string{
	{"http://host", "http://host/"},
	{`http:/\host`, "http://host/"},
	{`http:\/host`, "http://host/"},
	{`http:\\host`, "http://host/"},
	{`http://host/path1\path2`, "http://host/path1/path2"},
	{"http://userinfo@host:90/path?query#fragment", "http://userinfo@host:90/path?query#fragment"},
	{"http://userinfo@host:80/path?query#fragment", "http://userinfo@host/path?query#fragment"},
	{"http://userinfo%%%2F%3F%23%5B%5D%40%3B%26%2B%2C%5C%2g%2G@host", "http://userinfo%25%25%2F%3F%23%5B%5D%40%3B%26%2B%2C%5C%252g%252G@host/"},
	{"http://\u1234\u2345/\u1234\u2345?\u1234\u2345#\u1234\u2345", "http://\u1234\u2345/%E1%88%B4%E2%8D%85?%E1%88%B4%E2%8D%85#%E1%88%B4%E2%8D%85"},
	{"http://192.168.0.1", "http://192.168.0.1/"},
	{"http://[::1]", "http://[::1]/"},
	{`\\unchost`, "file://unchost/"},
	{`\/unchost`, "file://unchost/"},
	{`\\\/\/servername\sharename\path\filename`, "file://servername/sharename/path/filename"},
	{"file://unchost", "file://unchost/"},
	{`file://\/unchost`, "file://unchost/"},
	{`file:///\unchost`, "file://unchost/"},
	{"file:////unchost", "file://unchost/"},
	{"C:/", "file:///C:/"},
	{`C:\`, "file:///C:/"},
	{"C|/", "file:///C:/"},
	{`C|\`, "file:///C:/"},
	{"file:///C:/", "file:///C:/"},
	{"file://C:/", "file:///C:/"},
	{`file:///C:\`, "file:///C:/"},
	{`file://C:\`, "file:///C:/"},
	{"file:///C|/", "file:///C:/"},
	{"file://C|/", "file:///C:/"},
	{`file:///C|\`, "file:///C:/"},
	{`file://C|\`, "file:///C:/"},
	{"/", "file:///"},
	{"/path/filename", "file:///path/filename"},
	{"http://host/path1/../path2", "http://host/path2"},
	{"http://host/../", "http://host/"},
}

func TestURIAbsoluteURI(t *testing.T) {
	for _, c := range absoluteURIs {
		u, ok := parseURIKind(c[0], true)
		if !ok || u == nil {
			t.Errorf("%q: not an absolute URI", c[0])
			continue
		}
		if got := uriParts["absoluteuri"](u); got != c[1] {
			t.Errorf("%q: AbsoluteUri %q, want %q", c[0], got, c[1])
		}
	}
}

// authorities are Scheme_Authority_TestData: scheme, user info, host,
// host name type, port, default port, loopback.
var authorities = []struct {
	in, scheme, user, host, kind string
	port                         int
	defaultPort, loopback        bool
}{
	{"   \t \r   http://host/", "http", "", "host", "Dns", 80, true, false},
	{"http://userinfo@host:90", "http", "userinfo", "host", "Dns", 90, false, false},
	{"http://@host:90", "http", "", "host", "Dns", 90, false, false},
	{"http://@host", "http", "", "host", "Dns", 80, true, false},
	{"http://USERINFO@host", "http", "USERINFO", "host", "Dns", 80, true, false},
	{"http://host?query", "http", "", "host", "Dns", 80, true, false},
	{"http://userinfo@host:90#fragment", "http", "userinfo", "host", "Dns", 90, false, false},
	{"http://user:password@host", "http", "user:password", "host", "Dns", 80, true, false},
	{"http://user:80@host:90", "http", "user:80", "host", "Dns", 90, false, false},
	{"http://host:0", "http", "", "host", "Dns", 0, false, false},
	{"http://host:80", "http", "", "host", "Dns", 80, true, false},
	{"http://host:65535", "http", "", "host", "Dns", 65535, false, false},
	{"http://part1-part2_part3-part4_part5/", "http", "", "part1-part2_part3-part4_part5", "Dns", 80, true, false},
	{"HTTP://USERINFO@HOST", "http", "USERINFO", "host", "Dns", 80, true, false},
	{"http.http2-http3+3http://host/", "http.http2-http3+3http", "", "host", "Dns", -1, true, false},
	{`http:\\host`, "http", "", "host", "Dns", 80, true, false},
	{"https://host/", "https", "", "host", "Dns", 443, true, false},
	{"http://_/", "http", "", "_", "Basic", 80, true, false},
	{"http://-/", "http", "", "-", "Basic", 80, true, false},
	{"http://_abc.efg1-hij2_345/path", "http", "", "_abc.efg1-hij2_345", "Basic", 80, true, false},
	{"http://_abc./path", "http", "", "_abc.", "Basic", 80, true, false},
	{"http://xn--abc", "http", "", "xn--abc", "Dns", 80, true, false},
	{"http://4294967295/", "http", "", "255.255.255.255", "IPv4", 80, true, false},
	{"http://4294967296/", "http", "", "4294967296", "Dns", 80, true, false},
	{"http://192.168.0.1.1/", "http", "", "192.168.0.1.1", "Dns", 80, true, false},
	{"http://192.256.0.1/", "http", "", "192.256.0.1", "Dns", 80, true, false},
	{"http://userinfo@192.168.0.1:90/", "http", "userinfo", "192.168.0.1", "IPv4", 90, false, false},
	{"http://192.16777216", "http", "", "192.16777216", "Dns", 80, true, false},
	{"http://0x1a2B3c", "http", "", "0.26.43.60", "IPv4", 80, true, false},
	{"http://0x1a.0x2B3c", "http", "", "26.0.43.60", "IPv4", 80, true, false},
	{"http://0x1a.0x2B.0x3C4d", "http", "", "26.43.60.77", "IPv4", 80, true, false},
	{"http://0xFF/", "http", "", "0.0.0.255", "IPv4", 80, true, false},
	{"http://0/", "http", "", "0.0.0.0", "IPv4", 80, true, false},
	{"http://0x100000000/", "http", "", "0x100000000", "Dns", 80, true, false},
	{"http://0x/", "http", "", "0x", "Dns", 80, true, false},
	{"http://192.0123.0.10", "http", "", "192.83.0.10", "IPv4", 80, true, false},
	{`\\192.168.0.1`, "file", "", "192.168.0.1", "IPv4", -1, true, false},
	{`file://\\192.168.0.1`, "file", "", "192.168.0.1", "IPv4", -1, true, false},
	{"file://192.168.0.1", "file", "", "192.168.0.1", "IPv4", -1, true, false},
	{"ftp://192.168.0.1", "ftp", "", "192.168.0.1", "IPv4", 21, true, false},
	{"unknown://192.168.0.1", "unknown", "", "192.168.0.1", "IPv4", -1, true, false},
	{"http://[1111:1111:1111:1111:1111:1111:1111:1111]", "http", "", "[1111:1111:1111:1111:1111:1111:1111:1111]", "IPv6", 80, true, false},
	{"http://[2001:0db8:0000:0000:0000:ff00:0042:8329]:90/", "http", "", "[2001:db8::ff00:42:8329]", "IPv6", 90, false, false},
	{"http://[1::]/", "http", "", "[1::]", "IPv6", 80, true, false},
	{"http://[::192.168.0.1]/", "http", "", "[::192.168.0.1]", "IPv6", 80, true, false},
	{"http://[::ffff:0:192.168.0.1]/", "http", "", "[::ffff:0:192.168.0.1]", "IPv6", 80, true, false},
	{"http://[::ffff:1:192.168.0.1]/", "http", "", "[::ffff:1:c0a8:1]", "IPv6", 80, true, false},
	{"http://[fe80::0000:5efe:192.168.0.1]/", "http", "", "[fe80::5efe:192.168.0.1]", "IPv6", 80, true, false},
	{"http://[1111:2222:3333::431]", "http", "", "[1111:2222:3333::431]", "IPv6", 80, true, false},
	{"file:////[2001:0db8:0000:0000:0000:ff00:0042:8329]", "file", "", "[2001:db8::ff00:42:8329]", "IPv6", -1, true, false},
	{"file:///", "file", "", "", "Basic", -1, true, true},
	{`file://\`, "file", "", "", "Basic", -1, true, true},
	{"file://path1/path2", "file", "", "path1", "Dns", -1, true, false},
	{"file://C|/path1/path2", "file", "", "", "Basic", -1, true, true},
	{`file:///C|\path1/path2`, "file", "", "", "Basic", -1, true, true},
	{`C|\path1/path2`, "file", "", "", "Basic", -1, true, true},
	{`\/unchost/path1/path2`, "file", "", "unchost", "Dns", -1, true, false},
	{"file://///", "file", "", "", "Basic", -1, true, true},
	{"file://///#a", "file", "", "", "Basic", -1, true, true},
	{`file://\/unchost/path1/path2`, "file", "", "unchost", "Dns", -1, true, false},
	{`file://\/C:/path1/path2`, "file", "", "", "Basic", -1, true, true},
	{"/path1/path2", "file", "", "", "Basic", -1, true, true},
	{"unknown://h.a./", "unknown", "", "h.a.", "Dns", -1, true, false},
	{"unknown://h.-/", "unknown", "", "h.-", "Basic", -1, true, false},
	{"unknown://h._", "unknown", "", "h._", "Basic", -1, true, false},
	{"unknown://", "unknown", "", "", "Basic", -1, true, true},
	{"unknown://#fragment", "unknown", "", "", "Basic", -1, true, true},
	{"mailto:", "mailto", "", "", "Basic", 25, true, true},
	{"mailto:someone@example.com", "mailto", "someone", "example.com", "Dns", 25, true, false},
	{"mailto://someone@example.com", "mailto", "", "", "Basic", 25, true, true},
	{"mailto:/someone@example.com", "mailto", "", "", "Basic", 25, true, true},
	{"ftp://host?query#fragment", "ftp", "", "host", "Dns", 21, true, false},
	{"telnet://host:80", "telnet", "", "host", "Dns", 80, false, false},
	{"telnet://username:password@host/", "telnet", "username:password", "host", "Dns", 23, true, false},
	{"telnet://loopback/", "telnet", "", "localhost", "Dns", 23, true, true},
	{"urn:namespace:segment1:segment2:segment3", "urn", "", "", "Unknown", -1, true, false},
	{"unknown:", "unknown", "", "", "Unknown", -1, true, false},
	{"unknown://a:80", "unknown", "", "a", "Dns", 80, false, false},
	{"unknown://userinfo@host:80", "unknown", "userinfo", "host", "Dns", 80, false, false},
	{"unknown://./", "unknown", "", ".", "Basic", -1, true, false},
	{"unknown://../", "unknown", "", "..", "Basic", -1, true, false},
	{"unknown://////", "unknown", "", "", "Basic", -1, true, true},
	{"unknown:///C:/", "unknown", "", "", "Basic", -1, true, true},
	{"http://localhost/", "http", "", "localhost", "Dns", 80, true, true},
	{`\\loopback`, "file", "", "localhost", "Dns", -1, true, true},
	{"http://127.0.0.1/", "http", "", "127.0.0.1", "IPv4", 80, true, true},
	{"http://[::1]/", "http", "", "[::1]", "IPv6", 80, true, true},
	{"http://[::127.0.0.1]/", "http", "", "[::127.0.0.1]", "IPv6", 80, true, true},
	{"file://loopback", "file", "", "localhost", "Dns", -1, true, true},
	{"http://abc\u1234\u2345\u3456@host/", "http", "abc%E1%88%B4%E2%8D%85%E3%91%96", "host", "Dns", 80, true, false},
	{"http://userinfo!~+-_*()[]:;&$=123PLACEHOLDER@host/", "http", "userinfo!~+-_*()[]:;&$=123PLACEHOLDER", "host", "Dns", 80, true, false},
	{"http://%68%65%6C%6C%6F@host/", "http", "hello", "host", "Dns", 80, true, false},
	{"http://\u00A3@host/", "http", "%C2%A3", "host", "Dns", 80, true, false},
	{"http://\u043F\u0440\u0438\u0432\u0435\u0442.ascii/", "http", "", "\u043F\u0440\u0438\u0432\u0435\u0442.ascii", "Dns", 80, true, false},
}

func TestURIAuthority(t *testing.T) {
	for _, c := range authorities {
		u, ok := parseURIKind(c.in, true)
		if !ok || u == nil {
			t.Errorf("%q: not an absolute URI", c.in)
			continue
		}
		authority := c.host
		if !c.defaultPort {
			authority += ":" + strconv.Itoa(c.port)
		}
		dnsSafe := c.host
		if c.kind == "IPv6" {
			dnsSafe = strings.Trim(c.host, "[]")
		}
		want := map[string]string{
			"scheme": c.scheme, "userinfo": c.user, "host": c.host, "hostnametype": c.kind,
			"port": strconv.Itoa(c.port), "isdefaultport": strconv.FormatBool(c.defaultPort),
			"isloopback": strconv.FormatBool(c.loopback), "authority": authority, "dnssafehost": dnsSafe,
		}
		checkParts(t, c.in, u, want)
	}
}

func checkParts(t *testing.T, in string, u *dotnetURI, want map[string]string) {
	t.Helper()
	for part, w := range want {
		if got := uriParts[part](u); got != w {
			t.Errorf("%q: %s %q, want %q", in, part, got, w)
		}
	}
}

// paths are Path_Query_Fragment_TestData_Core: absolute path, query,
// fragment.
var paths = [][4]string{
	{"http://host", "/", "", ""},
	{"http://host?query#fragment", "/", "?query", "#fragment"},
	{"http://host/PATH?QUERY#FRAGMENT", "/PATH", "?QUERY", "#FRAGMENT"},
	{"http://host/path1/path2/?#", "/path1/path2/", "?", "#"},
	{"http://host/?query1?query2#fragment1#fragment2?query3", "/", "?query1?query2", "#fragment1#fragment2?query3"},
	{"http://host/?:@?/", "/", "?:@?/", ""},
	{`http://host/path1\path2/path3\path4\`, "/path1/path2/path3/path4/", "", ""},
	{"http://host/path    \t \r \n  \x09 \x0A \x0D", "/path", "", ""},
	{"http://host/path#fragment    \t \r \n  \x09 \x0A \x0D", "/path", "", "#fragment"},
	{"http://192.168.0.1:80/\u1234\u2345/\u4567\u5678?query#fragment", "/%E1%88%B4%E2%8D%85/%E4%95%A7%E5%99%B8", "?query", "#fragment"},
	{"file:///", "/", "", ""},
	{"file://C|/", "C:/", "", ""},
	{`file://C|\path1\path2/path3\path4\`, "C:/path1/path2/path3/path4/", "", ""},
	{"file://path1/path2", "/path2", "", ""},
	{`file:///path1\path2/path3\path4`, `/path1%5Cpath2/path3%5Cpath4`, "", ""},
	{`file:///path1%5Cpath2\path3`, `/path1%5Cpath2%5Cpath3`, "", ""},
	{`file://localhost/path1\path2/path3\path4\`, `/path1%5Cpath2/path3%5Cpath4%5C`, "", ""},
	{`C|\path1\path2/path3\path4\`, "C:/path1/path2/path3/path4/", "", ""},
	{`\\unchost`, "/", "", ""},
	{`\/unchost/path1\path2/path3\path4`, "/path1/path2/path3/path4", "", ""},
	{`\\\/\/servername\sharename\path\filename`, "/sharename/path/filename", "", ""},
	{`file://\\`, "//", "", ""},
	{"file://///", "///", "", ""},
	{`file:///\?query`, "//", "?query", ""},
	{"file://///#fragment", "///", "", "#fragment"},
	{`file://\\unchost/path1/path2?query#fragment`, "/path1/path2", "?query", "#fragment"},
	{`file:///\C:/path1/path2`, "C:/path1/path2", "", ""},
	{"C|/path|path/path2", "C:/path%7Cpath/path2", "", ""},
	{"/path1/path2", "/path1/path2", "", ""},
	{`/path1\path2/path3\path4\`, "/path1%5Cpath2/path3%5Cpath4%5C", "", ""},
	{`file:///\unchost/path1\path2/path3\path4`, `/path1%5Cpath2/path3%5Cpath4`, "", ""},
	{"mailto:someone@example.com?query#fragment", "", "?query", "#fragment"},
	{"mailto://someone@example.com?query#fragment", "//someone@example.com", "?query", "#fragment"},
	{"ftp://host/?query#fragment", "/%3Fquery", "", "#fragment"},
	{"telnet://userinfo@host?query#fragment", "/%3Fquery", "", "#fragment"},
	{`telnet://host/path1\path2/path3\path4\`, "/path1%5Cpath2/path3%5Cpath4%5C", "", ""},
	{"urn:namespace:segment1:segment2:segment3", "namespace:segment1:segment2:segment3", "", ""},
	{"unknown:?query#fragment", "", "?query", "#fragment"},
	{"unknown://../", "/", "", ""},
	{"unknown://////", "////", "", ""},
	{"unknown:///C:/", "C:/", "", ""},
	{`unknown://host/path1\path2/path3\path4\`, "/path1/path2/path3/path4/", "", ""},
	{"http://host/path!~+-_*()[]@:;&$=123PATH", "/path!~+-_*()[]@:;&$=123PATH", "", ""},
	{"http://host/?\u1234abc\u2345\u3456", "/", "?%E1%88%B4abc%E2%8D%85%E3%91%96", ""},
	{"http://host/\x00?\x00#\x00", "/%00", "?%00", "#%00"},
	{"http://host/%68%65%6c%6c%6f", "/hello", "", ""},
	{"http://host/#%68%65%6C%6C%6F", "/", "", "#hello"},
	{"http://host/%3A?%3A#%3A", "/%3A", "?%3A", "#%3A"},
	{"http://host/%2F?%2F#%2F", "/%2F", "?%2F", "#%2F"},
	{"http://host/%5C?%5C#%5C", "/%5C", "?%5C", "#%5C"},
	{"http://host/%?%#%", "/%25", "?%25", "#%25"},
	{"http://host/%3?%3#%3", "/%253", "?%253", "#%253"},
	{"http://host/%g3?%g3#%g3", "/%25g3", "?%25g3", "#%25g3"},
	{"http://host/%2E%2E/%2E%2E", "/", "", ""},
	{"http://host/path1/./path2", "/path1/path2", "", ""},
	{"http://host/..", "/", "", ""},
	{"http://host/.../", "/.../", "", ""},
	{"http://host/x../", "/x../", "", ""},
	{"http://host/..x/", "/..x/", "", ""},
	{"http://host/path//", "/path//", "", ""},
	{"file://C:/abc/def/../ghi", "C:/abc/ghi", "", ""},
}

func TestURIPaths(t *testing.T) {
	for _, c := range paths {
		u, ok := parseURIKind(c[0], true)
		if !ok || u == nil {
			t.Errorf("%q: not an absolute URI", c[0])
			continue
		}
		path, query, fragment := c[1], c[2], c[3]
		// LocalPath as the .NET test derives it.
		local := string(unescapeAll([]rune(path)))
		if u.has(uncPath) {
			local = strings.ReplaceAll(strings.ReplaceAll(`\\`+u.host+path, "/", `\`), "%5C", `\`)
			if path == "/" {
				local = local[:len(local)-1]
			}
		} else if len(path) > 2 && path[1] == ':' && path[2] == '/' {
			local = strings.ReplaceAll(local, "/", `\`)
		}
		checkParts(t, c[0], u, map[string]string{
			"absolutepath": path, "query": query, "fragment": fragment,
			"pathandquery": path + query, "path": local,
		})
	}
}

// The reference's own answers where .NET on Linux reads a path as a
// relative URI, and where TryCreate fails.
func TestURIPartRelativeAndInvalid(t *testing.T) {
	tests := []struct{ value, part, want string }{
		{"/docs", "IsAbsoluteUri", "false"},
		{"//server/share", "IsAbsoluteUri", "false"},
		{`\/unchost`, "IsAbsoluteUri", "false"},
		{"docs/index.html", "Host", "[UriPart Host error: This operation is not supported for a relative URI.]"},
		{"", "IsAbsoluteUri", "false"},
		{"http:foo", "IsAbsoluteUri", "false"},
		{"http://", "Host", "http://"},
		{"http://host:99999/", "Port", "http://host:99999/"},
		{"http://ho st/", "Host", "http://ho st/"},
		{"C:x", "Host", "C:x"},
		{`\\server\share\x`, "IsUnc", "true"},
		{`\\server\share\x`, "Path", `\\server\share\x`},
		{"C:\\Program Files\\x", "AbsoluteUri", "file:///C:/Program%20Files/x"},
		{"C:\\Program Files\\x", "Path", `C:\Program Files\x`},
		{"https://octopus.com:443/a%20b/../c?q=1", "AbsoluteUri", "https://octopus.com/c?q=1"},
		{"https://octopus.com/a%20b", "Path", "/a b"},
		{"HTTPS://User@Octopus.COM:8443", "SchemeAndServer", "https://octopus.com:8443"},
		{"https://octopus.com", "HostAndPort", "octopus.com:443"},
		{"ftp://h", "bar", "[UriPart bar error: argument 'bar' not supported]"},
		{"/docs", "bar", "[UriPart bar error: argument 'bar' not supported]"},
	}
	for _, tt := range tests {
		got, ok := uriPart(nil, tt.value, true, []string{tt.part})
		if !ok || got != tt.want {
			t.Errorf("%q | UriPart %s = %q, want %q", tt.value, tt.part, got, tt.want)
		}
	}
}
