package keys

import "github.com/zonectl/zonectl/internal/refusal"

// VerificationError is the verification-failure type, which package
// refusal owns; the name stays so that callers written against keys keep
// compiling. New code names refusal.Error.
type VerificationError = refusal.Error
