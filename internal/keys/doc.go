// Package keys owns a Space's OpenPGP key pair and everything done with it:
// generating the key, writing and finding the private key outside the
// repository, reading public keys committed under keys/, making and checking
// detached signatures (the ones Git stores in a commit's gpgsig header and the
// ones beside a bundle's manifest), and encrypting sensitive values to a
// Space.
//
// Keys are OpenPGP v4 with a legacy EdDSA Ed25519 primary key and a Curve25519
// ECDH encryption subkey, the kind GnuPG 2.2 imports, so stock `gpg` and
// `git verify-commit` accept everything this package produces.
//
// Verification judges a signature by the key's validity at the time the
// signature was made; see [Verifier.VerifyNamed] for the exact rules. Every
// verification failure is a *refusal.Error, so the command line can map it
// to its own exit code with errors.As.
//
// What is signed, and where signatures live, belongs to the callers (gitstore
// signs commits, promote signs manifests, importer decides whom to trust).
// This package never prints, never prompts and never exits: it returns values
// and errors.
package keys
