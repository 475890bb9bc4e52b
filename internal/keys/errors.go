package keys

import "fmt"

// A VerificationError reports a signature that was refused: absent, made by a
// key outside the keyring, altered, or made when its key was not valid.
// Callers map it to the "verification failed" exit code with errors.As.
type VerificationError struct {
	What   string // what was being verified, e.g. "commit 1a2b3c4" or "manifest.json"
	Reason string // why it was refused, e.g. "not signed"
	Err    error  // the underlying error, if any
}

func (e *VerificationError) Error() string {
	what := e.What
	if what == "" {
		what = "signature"
	}
	if e.Err != nil {
		return fmt.Sprintf("verify %s: %s: %v", what, e.Reason, e.Err)
	}
	return fmt.Sprintf("verify %s: %s", what, e.Reason)
}

func (e *VerificationError) Unwrap() error { return e.Err }
