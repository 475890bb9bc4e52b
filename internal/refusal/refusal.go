package refusal

import "fmt"

// An Error reports that something was checked and refused: a signature
// absent, made by a key that is not trusted, or over altered bytes; a
// document of the wrong type; a bundle for another Space, expired, or
// replayed; a part whose bytes are not the ones its index pins.
type Error struct {
	What   string // what was being verified, e.g. "commit 1a2b3c4" or "manifest.json"
	Reason string // why it was refused, e.g. "not signed"
	Err    error  // the error behind the refusal, if any
}

// Error says "verify <what>: <reason>", followed by ": <err>" when there
// is an underlying error; with no reason, the error is the reason.
func (e *Error) Error() string {
	what := e.What
	if what == "" {
		what = "signature"
	}
	switch {
	case e.Err != nil && e.Reason == "":
		return fmt.Sprintf("verify %s: %v", what, e.Err)
	case e.Err != nil:
		return fmt.Sprintf("verify %s: %s: %v", what, e.Reason, e.Err)
	}
	return fmt.Sprintf("verify %s: %s", what, e.Reason)
}

// Unwrap returns the error behind the refusal, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Newf refuses what for the reason that format and args make. The reason
// is text only: to keep an error as the cause, use Wrap.
func Newf(what, format string, args ...any) error {
	return &Error{What: what, Reason: fmt.Sprintf(format, args...)}
}

// Wrap refuses what for reason, keeping err (which may be nil) as the
// cause, so that errors.Is and errors.As see through the refusal.
func Wrap(what, reason string, err error) error {
	return &Error{What: what, Reason: reason, Err: err}
}
