// Package gitstore is the Space repository as zonectl sees it through
// go-git: opening and initialising the repository, the Space lock,
// transactions (Tx) that move refs at one journaled commit point and the
// recovery that finishes or undoes one a crash interrupted, writing trees,
// packs and signed commits, and handing commits to a verifier.
//
// gitstore owns the on-disk protocol, and follows stock Git's so that git
// and zonectl can work on the same repository at the same time:
//
//   - objects are durable before anything points at them: loose objects
//     synced with their directories, packs written whole (StorePack);
//   - refs are updated through Git's lock files (<gitdir>/<ref>.lock,
//     created whole, then renamed over the ref), so a concurrent git
//     update-ref, git pack-refs or another zonectl is either excluded or
//     detected, never overwritten; a lock file git holds is waited for;
//   - every ref move is a compare-and-swap against the value the
//     transaction read (see Tx and RefConflictError), and all of a
//     transaction's moves are published at once: the rename of its journal
//     (<gitdir>/zonectl/journal) into the committed state is the commit
//     point, and the next Begin or Recover finishes or undoes a journal a
//     crash left;
//   - the Space lock (Repo.Lock, an flock(2) on <gitdir>/zonectl/flock)
//     serialises zonectl's transactions, so that processes wait for each
//     other instead of failing with a conflict;
//   - moving the branch a work tree has checked out holds its index.lock
//     from before the branch is read, and updates its files and index;
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
