// Package refusal owns the one error type for a verification failure:
// something untrusted (a signature, a signed document, a bundle, a part, a
// receipt) was checked and refused. The command line maps this type, and
// only this type, to the "verification failed" exit code with errors.As,
// so every check that refuses input returns an [*Error], keeping the
// error that caused the refusal, if any, for errors.Is and errors.As.
//
// The package is a leaf: it imports the standard library only, so that
// the wire-format packages (envelope, zbundle, parts) and the domain
// packages that verify (keys, importer, receipt) can all refuse in the same
// type without depending on each other. What is checked, and why it is
// refused, belongs to them.
package refusal
