package mask

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Mask replaces every occurrence of a sensitive value.
const Mask = "********"

// MinLen is the fewest characters (runes) a value needs to be masked.
// Shorter values are ignored: masking "a" or "yes" would replace those
// letters in every log line and make all output unreadable while hiding
// nothing a guess would not find.
//
// A value made only of '*' cannot be told from the mask: it is masked, but
// the mask itself contains it.
const MinLen = 4

// A Masker replaces sensitive values in output. The zero Masker masks
// nothing until values are added; a nil *Masker may be used to mask
// nothing. A Masker is safe for use by many goroutines.
type Masker struct {
	mu      sync.Mutex // guards secrets and the building of ac
	secrets map[string]bool
	// ac matches secrets; nil after Add until someone needs it, so many
	// Adds in a row build it once.
	ac atomic.Pointer[automaton]
	// out serialises the Writers of this Masker; see Writer.
	out sync.Mutex
}

// New returns a Masker for secrets; see Add.
func New(secrets ...string) *Masker {
	m := &Masker{}
	m.Add(secrets...)
	return m
}

// Add registers more sensitive values. Values shorter than MinLen are
// ignored. Besides the value itself, Add registers the forms in which it
// most often leaks from a script or a tool: base64 (standard and URL
// alphabets, without padding, so the padded form is masked too), URL
// escaping (query and path), and JSON string escaping. Base64 is caught
// when the value was encoded on its own, not when it is part of a larger
// encoded text such as "user:password".
//
// Writers already streaming mask the new values in what they have not yet
// passed on.
func (m *Masker) Add(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if utf8.RuneCountInString(s) < MinLen {
			continue
		}
		for _, v := range forms(s) {
			if !m.secrets[v] {
				if m.secrets == nil {
					m.secrets = map[string]bool{}
				}
				m.secrets[v] = true
				changed = true
			}
		}
	}
	if changed {
		m.ac.Store(nil)
	}
}

// forms returns s and the encodings of s that Add registers.
func forms(s string) []string {
	out := []string{s}
	add := func(v string) {
		if len(v) >= MinLen && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	add(base64.RawStdEncoding.EncodeToString([]byte(s)))
	add(base64.RawURLEncoding.EncodeToString([]byte(s)))
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	for _, html := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			q := strings.TrimSuffix(b.String(), "\n")
			add(q[1 : len(q)-1])
		}
	}
	return out
}

// automaton returns the automaton for the values added so far, building
// it if an Add made the last one stale.
func (m *Masker) automaton() *automaton {
	if m == nil {
		return empty
	}
	if a := m.ac.Load(); a != nil {
		return a
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.ac.Load(); a != nil {
		return a
	}
	a := empty
	if len(m.secrets) > 0 {
		patterns := make([]string, 0, len(m.secrets))
		for s := range m.secrets {
			patterns = append(patterns, s)
		}
		slices.Sort(patterns)
		a = build(patterns)
	}
	m.ac.Store(a)
	return a
}

// String returns s with every sensitive value masked; s itself when there
// is none.
func (m *Masker) String(s string) string {
	a := m.automaton()
	if !contains(a, s) {
		return s
	}
	return string(maskAll(a, []byte(s)))
}

// Bytes returns b with every sensitive value masked: b itself when there
// is none, else a new slice.
func (m *Masker) Bytes(b []byte) []byte {
	a := m.automaton()
	if !contains(a, b) {
		return b
	}
	return maskAll(a, b)
}

func maskAll(a *automaton, b []byte) []byte {
	sc := scanner{ac: a}
	out := sc.feed(make([]byte, 0, len(b)), b)
	return sc.flush(out)
}

// Error returns err with its message masked, or nil if err is nil. The
// result unwraps to err, so errors.Is and errors.As see the whole chain;
// code that prints an error found that way prints it unmasked, so print
// the error Error returns.
func (m *Masker) Error(err error) error {
	if err == nil {
		return nil
	}
	return &maskedError{m, err}
}

type maskedError struct {
	m   *Masker
	err error
}

// Error masks with the values known when it is called, so values added
// after the error was wrapped are masked too.
func (e *maskedError) Error() string { return e.m.String(e.err.Error()) }
func (e *maskedError) Unwrap() error { return e.err }
