// Package space owns a Space as a whole: the Git repository, its HCL
// configuration and its key pair, and the operations that touch all three —
// creating a Space, opening and validating one, trusting a peer.
//
// It composes its siblings rather than doing their work: hcl/config decodes
// and checks the configuration, gitstore writes objects and refs, keys does
// the OpenPGP work. Checks that need keys (that a peer's public key is one)
// live here because hcl/config knows nothing of keys.
package space
