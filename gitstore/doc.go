// Package gitstore is the Space repository as zonectl sees it through
// go-git: opening and initialising the repository, the Space lock, reading
// refs and moving them with compare-and-swap, writing trees from files,
// writing signed commits, and handing commits to a verifier.
//
// gitstore owns the on-disk protocol, and follows stock Git's so that git
// and zonectl can work on the same repository at the same time:
//
//   - refs are updated through Git's lock files (<gitdir>/<ref>.lock,
//     created exclusively, written, fsynced and renamed over the ref), so a
//     concurrent git update-ref, git pack-refs or another zonectl is either
//     excluded or detected, never overwritten;
//   - every ref move is a compare-and-swap against the value the caller read
//     (see UpdateRef and RefConflictError);
//   - the Space lock (Repo.Lock, an flock(2) on <gitdir>/zonectl.lock)
//     serialises zonectl processes that read a ref and then move it, so that
//     they wait for each other instead of failing with a conflict;
//   - trees use Git's canonical entry order and commits its canonical
//     encoding, so git fsck --strict accepts them and git verify-commit
//     checks their signatures.
//
// gitstore holds no keys and does no cryptography. Signing and verifying are
// supplied by callers through the Signer and Verifier interfaces (the
// internal/keys package implements them with OpenPGP), and only the verifier
// decides what counts as a valid signature. What a ref means, and what a
// commit's tree holds, belongs to the domain packages; the Git bundle
// format belongs to gitstore/bundle.
package gitstore
