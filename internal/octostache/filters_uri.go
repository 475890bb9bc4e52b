package octostache

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// UriPart reads its input as .NET's Uri.TryCreate(input, RelativeOrAbsolute)
// does and answers one of its properties. What a URL means (its host, its
// default port, its path once "." and ".." are resolved) is .NET's answer,
// so this is a port of System.Uri's parsing for the built-in schemes, on
// Linux (where /path is a relative URI and file:///path a Unix path).

// uriPart is UriPart part. Octostache writes its errors as the output.
func uriPart(_ *evaluator, in string, ok bool, args []string) (string, bool) {
	if !ok {
		return "", false
	}
	if len(args) == 0 {
		return "[UriPart error: no argument given]", true
	}
	u, valid := parseDotnetURI(in)
	if !valid {
		return in, true
	}
	part := args[0]
	get, known := uriParts[strings.ToLower(part)]
	if !known {
		return "[UriPart " + part + " error: argument '" + part + "' not supported]", true
	}
	if u == nil && strings.ToLower(part) != "isabsoluteuri" {
		return "[UriPart " + part + " error: This operation is not supported for a relative URI.]", true
	}
	return get(u), true
}

// uriParts are the properties UriPart answers, by lower-case name; u is
// nil for a relative URI.
var uriParts = map[string]func(u *dotnetURI) string{
	"absolutepath":    (*dotnetURI).absolutePath,
	"absoluteuri":     func(u *dotnetURI) string { return u.components(compAbsoluteURI, uriEscaped) },
	"authority":       func(u *dotnetURI) string { return u.components(compHost|compPort, uriEscaped) },
	"dnssafehost":     (*dotnetURI).dnsSafeHost,
	"fragment":        func(u *dotnetURI) string { return u.components(compFragment|compKeepDelimiter, uriEscaped) },
	"host":            func(u *dotnetURI) string { return u.components(compHost, uriEscaped) },
	"hostandport":     func(u *dotnetURI) string { return u.components(compHost|compStrongPort, uriUnescaped) },
	"hostnametype":    (*dotnetURI).hostNameType,
	"isabsoluteuri":   func(u *dotnetURI) string { return strconv.FormatBool(u != nil) },
	"isdefaultport":   func(u *dotnetURI) string { return strconv.FormatBool(!u.has(notDefaultPort)) },
	"isfile":          func(u *dotnetURI) string { return strconv.FormatBool(u.syn.name == "file") },
	"isloopback":      func(u *dotnetURI) string { return strconv.FormatBool(u.has(loopbackHost)) },
	"isunc":           func(u *dotnetURI) string { return strconv.FormatBool(u.has(uncPath)) },
	"path":            (*dotnetURI).localPath,
	"pathandquery":    (*dotnetURI).pathAndQuery,
	"port":            func(u *dotnetURI) string { return strconv.Itoa(u.portNumber()) },
	"query":           func(u *dotnetURI) string { return u.components(compQuery|compKeepDelimiter, uriEscaped) },
	"scheme":          func(u *dotnetURI) string { return u.syn.name },
	"schemeandserver": func(u *dotnetURI) string { return u.components(compScheme|compHost|compPort, uriUnescaped) },
	"userinfo":        func(u *dotnetURI) string { return u.components(compUserInfo, uriEscaped) },
}

// syntaxFlags are what a scheme allows (.NET's UriSyntaxFlags, less those
// every built-in scheme has: IDN and IRI parsing).
type syntaxFlags uint32

const (
	mustHaveAuthority syntaxFlags = 1 << iota
	optionalAuthority
	mayHaveUserInfo
	mayHavePort
	mayHaveQuery
	mayHaveFragment
	allowEmptyHost
	allowUncHost
	allowDNSHost
	allowIPv4Host
	allowIPv6Host
	fileLikeURI
	mailToLikeURI
	v1UnknownURI
	allowDOSPath
	pathIsRooted
	convertPathSlashes
	compressPath
	canonicalizeAsFilePath
	unescapeDotsAndSlashes

	allowInternetHost = allowDNSHost | allowIPv4Host | allowIPv6Host
)

type uriSyntax struct {
	name  string
	port  int // -1: none
	flags syntaxFlags
}

func (s *uriSyntax) allows(f syntaxFlags) bool { return s.flags&f != 0 }

const (
	httpFlags = mustHaveAuthority | mayHaveUserInfo | mayHavePort | mayHaveQuery | mayHaveFragment |
		allowUncHost | allowInternetHost | pathIsRooted | convertPathSlashes | compressPath | canonicalizeAsFilePath
	fileFlags = mustHaveAuthority | allowEmptyHost | allowUncHost | allowInternetHost | mayHaveFragment |
		mayHaveQuery | fileLikeURI | pathIsRooted | allowDOSPath | convertPathSlashes | compressPath |
		canonicalizeAsFilePath | unescapeDotsAndSlashes
	plainAuthorityFlags = mustHaveAuthority | mayHaveUserInfo | mayHavePort | mayHaveFragment | allowUncHost |
		allowInternetHost | pathIsRooted
	netPipeFlags = mustHaveAuthority | mayHaveQuery | mayHaveFragment | allowInternetHost | pathIsRooted |
		convertPathSlashes | compressPath | canonicalizeAsFilePath | unescapeDotsAndSlashes
	unknownFlags = v1UnknownURI | optionalAuthority | mayHaveUserInfo | mayHavePort | mayHaveQuery |
		mayHaveFragment | allowEmptyHost | allowUncHost | allowInternetHost | pathIsRooted | allowDOSPath |
		convertPathSlashes | compressPath
)

// builtinSchemes are .NET's registered schemes; any other valid scheme
// gets the lenient syntax of an unknown one.
var builtinSchemes = map[string]*uriSyntax{
	"http":     {"http", 80, httpFlags},
	"https":    {"https", 443, httpFlags},
	"ws":       {"ws", 80, httpFlags},
	"wss":      {"wss", 443, httpFlags},
	"ftp":      {"ftp", 21, httpFlags &^ mayHaveQuery},
	"file":     fileSyntax,
	"gopher":   {"gopher", 70, plainAuthorityFlags},
	"nntp":     {"nntp", 119, plainAuthorityFlags},
	"telnet":   {"telnet", 23, plainAuthorityFlags},
	"news":     {"news", -1, mayHaveFragment},
	"uuid":     {"uuid", -1, mayHaveFragment},
	"mailto":   {"mailto", 25, allowEmptyHost | allowUncHost | allowInternetHost | mayHaveUserInfo | mayHavePort | mayHaveFragment | mayHaveQuery | mailToLikeURI},
	"ldap":     {"ldap", 389, plainAuthorityFlags | allowEmptyHost | mayHaveQuery},
	"net.tcp":  {"net.tcp", 808, netPipeFlags | mayHavePort},
	"net.pipe": {"net.pipe", -1, netPipeFlags},
	"vsmacros": {"vsmacros", -1, fileFlags &^ (mayHaveQuery | pathIsRooted)},
}

var (
	fileSyntax = &uriSyntax{"file", -1, fileFlags}
	// unixFileSyntax is file: for a Unix path, whose backslashes are
	// characters, not separators.
	unixFileSyntax = &uriSyntax{"file", -1, fileFlags &^ convertPathSlashes}
)

// parsingError is .NET's ParsingError; up to errEmptyURI the string may
// still be a relative URI, after it there is no URI at all.
type parsingError int

const (
	errNone parsingError = iota
	errBadFormat
	errBadScheme
	errBadAuthority
	errEmptyURI
	errSchemeLimit
	errMustRootedPath
	errBadHostName
	errBadPort
	errBadAuthorityTerminator
)

const lastRelativeOK = errEmptyURI

// uriFlags are the facts .NET's Uri records while parsing. The low bits
// line up with the uriComponents they concern.
type uriFlags uint64

const (
	schemeNotCanonical uriFlags = 1 << iota
	userNotCanonical
	hostNotCanonical
	portNotCanonical
	pathNotCanonical
	queryNotCanonical
	fragmentNotCanonical
	eUserNotCanonical // E_: the part needs escaping to be a canonical URI
	eHostNotCanonical
	ePortNotCanonical
	ePathNotCanonical
	eQueryNotCanonical
	eFragmentNotCanonical
	shouldBeCompressed
	firstSlashAbsent
	backslashInPath
	authorityFound
	hasUserInfo
	loopbackHost
	notDefaultPort
	dosPath
	uncPath
	implicitFile
	hasUnicode
	unixPath

	cannotDisplayCanonical = schemeNotCanonical | userNotCanonical | hostNotCanonical | portNotCanonical |
		pathNotCanonical | queryNotCanonical | fragmentNotCanonical
	eCannotDisplayCanonical = eUserNotCanonical | eHostNotCanonical | ePortNotCanonical | ePathNotCanonical |
		eQueryNotCanonical | eFragmentNotCanonical
)

type hostKind int

const (
	hostNotParsed hostKind = iota
	hostIPv6
	hostIPv4
	hostDNS
	hostUNC
	hostBasic
	hostUnknown
)

// dotnetURI is a parsed absolute URI: the string .NET works on (rewritten
// when it holds non-ASCII or escaped unreserved characters) and offsets of
// its parts in it.
type dotnetURI struct {
	syn      *uriSyntax
	str      []rune
	flags    uriFlags
	hostType hostKind
	hostEnd  int // in the original string, until the URI info is made
	port     int
	// Where checkAuthority found the user info and the host, in the
	// original string: a string .NET rewrites is rebuilt from them.
	authStart, hostStart int

	schemeOff, userOff, hostOff, pathOff, queryOff, fragmentOff, end int

	host    string
	scopeID string
}

func (u *dotnetURI) has(f uriFlags) bool { return u.flags&f != 0 }

// parseDotnetURI is Uri.TryCreate(s, UriKind.RelativeOrAbsolute): ok false
// when it fails, u nil for a relative URI.
func parseDotnetURI(s string) (u *dotnetURI, ok bool) {
	return parseURIKind(s, false)
}

// parseURIKind is Uri.TryCreate with UriKind.Absolute when absolute is
// set (no relative URIs), else with RelativeOrAbsolute.
func parseURIKind(s string, absolute bool) (u *dotnetURI, ok bool) {
	relativeOK := func(err parsingError) bool { return !absolute && err <= lastRelativeOK }
	u = &dotnetURI{str: []rune(s)}
	idx, err := u.parseScheme()
	if err != errNone {
		return nil, relativeOK(err)
	}
	if !absolute && u.has(implicitFile) && !u.has(dosPath) &&
		((len(u.str) >= 2 && (u.str[0] != '\\' || u.str[1] != '\\')) || u.has(unixPath)) {
		// A relative URI wins over an implicit UNC path written with
		// slashes, and over a Unix path.
		return nil, true
	}
	if hasUnicodeOrEscapedUnreserved(u.str) {
		u.flags |= hasUnicode
	}
	original := u.str
	if err := u.parseMinimal(idx); err != errNone {
		return nil, relativeOK(err)
	}
	u.createInfo(original)
	u.parseRemaining()
	u.createHost()
	return u, true
}

// isLWS is .NET's UriHelper.IsLWS: the white space a URI may have around it.
func isLWS(r rune) bool { return r == ' ' || r == '\n' || r == '\r' || r == '\t' }

func isSlash(r rune) bool { return r == '/' || r == '\\' }

func isASCIILetterRune(r rune) bool { return r < utf8.RuneSelf && isASCIILetter(byte(r)) }

func isASCIIDigitRune(r rune) bool { return r >= '0' && r <= '9' }

// parseScheme is ParseSchemeCheckImplicitFile: the scheme, or a DOS, UNC
// or Unix path standing for a file: URI. It returns where the rest starts.
func (u *dotnetURI) parseScheme() (int, parsingError) {
	s := u.str
	if len(s) == 0 {
		return 0, errEmptyURI
	}
	i := 0
	for i < len(s) && isLWS(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '/' && (i+1 >= len(s) || !isSlash(s[i+1])) {
		u.flags |= unixPath | implicitFile | authorityFound
		u.syn = unixFileSyntax
		return i, errNone
	}
	colon := indexRune(s[i:], ':')
	if i+2 >= len(s) || colon == 0 {
		return 0, errBadFormat
	}
	if s[i+1] == ':' || s[i+1] == '|' {
		if !isASCIILetterRune(s[i]) {
			if s[i+1] == ':' {
				return 0, errBadScheme
			}
			return 0, errBadFormat
		}
		if !isSlash(s[i+2]) {
			return 0, errMustRootedPath
		}
		u.flags |= dosPath | implicitFile | authorityFound
		u.syn = fileSyntax
		return i, errNone
	}
	if isSlash(s[i]) {
		if !isSlash(s[i+1]) {
			return 0, errBadFormat
		}
		u.flags |= uncPath | implicitFile | authorityFound
		u.syn = fileSyntax
		for i += 2; i < len(s) && isSlash(s[i]); i++ {
		}
		return i, errNone
	}
	if colon < 0 {
		return 0, errBadFormat
	}
	syn, err := schemeSyntax(s[i : i+colon])
	if err != errNone {
		return 0, err
	}
	u.syn = syn
	return i + colon + 1, errNone
}

func indexRune(s []rune, r rune) int {
	for i, c := range s {
		if c == r {
			return i
		}
	}
	return -1
}

// schemeSyntax is CheckSchemeSyntax: scheme = alpha *(alpha | digit | "+"
// | "-" | "."), at most 1024 characters.
func schemeSyntax(scheme []rune) (*uriSyntax, parsingError) {
	if len(scheme) == 0 || !isASCIILetterRune(scheme[0]) {
		return nil, errBadScheme
	}
	for _, c := range scheme {
		if !isASCIILetterRune(c) && !isASCIIDigitRune(c) && c != '+' && c != '-' && c != '.' {
			return nil, errBadScheme
		}
	}
	if len(scheme) > 1024 {
		return nil, errSchemeLimit
	}
	name := strings.ToLower(string(scheme))
	if syn, ok := builtinSchemes[name]; ok {
		return syn, errNone
	}
	return &uriSyntax{name, -1, unknownFlags}, errNone
}

// hasUnicodeOrEscapedUnreserved is CheckForUnicodeOrEscapedUnreserved:
// whether .NET rewrites the string by IRI rules. A "%" followed by two
// characters that are not hex digits counts, as in .NET.
func hasUnicodeOrEscapedUnreserved(s []rune) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x7F {
			return true
		}
		if c == '%' && i+2 < len(s) {
			v, ok := hexPair(s[i+1], s[i+2])
			if !ok || v >= 0x80 || isUnreserved(v) {
				return true
			}
			i += 2
		}
	}
	return false
}

func hexPair(a, b rune) (byte, bool) {
	h, ok1 := hexValue(a)
	l, ok2 := hexValue(b)
	return h<<4 | l, ok1 && ok2
}

func hexValue(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r - '0'), true
	case r >= 'a' && r <= 'f':
		return byte(r-'a') + 10, true
	case r >= 'A' && r <= 'F':
		return byte(r-'A') + 10, true
	}
	return 0, false
}

// parseMinimal is PrivateParseMinimal: what follows the scheme, up to the
// end of the host, and whether the URI is valid at all.
func (u *dotnetURI) parseMinimal(idx int) parsingError {
	str := u.str
	for len(str) > 0 && isLWS(str[len(str)-1]) {
		str = str[:len(str)-1]
	}
	syn := u.syn
	if u.has(unixPath) {
		u.hostType = hostBasic // an implicit Unix path: file:// and no host
		u.hostEnd = idx
		return errNone
	}
	// .NET looks for a DOS path after any scheme that allows one: it
	// reads http://c:/ as a path, not as host c.
	if syn.allows(allowEmptyHost) && syn.allows(allowDOSPath) && !u.has(implicitFile) && idx+1 < len(str) {
		i := idx
		for i < len(str) && isSlash(str[i]) {
			i++
		}
		if syn.allows(fileLikeURI) || i-idx <= 3 {
			if i-idx >= 2 {
				u.flags |= authorityFound
			}
			switch {
			case i+1 < len(str) && (str[i+1] == ':' || str[i+1] == '|') && isASCIILetterRune(str[i]):
				if i+2 >= len(str) || !isSlash(str[i+2]) {
					if syn.allows(fileLikeURI) {
						return errMustRootedPath
					}
					break
				}
				u.flags |= dosPath
				if syn.allows(mustHaveAuthority) {
					u.flags |= authorityFound
				}
				if i != idx && i-idx != 2 {
					idx = i - 1 // the path keeps one slash before the drive
				} else {
					idx = i
				}
			case syn.allows(fileLikeURI) && i-idx >= 2 && i-idx != 3 && i < len(str) && str[i] != '?' && str[i] != '#':
				u.flags |= uncPath
				idx = i
			case syn.allows(fileLikeURI) && str[i-1] == '/' && i-idx == 3:
				u.syn = unixFileSyntax
				u.flags |= unixPath | authorityFound
				idx += 2
			}
		}
	}
	if !u.has(uncPath | dosPath | unixPath) {
		switch {
		case idx+1 < len(str) && syn.allows(mustHaveAuthority):
			if !isSlash(str[idx]) || !isSlash(str[idx+1]) {
				return errBadAuthority
			}
			u.flags |= authorityFound
			idx += 2
		case idx+1 < len(str) && syn.allows(optionalAuthority) && (u.has(authorityFound) || (str[idx] == '/' && str[idx+1] == '/')):
			u.flags |= authorityFound
			idx += 2
		case idx+1 >= len(str) && syn.allows(mustHaveAuthority):
			return errBadAuthority
		case !syn.allows(mailToLikeURI):
			// No authority: the path starts right after the scheme.
			u.hostType = hostUnknown
			u.hostEnd = idx
			return errNone
		}
	}
	if u.has(dosPath) {
		u.hostType = hostUnknown
		if u.has(authorityFound) {
			u.hostType = hostBasic
		}
		u.hostEnd = idx
		return errNone
	}
	end, err := u.checkAuthority(str, idx)
	if err != errNone {
		return err
	}
	if end < len(str) {
		if str[end] == '\\' && !u.has(implicitFile) && !u.syn.allows(allowDOSPath) {
			return errBadAuthorityTerminator
		}
		if str[end] == '/' && !u.has(implicitFile) && u.has(uncPath) && u.syn == fileSyntax {
			u.syn = unixFileSyntax
		}
	}
	u.hostEnd = end
	return errNone
}

// checkAuthority is CheckAuthorityHelper: user info, host and port from
// start; it returns where the host ends.
func (u *dotnetURI) checkAuthority(str []rune, start int) (int, parsingError) {
	syn := u.syn
	if start >= len(str) || str[start] == '/' || (str[start] == '\\' && syn.allows(fileLikeURI)) || str[start] == '#' || str[start] == '?' {
		if !syn.allows(allowEmptyHost) {
			return start, errBadHostName
		}
		u.flags &^= uncPath // a UNC path has a host
		if u.has(implicitFile) {
			return start, errBadHostName
		}
		u.hostType = hostBasic
		return start, errNone
	}
	i := start
	u.authStart = start
	if syn.allows(mayHaveUserInfo) {
		for ; i < len(str); i++ {
			ch := str[i]
			if i+1 >= len(str) || ch == '?' || ch == '#' || ch == '\\' || ch == '/' {
				i = start
				break
			}
			if ch == '@' {
				u.flags |= hasUserInfo
				i++
				break
			}
		}
	}
	u.hostStart = i
	notImplicit := !u.has(implicitFile)
	ch := str[i]
	hostLen := 0
	switch n := 0; {
	case ch == '[' && syn.allows(allowIPv6Host) && ipv6Literal(str[i:], &n):
		hostLen = n
		if d := i + n; d < len(str) && !isSlash(str[d]) && (!notImplicit || (str[d] != ':' && str[d] != '?' && str[d] != '#')) {
			return i, errBadHostName // [::]extra
		}
		u.hostType = hostIPv6
	case isASCIIDigitRune(ch) && syn.allows(allowIPv4Host) && ipv4Valid(str[i:], notImplicit, syn.allows(v1UnknownURI), &n):
		hostLen = n
		u.hostType = hostIPv4
	case syn.allows(allowDNSHost) && dnsNameValid(str[i:], notImplicit, &n):
		hostLen = n
		u.hostType = hostDNS
	case syn.allows(allowUncHost) && uncNameValid(str[i:], notImplicit, &n) && n <= 256:
		hostLen = n
		u.hostType = hostUNC
	}
	end := i + hostLen
	if end < len(str) && str[end] == '\\' && u.hostType != hostNotParsed && !syn.allows(fileLikeURI) {
		if syn.allows(v1UnknownURI) {
			return end, errBadHostName
		}
		u.hostType = hostNotParsed
	} else if end < len(str) && str[end] == ':' {
		if !syn.allows(mayHavePort) {
			u.hostType = hostNotParsed
		} else if at, ok := checkPort(str, end+1); !ok {
			return at, errBadPort
		}
	}
	if u.hostType == hostNotParsed {
		u.flags &^= hasUserInfo
		if syn.allows(v1UnknownURI) {
			// An unknown scheme may have "." or ".." as its host.
			dot := false
			for end = i; end < len(str); end++ {
				if dot && (str[end] == '/' || str[end] == '?' || str[end] == '#') {
					break
				}
				if end >= i+2 || str[end] != '.' {
					return i, errBadHostName
				}
				dot = true
			}
			u.hostType = hostBasic
		} else if syn.allows(mustHaveAuthority | mailToLikeURI) {
			return i, errBadHostName
		}
	}
	return end, errNone
}

// checkPort validates the digits of a port from i: at most 65535, ended
// by the end, "/", "?" or "#".
func checkPort(str []rune, i int) (int, bool) {
	port := 0
	for ; i < len(str); i++ {
		c := str[i]
		if isASCIIDigitRune(c) {
			if port = port*10 + int(c-'0'); port > 0xFFFF {
				return i, false
			}
			continue
		}
		if c == '/' || c == '?' || c == '#' {
			break
		}
		return i, false
	}
	return i, true
}

// ipv6Literal is IPv6AddressHelper.IsValid on "[...]": an address, with
// an optional %scope and /prefix, closed by "]". n is its length.
func ipv6Literal(s []rune, n *int) bool {
	closing := indexRune(s, ']')
	if len(s) < 2 || s[0] != '[' || closing < 0 {
		return false
	}
	addr := string(s[1:closing])
	if p := strings.IndexByte(addr, '/'); p >= 0 {
		prefix := addr[p+1:]
		if len(prefix) < 1 || len(prefix) > 2 || !isAllDigits(prefix) {
			return false
		}
		addr = addr[:p]
	}
	if p := strings.IndexByte(addr, '%'); p >= 0 {
		addr = addr[:p]
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() || ip.Zone() != "" {
		return false
	}
	*n = closing + 1
	return true
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ipv4Terminates tells whether c ends an IPv4 host.
func ipv4Terminates(c rune, notImplicit bool) bool {
	return isSlash(c) || (notImplicit && (c == ':' || c == '?' || c == '#'))
}

// ipv4Valid is IPv4AddressHelper.IsValid: the four dotted decimals for an
// unknown scheme, any form inet_aton takes (0x7f.1, 2130706433) for a
// known one.
func ipv4Valid(s []rune, notImplicit, unknownScheme bool, n *int) bool {
	if unknownScheme {
		return ipv4Canonical(s, notImplicit, n)
	}
	_, ok := ipv4NonCanonical(s, notImplicit, n)
	return ok
}

func ipv4Canonical(s []rune, notImplicit bool, n *int) bool {
	dots, number, haveNumber, leadingZero := 0, 0, false, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if ipv4Terminates(c, notImplicit) {
			break
		}
		switch {
		case isASCIIDigitRune(c):
			if !haveNumber && c == '0' {
				if i+1 < len(s) && s[i+1] == '0' {
					return false
				}
				leadingZero = true
			}
			haveNumber = true
			if number = number*10 + int(c-'0'); number > 255 {
				return false
			}
		case c == '.':
			if !haveNumber || (number > 0 && leadingZero) {
				return false
			}
			dots++
			haveNumber, number, leadingZero = false, 0, false
		default:
			return false
		}
	}
	if dots != 3 || !haveNumber {
		return false
	}
	*n = i
	return true
}

// ipv4NonCanonical is ParseNonCanonical: the address as a number.
func ipv4NonCanonical(s []rune, notImplicit bool, n *int) (uint32, bool) {
	var parts [4]uint64
	dots := 0
	atLeastOne := false
	var value uint64
	i := 0
	for ; i < len(s); i++ {
		base, maxDigit := uint64(10), rune('9')
		value = 0
		if s[i] == '0' {
			i++
			atLeastOne = true
			if i < len(s) {
				if s[i] == 'x' || s[i] == 'X' {
					base = 16
					i++
					atLeastOne = false
				} else {
					base, maxDigit = 8, '7'
				}
			}
		}
		for ; i < len(s); i++ {
			c := s[i]
			var digit uint64
			if c >= '0' && c <= maxDigit {
				digit = uint64(c - '0')
			} else if h, ok := hexValue(c); ok && base == 16 {
				digit = uint64(h)
			} else {
				break
			}
			if value = value*base + digit; value > 0xFFFFFFFF {
				return 0, false
			}
			atLeastOne = true
		}
		if i < len(s) && s[i] == '.' {
			if dots >= 3 || !atLeastOne || value > 0xFF {
				return 0, false
			}
			parts[dots] = value
			dots++
			atLeastOne = false
			continue
		}
		break
	}
	if !atLeastOne || (i < len(s) && !ipv4Terminates(s[i], notImplicit)) {
		return 0, false
	}
	parts[dots] = value
	*n = i
	limits := [4]uint64{0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF}
	if parts[dots] > limits[dots] {
		return 0, false
	}
	var addr uint64
	for k := 0; k < dots; k++ {
		addr |= parts[k] << (24 - 8*k)
	}
	return uint32(addr | parts[dots]), true
}

// dnsNameValid is DomainNameHelper.IsValid by IRI rules: labels of ASCII
// letters, digits, "-" and "_" (not first) or any character from U+00A0,
// at most 63 octets as Punycode would need.
func dnsNameValid(s []rune, notImplicit bool, n *int) bool {
	end := len(s)
	for i, c := range s {
		if isSlash(c) || (notImplicit && (c == ':' || c == '?' || c == '#')) {
			end = i
			break
		}
	}
	if end == 0 {
		return false
	}
	for cur := 0; cur < end; {
		next, count, unicodeLabel := cur, 0, false
		for ; next < end && !isLabelDot(s[next]); next++ {
			count++
			if s[next] > 0xFF {
				count++
			}
			if s[next] > 0xFFFF {
				count += 2 // a surrogate pair: two UTF-16 units
			}
			if s[next] >= 0xA0 {
				unicodeLabel = true
			}
		}
		if unicodeLabel {
			count += 4 // "xn--"
		}
		if cur == next || count > 63 {
			return false
		}
		for k := cur; k < next; k++ {
			c := s[k]
			if c >= 0xA0 {
				continue
			}
			if !isASCIILetterRune(c) && !isASCIIDigitRune(c) && (k == cur || (c != '-' && c != '_')) {
				return false
			}
		}
		cur = next + 1
	}
	*n = end
	return true
}

func isLabelDot(c rune) bool { return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61' }

// uncNameValid is UncNameHelper.IsValid: a Windows server name, whose
// first label may not be all digits.
func uncNameValid(s []rune, notImplicit bool, n *int) bool {
	stops := func(c rune) bool { return isSlash(c) || (notImplicit && (c == ':' || c == '?' || c == '#')) }
	end := len(s)
	validShort := false
	i := 0
first:
	for ; i < end; i++ {
		c := s[i]
		switch {
		case stops(c):
			end = i
			break first
		case c == '.':
			i++
			break first
		case unicode.IsLetter(c) || c == '-' || c == '_':
			validShort = true
		case !isASCIIDigitRune(c):
			return false
		}
	}
	if !validShort {
		return false
	}
rest:
	for ; i < end; i++ {
		c := s[i]
		switch {
		case stops(c):
			end = i
			break rest
		case c == '.':
			if !validShort || s[i-1] == '.' {
				return false
			}
			validShort = false
		case c == '-' || c == '_':
			if !validShort {
				return false
			}
		case unicode.IsLetter(c) || isASCIIDigitRune(c):
			validShort = true
		default:
			return false
		}
	}
	if i > 0 && s[i-1] == '.' {
		validShort = true // the last label may end with a dot
	}
	if !validShort {
		return false
	}
	*n = end
	return true
}

func at(s []rune, i int) rune {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

// createInfo is CreateUriInfo: the offsets of the user info, host and
// path, and the port. A string with non-ASCII or escaped unreserved
// characters is then rebuilt as .NET rebuilds it by IRI rules.
func (u *dotnetURI) createInfo(original []rune) {
	str := original
	idx := 0
	for isLWS(at(str, idx)) {
		idx++
	}
	u.schemeOff = idx
	if !u.has(implicitFile) {
		idx += utf8.RuneCountInString(u.syn.name) + 1
		if u.has(authorityFound) {
			if isSlash(at(str, idx)) && isSlash(at(str, idx+1)) {
				if str[idx] == '\\' || str[idx+1] == '\\' {
					u.flags |= schemeNotCanonical
				}
				idx += 2
			}
			if u.has(uncPath | dosPath) {
				for ; idx < u.hostEnd && isSlash(str[idx]); idx++ {
					u.flags |= schemeNotCanonical
				}
			}
		}
	} else if u.has(uncPath) {
		for idx += 2; idx < u.hostEnd && isSlash(str[idx]); idx++ {
		}
	}
	if u.syn.port != -1 {
		u.port = u.syn.port
	}
	u.userOff = idx
	u.hostOff = idx
	if u.has(hasUserInfo) {
		u.hostOff = indexRune(str, '@') + 1
	}
	pathOff := u.parsePort(str, u.hostEnd)
	if !u.has(hasUnicode) {
		u.pathOff = pathOff
		return
	}
	prefix := u.iriPrefix(original, pathOff)
	u.str = append(prefix, iriRest(original[pathOff:], u)...)
	u.pathOff = len(prefix)
}

// parsePort reads ":port" after the host at idx and returns where the
// path starts. A port written with a leading zero, empty, or equal to
// the scheme's default is not canonical: .NET drops or rewrites it.
func (u *dotnetURI) parsePort(str []rune, idx int) int {
	if u.hostType == hostUnknown || u.has(dosPath) || at(str, idx) != ':' {
		return idx
	}
	idx++
	port, digits := 0, 0
	for ; idx < len(str) && isASCIIDigitRune(str[idx]); idx++ {
		port = port*10 + int(str[idx]-'0')
		digits++
	}
	if digits > 0 && str[idx-digits] == '0' {
		u.flags |= portNotCanonical | ePortNotCanonical
	}
	if digits > 0 && port != u.syn.port {
		u.port = port
		u.flags |= notDefaultPort
		return idx
	}
	u.flags |= portNotCanonical | ePortNotCanonical
	return idx
}

// iriPrefix is what precedes the path in the rebuilt string: the user
// info by IRI rules and the host in Unicode normal form C.
func (u *dotnetURI) iriPrefix(original []rune, pathOff int) []rune {
	if u.has(dosPath | unixPath) {
		var p []rune
		if !u.has(implicitFile) {
			sep := ":"
			if u.has(authorityFound) {
				sep = "://"
			}
			p = []rune(u.syn.name + sep)
		}
		u.schemeOff, u.userOff, u.hostOff = 0, len(p), len(p)
		return p
	}
	if u.hostType == hostUnknown {
		return append([]rune(nil), original[:u.hostEnd]...)
	}
	p := append([]rune(nil), original[:u.authStart]...)
	if u.has(hasUserInfo) {
		p = append(p, escapeUnescapeIRI(original[u.authStart:u.hostStart], false)...)
	}
	host := original[u.hostStart:u.hostEnd]
	if u.hostType == hostDNS || u.hostType == hostBasic {
		host = []rune(norm.NFC.String(stripBidi(string(host))))
	}
	p = append(p, host...)
	p = append(p, original[u.hostEnd:pathOff]...)
	if u.has(hasUserInfo) {
		u.hostOff = indexRune(p, '@') + 1
	}
	return p
}

// iriRest is the path, query and fragment rebuilt by IRI rules, each by
// its own (a query allows private-use characters).
func iriRest(rest []rune, u *dotnetURI) []rune {
	for len(rest) > 0 && isLWS(rest[len(rest)-1]) {
		rest = rest[:len(rest)-1]
	}
	q := -1
	if !u.has(implicitFile) && u.syn.allows(mayHaveQuery) {
		q = indexAnyRune(rest, "?#")
	}
	if q < 0 || rest[q] == '#' {
		return escapeUnescapeIRI(rest, false)
	}
	out := escapeUnescapeIRI(rest[:q], false)
	rest = rest[q:]
	f := -1
	if u.syn.allows(mayHaveFragment) {
		f = indexRune(rest, '#')
	}
	if f < 0 {
		return append(out, escapeUnescapeIRI(rest, true)...)
	}
	out = append(out, escapeUnescapeIRI(rest[:f], true)...)
	return append(out, escapeUnescapeIRI(rest[f:], false)...)
}

func indexAnyRune(s []rune, chars string) int {
	for i, c := range s {
		if strings.ContainsRune(chars, c) {
			return i
		}
	}
	return -1
}

// stripBidi removes the bidirectional control characters .NET strips
// from hosts.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '\u200E' && r <= '\u202E' && (r < '\u2010' || r > '\u2029') {
			return -1
		}
		return r
	}, s)
}

// inIRIRange is IriHelper.CheckIriUnicodeRange: the characters an IRI may
// hold unescaped.
func inIRIRange(r rune, isQuery bool) bool {
	switch {
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFEF:
		return true
	case r >= 0xE000 && r <= 0xF8FF:
		return isQuery
	case r >= 0x10000 && r <= 0xEFFFD:
		if r >= 0xE0000 && r <= 0xE0FFF {
			return false
		}
		return r&0xFFFF <= 0xFFFD
	case r >= 0xF0000 && r <= 0x10FFFD:
		return isQuery && r&0xFFFF <= 0xFFFD
	}
	return false
}

// notSafeToUnescape is UriHelper.IsNotSafeForUnescape: characters that
// stay escaped when .NET unescapes "safely".
func notSafeToUnescape(c rune) bool {
	return c <= 0x1F || (c >= 0x7F && c <= 0x9F) || strings.ContainsRune(";/?:@&=+$,#[]!'()*%\\", c)
}

// escapeUnescapeIRI is IriHelper.EscapeUnescapeIri: escaped characters an
// IRI allows are unescaped, characters it does not are escaped.
func escapeUnescapeIRI(s []rune, isQuery bool) []rune {
	var out []rune
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s):
			v, ok := hexPair(s[i+1], s[i+2])
			switch {
			case !ok || notSafeToUnescape(rune(v)):
				out = append(out, s[i:i+3]...)
				i += 2
			case v < 0x80:
				out = append(out, rune(v))
				i += 2
			default:
				n := escapedRun(s[i:])
				out = append(out, unescapeUTF8(s[i:i+n], func(r rune) bool { return inIRIRange(r, isQuery) })...)
				i += n - 1
			}
		case c > 0x7F && !inIRIRange(c, isQuery):
			out = append(out, percentEncodeRune(c)...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// escapedRun is the length of the run of %XX escapes of non-ASCII bytes
// at the start of s.
func escapedRun(s []rune) int {
	n := 0
	for n+2 < len(s) && s[n] == '%' {
		v, ok := hexPair(s[n+1], s[n+2])
		if !ok || (n > 0 && v < 0x80) {
			break
		}
		n += 3
	}
	return n
}

// unescapeUTF8 decodes a run of %XX escapes as UTF-8: the characters keep
// allows are unescaped, the others and bytes that are not UTF-8 stay
// escaped (in upper case).
func unescapeUTF8(s []rune, keep func(rune) bool) []rune {
	b := make([]byte, 0, len(s)/3)
	for i := 0; i+2 < len(s); i += 3 {
		v, _ := hexPair(s[i+1], s[i+2])
		b = append(b, v)
	}
	if !utf8.Valid(b) && utf8.RuneCount(b) == len(b) && !anyRuneDecodes(b) {
		return s // nothing decodes: .NET copies the escapes as written
	}
	var out []rune
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			out = append(out, percentByte(b[0])...)
			b = b[1:]
			continue
		}
		if keep(r) {
			out = append(out, r)
		} else {
			out = append(out, percentEncodeRune(r)...)
		}
		b = b[size:]
	}
	return out
}

func anyRuneDecodes(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError || size > 1 {
			return true
		}
		b = b[1:]
	}
	return false
}

func percentByte(b byte) []rune {
	const hex = "0123456789ABCDEF"
	return []rune{'%', rune(hex[b>>4]), rune(hex[b&15])}
}

func percentEncodeRune(r rune) []rune {
	var buf [utf8.UTFMax]byte
	var out []rune
	for _, b := range buf[:utf8.EncodeRune(buf[:], r)] {
		out = append(out, percentByte(b)...)
	}
	return out
}

// check is what checkCanonical finds in a part of a URI.
type check int

const (
	escapedCanonical check = 1 << iota // no character needs escaping
	displayCanonical                   // nothing escaped to show unescaped
	dotSlashAttn                       // "." or ".." segments, or "//"
	dotSlashEscaped                    // %2E, %2F or %5C
	backslashInPathCheck
	reservedFound
	notIRICanonical
	foundNonASCII
)

// Delimiters for checkCanonical that no character matches.
const (
	noDelimiter = '\uFFFF'
	endOfLine   = '\uFFFE'
)

func (c check) has(f check) bool { return c&f != 0 }

// checkCanonical is Uri.CheckCanonical: whether s, up to delim, needs
// escaping or unescaping to be shown or sent, and how long that part is.
// With "?" as delim, "#" ends it too.
func (u *dotnetURI) checkCanonical(s []rune, delim rune) (check, int) {
	var res check
	needsEscaping, foundEscaping := false, false
	implicit := u.has(implicitFile)
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIILetterRune(c) || isASCIIDigitRune(c):
		case c <= 0x1F || (c >= 0x7F && c <= 0x9F):
			needsEscaping, foundEscaping = true, true
			res |= reservedFound
		case c > '~':
			res |= foundNonASCII
			if !inIRIRange(c, true) {
				res |= notIRICanonical
			}
			needsEscaping = true
		case c == delim:
			return u.checkResult(res, needsEscaping, foundEscaping), i
		case delim == '?' && c == '#' && u.syn.allows(mayHaveFragment):
			return u.checkResult(res, needsEscaping, foundEscaping), i
		case c == '?':
			if implicit || (!u.syn.allows(mayHaveQuery) && delim != endOfLine) {
				res |= reservedFound
				needsEscaping, foundEscaping = true, true
			}
		case c == '#':
			needsEscaping = true
			if implicit || !u.syn.allows(mayHaveFragment) {
				res |= reservedFound
				foundEscaping = true
			}
		case isSlash(c):
			if c == '\\' {
				res |= backslashInPathCheck
			}
			if isSlash(at(s, i+1)) {
				res |= dotSlashAttn
			}
		case c == '.':
			if i+1 >= len(s) || strings.ContainsRune("./\\?#", s[i+1]) {
				res |= dotSlashAttn
			}
		case (c <= '"' && c != '!') || (c >= '[' && c <= '^') || c == '>' || c == '<' || c == '`':
			needsEscaping = true
			if u.has(hasUnicode) {
				res |= notIRICanonical
			}
		case c >= '{' && c <= '}':
			needsEscaping = true
		case c == '%':
			foundEscaping = true
			if i+2 < len(s) {
				if v, ok := hexPair(s[i+1], s[i+2]); ok {
					if v == '.' || v == '/' || v == '\\' {
						res |= dotSlashEscaped
					}
					i += 2
					continue
				}
			}
			needsEscaping = true
		}
	}
	return u.checkResult(res, needsEscaping, foundEscaping), i
}

func (u *dotnetURI) checkResult(res check, needsEscaping, foundEscaping bool) check {
	if !needsEscaping {
		res |= escapedCanonical
	}
	if !foundEscaping {
		res |= displayCanonical
	}
	return res
}

// parseRemaining is Uri.ParseRemaining: where the query and fragment
// are, and which parts are not canonical.
func (u *dotnetURI) parseRemaining() {
	str := u.str
	length := len(str)
	for length > 0 && isLWS(str[length-1]) {
		length--
	}
	syn := u.syn
	if u.has(implicitFile) {
		u.flags |= schemeNotCanonical
	} else {
		s := str[u.schemeOff:]
		name := []rune(syn.name)
		for _, c := range s[:len(name)] {
			if c >= 'A' && c <= 'Z' {
				u.flags |= schemeNotCanonical
			}
		}
		if u.has(authorityFound) && !strings.HasPrefix(string(s[len(name):]), "://") {
			u.flags |= schemeNotCanonical
		}
	}
	if u.has(hasUserInfo) {
		res, _ := u.checkCanonical(str[u.userOff:u.hostOff], '@')
		u.flagPart(res, userNotCanonical, eUserNotCanonical)
	}
	idx := u.checkPath(str[:length])
	u.queryOff = idx
	if idx < len(str) && str[idx] == '?' {
		delim := rune(endOfLine)
		if syn.allows(mayHaveFragment) {
			delim = '#'
		}
		res, n := u.checkCanonical(str[idx+1:length], delim)
		idx += 1 + n
		u.flagPart(res, queryNotCanonical, eQueryNotCanonical)
	}
	u.fragmentOff = idx
	if idx < len(str) && str[idx] == '#' {
		res, n := u.checkCanonical(str[idx+1:length], endOfLine)
		idx += 1 + n
		u.flagPart(res, fragmentNotCanonical, eFragmentNotCanonical)
	}
	u.end = idx
}

// flagPart records a user info, query or fragment check.
func (u *dotnetURI) flagPart(res check, display, escaped uriFlags) {
	if !res.has(displayCanonical) {
		u.flags |= display
	}
	if res&(escapedCanonical|backslashInPathCheck) != escapedCanonical {
		u.flags |= escaped
	}
}

// checkPath checks the path and returns where it ends.
func (u *dotnetURI) checkPath(str []rune) int {
	syn := u.syn
	delim := rune(noDelimiter)
	if !u.has(implicitFile) && syn.allows(mayHaveQuery|mayHaveFragment) {
		delim = '#'
		if syn.allows(mayHaveQuery) {
			delim = '?'
		}
	}
	res, n := u.checkCanonical(str[u.pathOff:], delim)
	if u.has(authorityFound) && syn.allows(pathIsRooted) && (u.pathOff == len(str) || !isSlash(str[u.pathOff])) {
		u.flags |= firstSlashAbsent
	}
	if u.has(dosPath) || (u.has(authorityFound) && syn.allows(compressPath|convertPathSlashes|unescapeDotsAndSlashes)) {
		if res.has(dotSlashEscaped) && syn.allows(unescapeDotsAndSlashes) {
			u.flags |= ePathNotCanonical | pathNotCanonical
		}
		if syn.allows(convertPathSlashes) && res.has(backslashInPathCheck) {
			u.flags |= ePathNotCanonical | pathNotCanonical
		}
		if syn.allows(compressPath) && (u.has(ePathNotCanonical) || res.has(dotSlashAttn)) {
			u.flags |= shouldBeCompressed
		}
		if res.has(backslashInPathCheck) {
			u.flags |= backslashInPath
		}
	} else if res.has(backslashInPathCheck) {
		u.flags |= ePathNotCanonical // a backslash is escaped, not a separator
	}
	if !res.has(displayCanonical) && (!u.has(implicitFile) || res.has(reservedFound)) {
		u.flags |= pathNotCanonical
	}
	if u.has(implicitFile) && res.has(reservedFound|escapedCanonical) {
		res &^= escapedCanonical // an implicit path escapes "%" too
	}
	if !res.has(escapedCanonical) {
		u.flags |= ePathNotCanonical
	}
	return u.pathOff + n
}

// createHost is CreateHostString: the host as .NET shows it.
func (u *dotnetURI) createHost() {
	raw := u.str[u.hostOff:u.pathOff]
	host := u.canonicalHost(raw)
	u.host = host
	if host == "" {
		return
	}
	if u.hostType == hostBasic {
		res, _ := u.checkCanonical([]rune(host), noDelimiter)
		if !res.has(displayCanonical) && (!u.has(implicitFile) || res.has(reservedFound)) {
			u.flags |= hostNotCanonical
		}
		if u.has(implicitFile) && res.has(reservedFound|escapedCanonical) {
			res &^= escapedCanonical
		}
		if res&(escapedCanonical|backslashInPathCheck) != escapedCanonical {
			u.flags |= eHostNotCanonical
			u.host = string(escapeURIString([]rune(host), !u.has(implicitFile), unreservedReservedExceptQuestionHash))
		}
		return
	}
	if u.scopeID != "" || !strings.HasPrefix(string(u.str[u.hostOff:u.end]), host) {
		u.flags |= hostNotCanonical | eHostNotCanonical
	}
}

// canonicalHost is CreateHostStringHelper: the host lower-cased, an IP
// address in its canonical form.
func (u *dotnetURI) canonicalHost(raw []rune) string {
	loopback := false
	var host string
	switch u.hostType {
	case hostDNS, hostUNC:
		host, loopback = canonicalDNSName(raw)
	case hostIPv6:
		host, u.scopeID, loopback = canonicalIPv6(string(raw))
	case hostIPv4:
		var n int
		addr, _ := ipv4NonCanonical(raw, true, &n)
		host = netip.AddrFrom4([4]byte{byte(addr >> 24), byte(addr >> 16), byte(addr >> 8), byte(addr)}).String()
		loopback = addr>>24 == 127
	case hostBasic:
		if !u.has(dosPath) {
			host = string(raw)
		}
		loopback = host == ""
	}
	if loopback {
		u.flags |= loopbackHost
	}
	return host
}

// canonicalDNSName is DomainNameHelper.ParseCanonicalName: the name
// without its port, lower-cased if it has an ASCII capital; "loopback"
// is "localhost".
func canonicalDNSName(raw []rune) (string, bool) {
	end := len(raw)
	lower := false
	for i := end - 1; i >= 0; i-- {
		if raw[i] >= 'A' && raw[i] <= 'Z' {
			lower = true
			break
		}
		if raw[i] == ':' {
			end = i
		}
	}
	host := string(raw[:end])
	if lower {
		host = strings.ToLower(host)
	}
	if host == "localhost" || host == "loopback" {
		return "localhost", true
	}
	return host, false
}

// canonicalIPv6 is IPv6AddressHelper.ParseCanonicalName: RFC 5952's form
// in brackets, the scope apart.
func canonicalIPv6(raw string) (host, scope string, loopback bool) {
	inner := strings.TrimSuffix(strings.TrimPrefix(raw[:strings.IndexByte(raw, ']')+1], "["), "]")
	if p := strings.IndexByte(inner, '/'); p >= 0 {
		inner = inner[:p]
	}
	if p := strings.IndexByte(inner, '%'); p >= 0 {
		inner, scope = inner[:p], inner[p:]
	}
	ip, _ := netip.ParseAddr(inner)
	b := ip.As16()
	var n [8]uint16
	for i := range n {
		n[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	zero5 := n[0] == 0 && n[1] == 0 && n[2] == 0 && n[3] == 0 && n[4] == 0
	loopback = zero5 && ((n[5] == 0 && n[6] == 0 && n[7] == 1) ||
		(n[6] == 0x7F00 && n[7] == 1 && (n[5] == 0 || n[5] == 0xFFFF)))
	return "[" + formatIPv6(n) + "]", scope, loopback
}

// formatIPv6 writes the longest run of two or more zero groups as "::"
// and, for the forms .NET knows as IPv4-compatible, mapped, SIIT and
// ISATAP, the last 32 bits as an IPv4 address.
func formatIPv6(n [8]uint16) string {
	start, length, run := -1, 0, 0
	for i, v := range n {
		if v != 0 {
			run = 0
			continue
		}
		if run++; run > length {
			length, start = run, i-run+1
		}
	}
	if length < 2 {
		start, length = -1, 0
	}
	embedded := (n[0] == 0 && n[1] == 0 && n[2] == 0 && n[3] == 0 && n[6] != 0 &&
		((n[4] == 0 && (n[5] == 0 || n[5] == 0xFFFF)) || (n[4] == 0xFFFF && n[5] == 0))) ||
		(n[4] == 0 && n[5] == 0x5EFE)
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if embedded && i == 6 {
			b.WriteByte(':')
			b.WriteString(netip.AddrFrom4([4]byte{byte(n[6] >> 8), byte(n[6]), byte(n[7] >> 8), byte(n[7])}).String())
			break
		}
		if start == i {
			b.WriteByte(':')
		}
		if start >= 0 && start <= i && start+length == 8 {
			b.WriteByte(':')
			break
		}
		if start >= 0 && start <= i && i < start+length {
			continue
		}
		if i != 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.FormatUint(uint64(n[i]), 16))
	}
	return b.String()
}

// uriComponents selects parts of a URI (.NET's UriComponents); the first
// seven line up with the uriFlags that say they are not canonical.
type uriComponents uint32

const (
	compScheme uriComponents = 1 << iota
	compUserInfo
	compHost
	compPort
	compPath
	compQuery
	compFragment
	compStrongPort // the port even when it is the default one

	compKeepDelimiter uriComponents = 0x40000000
	compAbsoluteURI                 = compScheme | compUserInfo | compHost | compPort | compPath | compQuery | compFragment
)

type uriFormat int

const (
	uriEscaped   uriFormat = iota // as sent: characters escaped
	uriUnescaped                  // as shown: escapes decoded
)

// components is GetComponents: the parts rebuilt from what was parsed.
// (.NET takes them straight from the string when they are canonical,
// which gives the same text.)
func (u *dotnetURI) components(parts uriComponents, format uriFormat) string {
	if parts == compScheme {
		return u.syn.name
	}
	if parts&compStrongPort != 0 {
		parts |= compPort
	}
	if parts == compHost && (format == uriEscaped || !u.has(hostNotCanonical|eHostNotCanonical)) {
		return u.host
	}
	var nonCanonical uriFlags
	if format == uriEscaped {
		nonCanonical = u.flags&eCannotDisplayCanonical>>6 | u.flags&schemeNotCanonical
	} else {
		nonCanonical = u.flags & cannotDisplayCanonical
	}
	if parts&compPath != 0 && (u.has(shouldBeCompressed|firstSlashAbsent|backslashInPath) || u.driveBar()) {
		nonCanonical |= pathNotCanonical
	}
	return string(u.recreate(parts, nonCanonical, format))
}

// securedPathIndex is where the path of a DOS path starts after its drive
// ("/c:" or "c:").
func (u *dotnetURI) securedPathIndex() int {
	if !u.has(dosPath) {
		return 0
	}
	if isSlash(at(u.str, u.pathOff)) {
		return 3
	}
	return 2
}

// driveBar tells a DOS path written c|\ rather than c:\.
func (u *dotnetURI) driveBar() bool {
	return u.has(dosPath) && at(u.str, u.pathOff+u.securedPathIndex()-1) == '|'
}

// recreate is RecreateParts.
func (u *dotnetURI) recreate(parts uriComponents, nonCanonical uriFlags, format uriFormat) []rune {
	var dest []rune
	str := u.str
	if parts&compScheme != 0 {
		dest = append(dest, []rune(u.syn.name)...)
		if parts != compScheme {
			dest = append(dest, ':')
			if u.has(authorityFound) {
				dest = append(dest, '/', '/')
			}
		}
	}
	if parts&compUserInfo != 0 && u.has(hasUserInfo) {
		slice := str[u.userOff:u.hostOff]
		switch {
		case nonCanonical&userNotCanonical == 0:
			dest = append(dest, slice...)
		case format == uriEscaped:
			dest = append(dest, escapeURIString(slice, true, unreservedReservedExceptQuestionHash)...)
		default:
			dest = append(dest, unescapeAll(slice)...)
		}
		if parts == compUserInfo {
			dest = dest[:len(dest)-1] // the "@"
		}
	}
	if parts&compHost != 0 && u.host != "" {
		if format != uriEscaped && u.hostType == hostBasic && nonCanonical&hostNotCanonical != 0 {
			dest = append(dest, unescapeAll([]rune(u.host))...)
		} else {
			dest = append(dest, []rune(u.host)...)
		}
	}
	if parts&compPort != 0 && (u.has(notDefaultPort) || (parts&compStrongPort != 0 && u.syn.port != -1)) {
		dest = append(dest, []rune(":"+strconv.Itoa(u.port))...)
	}
	if parts&compPath != 0 {
		start := len(dest)
		dest = u.canonicalPath(dest, format)
		if parts == compPath && u.has(authorityFound) && len(dest) > start && dest[start] == '/' {
			return dest[start+1:]
		}
	}
	if parts&compQuery != 0 && u.queryOff < u.fragmentOff {
		if parts != compQuery {
			dest = append(dest, '?')
		}
		dest = appendQueryOrFragment(dest, str[u.queryOff+1:u.fragmentOff], nonCanonical&queryNotCanonical != 0, format, unreservedReservedExceptHash)
	}
	if parts&compFragment != 0 && u.fragmentOff < u.end {
		if parts != compFragment {
			dest = append(dest, '#')
		}
		dest = appendQueryOrFragment(dest, str[u.fragmentOff+1:u.end], nonCanonical&fragmentNotCanonical != 0, format, unreservedReserved)
	}
	return dest
}

func appendQueryOrFragment(dest, slice []rune, nonCanonical bool, format uriFormat, keep string) []rune {
	switch {
	case !nonCanonical:
		return append(dest, slice...)
	case format == uriEscaped:
		return append(dest, escapeURIString(slice, true, keep)...)
	}
	return append(dest, unescapeAll(slice)...)
}

// canonicalPath is GetCanonicalPath: the path escaped or unescaped, its
// backslashes turned to slashes and its "." and ".." segments resolved
// where the scheme wants them.
func (u *dotnetURI) canonicalPath(dest []rune, format uriFormat) []rune {
	if u.has(firstSlashAbsent) {
		dest = append(dest, '/')
	}
	if u.pathOff == u.queryOff {
		return dest
	}
	start := len(dest)
	path := u.str[u.pathOff:u.queryOff]
	syn := u.syn
	implicit := u.has(implicitFile)
	unescapeDots := u.has(shouldBeCompressed) && syn.allows(unescapeDotsAndSlashes) && u.has(pathNotCanonical) && !implicit
	switch {
	case format == uriEscaped && !u.has(shouldBeCompressed) && u.has(ePathNotCanonical):
		if u.driveBar() {
			path = append([]rune(nil), path...)
			path[u.securedPathIndex()-1] = ':'
		}
		dest = append(dest, escapeURIString(path, !implicit, unreservedReservedExceptQuestionHash)...)
	case unescapeDots:
		dest = append(dest, unescapeDotsSlashes(path, syn.allows(convertPathSlashes))...)
	default:
		dest = append(dest, path...)
	}
	if format == uriEscaped && u.has(backslashInPath) && !syn.allows(convertPathSlashes) && syn.allows(fileLikeURI) && !implicit {
		// A Unix file path's backslashes are characters: %5C.
		dest = append(dest[:start], escapeURIString(dest[start:], true, unreservedReserved)...)
	}
	offset := start + u.securedPathIndex()
	if u.has(dosPath) && dest[offset-1] == '|' {
		dest[offset-1] = ':'
	}
	if u.has(shouldBeCompressed) && len(dest) > offset {
		dest = append(dest[:offset], compressSegments(dest[offset:], syn)...)
		if len(dest) > start && dest[start] == '\\' {
			dest[start] = '/'
		}
		if format == uriEscaped && u.has(ePathNotCanonical) {
			dest = append(dest[:start], escapeURIString(append([]rune(nil), dest[start:]...), !implicit, unreservedReservedExceptQuestionHash)...)
		}
	}
	if format == uriUnescaped && u.has(pathNotCanonical) && !implicit {
		dest = append(dest[:start], unescapeAll(append([]rune(nil), dest[start:]...))...)
	}
	return dest
}

// unescapeDotsSlashes decodes %2E and %2F (and %5C) before the path is
// compressed, so that an escaped ".." is resolved too.
func unescapeDotsSlashes(path []rune, backslashes bool) []rune {
	out := make([]rune, 0, len(path))
	for i := 0; i < len(path); i++ {
		if path[i] == '%' && i+2 < len(path) {
			if v, ok := hexPair(path[i+1], path[i+2]); ok && (v == '/' || v == '.' || (backslashes && v == '\\')) {
				out = append(out, rune(v))
				i += 2
				continue
			}
		}
		out = append(out, path[i])
	}
	return out
}

// compressSegments is UriHelper.Compress: "." segments removed and ".." ones
// with the segment before them, scanning from the end. A run of slashes
// counts as one place to stop.
func compressSegments(p []rune, syn *uriSyntax) []rune {
	if len(p) == 0 {
		return p
	}
	if syn.allows(convertPathSlashes) {
		for i, c := range p {
			if c == '\\' {
				p[i] = '/'
			}
		}
	}
	type cut struct{ start, n int }
	var cuts []cut
	slashes, lastSlash, dots, removeSegments := 0, 0, 0, 0
	for i := len(p) - 1; i >= 0; i-- {
		c := p[i]
		if c == '/' {
			slashes++
		} else {
			if slashes > 1 {
				lastSlash = i + 1
			}
			slashes = 0
		}
		if c == '.' {
			dots++
			continue
		}
		if dots != 0 {
			if c == '/' && dots <= 2 && (lastSlash == i+dots+1 || (lastSlash == 0 && i+dots+1 == len(p))) {
				n := dots
				if lastSlash != 0 {
					n++
				}
				cuts = append(cuts, cut{i + 1, n})
				lastSlash = i
				if dots == 2 {
					removeSegments++
				}
				dots = 0
				continue
			}
			dots = 0
		}
		if c == '/' {
			if removeSegments != 0 {
				removeSegments--
				cuts = append(cuts, cut{i + 1, lastSlash - i})
			}
			lastSlash = i
		}
	}
	if syn.allows(canonicalizeAsFilePath) && slashes <= 1 {
		if removeSegments != 0 && p[0] != '/' {
			cuts = append(cuts, cut{0, lastSlash + 1})
		} else if dots != 0 && (lastSlash == dots || (lastSlash == 0 && dots == len(p))) {
			n := dots
			if lastSlash != 0 {
				n++
			}
			cuts = append(cuts, cut{0, n})
		}
	}
	if len(cuts) == 0 {
		return p
	}
	// The cuts were found from the end; apply them from the start.
	out := make([]rune, 0, len(p))
	read := 0
	for k := len(cuts) - 1; k >= 0; k-- {
		if cuts[k].start > read {
			out = append(out, p[read:cuts[k].start]...)
		}
		read = max(read, cuts[k].start+cuts[k].n)
	}
	return append(out, p[min(read, len(p)):]...)
}

// The ASCII characters escapeURIString leaves as they are.
const (
	unreservedReserved                   = "!#$&'()*+,-./:;=?@[]_~"
	unreservedReservedExceptHash         = "!$&'()*+,-./:;=?@[]_~"
	unreservedReservedExceptQuestionHash = "!$&'()*+,-./:;=@[]_~"
)

// escapeURIString is UriHelper.EscapeString: letters, digits and keep as
// they are, everything else as %XX of its UTF-8 bytes; with
// checkExisting, an escape already there is left alone.
func escapeURIString(s []rune, checkExisting bool, keep string) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIILetterRune(c) || isASCIIDigitRune(c) || (c < utf8.RuneSelf && strings.ContainsRune(keep, c)):
			out = append(out, c)
		case c == '%' && checkExisting && i+2 < len(s) && isHexRune(s[i+1]) && isHexRune(s[i+2]):
			out = append(out, s[i:i+3]...)
			i += 2
		default:
			out = append(out, percentEncodeRune(c)...)
		}
	}
	return out
}

func isHexRune(r rune) bool {
	_, ok := hexValue(r)
	return ok
}

// unescapeAll is Uri.UnescapeDataString: every escape decoded, UTF-8
// runs as characters; bytes that are not UTF-8 stay escaped.
func unescapeAll(s []rune) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		v, ok := byte(0), false
		if s[i] == '%' && i+2 < len(s) {
			v, ok = hexPair(s[i+1], s[i+2])
		}
		switch {
		case !ok:
			out = append(out, s[i])
		case v < 0x80:
			out = append(out, rune(v))
			i += 2
		default:
			n := escapedRun(s[i:])
			out = append(out, unescapeUTF8(s[i:i+n], func(rune) bool { return true })...)
			i += n - 1
		}
	}
	return out
}

// The properties that are more than a set of components.

func (u *dotnetURI) absolutePath() string {
	path := u.components(compPath|compKeepDelimiter, uriEscaped)
	if u.has(dosPath) && strings.HasPrefix(path, "/") {
		path = path[1:] // .NET shows c:/x, not /c:/x
	}
	return path
}

func (u *dotnetURI) pathAndQuery() string {
	s := u.components(compPath|compQuery, uriEscaped)
	if u.has(dosPath) && strings.HasPrefix(s, "/") {
		s = s[1:]
	}
	return s
}

func (u *dotnetURI) portNumber() int {
	if u.has(notDefaultPort) {
		return u.port
	}
	return u.syn.port
}

func (u *dotnetURI) hostNameType() string {
	switch u.hostType {
	case hostDNS:
		return "Dns"
	case hostIPv4:
		return "IPv4"
	case hostIPv6:
		return "IPv6"
	case hostBasic, hostUNC:
		return "Basic"
	}
	return "Unknown"
}

// dnsSafeHost is DnsSafeHost: an IPv6 address without brackets but with
// its scope, an escaped host unescaped.
func (u *dotnetURI) dnsSafeHost() string {
	switch {
	case u.hostType == hostIPv6:
		return strings.Trim(u.host, "[]") + u.scopeID
	case u.hostType == hostBasic && u.has(hostNotCanonical|eHostNotCanonical):
		return string(unescapeAll([]rune(u.host)))
	}
	return u.host
}

// localPath is LocalPath: a UNC or DOS path with backslashes, any other
// path unescaped.
func (u *dotnetURI) localPath() string {
	if !u.has(uncPath | dosPath) {
		return u.components(compPath|compKeepDelimiter, uriUnescaped)
	}
	str := u.str
	dos := u.has(dosPath)
	if !u.has(hostNotCanonical | pathNotCanonical | shouldBeCompressed) {
		start := u.pathOff
		if !dos {
			start = u.hostOff - 2
		}
		var s []rune
		hostAt := 2
		if dos {
			hostAt = 0
		}
		switch {
		case u.has(implicitFile) && u.hostOff == hostAt && u.queryOff == u.end:
			s = append([]rune(nil), str...)
		case dos && isSlash(str[start]):
			s = append([]rune(nil), str[start+1:u.queryOff]...)
		default:
			s = append([]rune(nil), str[start:u.queryOff]...)
		}
		if dos && at(s, 1) == '|' {
			s[1] = ':'
		}
		return strings.ReplaceAll(string(s), "/", `\`)
	}
	var result []rune
	start := u.pathOff
	if dos {
		if isSlash(at(str, start)) {
			start++
		}
	} else {
		result = append([]rune(`\\`), []rune(u.host)...)
	}
	pathStart := len(result)
	path := str[start:u.queryOff]
	if u.has(pathNotCanonical) && !u.has(implicitFile) {
		result = append(result, unescapeAll(path)...)
	} else {
		result = append(result, path...)
	}
	if at(result, 1) == '|' {
		result[1] = ':'
	}
	if u.has(shouldBeCompressed) {
		from := pathStart
		if dos {
			from += 2
		}
		if from <= len(result) {
			result = append(result[:from], compressSegments(append([]rune(nil), result[from:]...), u.syn)...)
		}
	}
	return strings.ReplaceAll(string(result), "/", `\`)
}
