// Package bundle reads and writes Git bundles: the file that git bundle
// create writes and git clone, git fetch and git bundle unbundle read
// (gitformat-bundle(5)). zonectl sends a release to another Space as a
// bundle, so what this package writes must satisfy stock git, and what stock
// git writes must be readable here.
//
// The package owns three things:
//
//   - the header codec (Header, ReadHeader, Header.WriteTo): v2 and v3
//     headers, prerequisites and references, read strictly, since a bundle
//     comes from another Space. v3 is accepted only with the capability
//     @object-format=sha1: partial bundles (@filter), SHA-256 repositories
//     and unknown capabilities are refused, as stock git refuses what it does
//     not understand;
//   - reading a bundle into an object store (Unbundle, Verify): the
//     prerequisites must already be there, a thin pack is completed with
//     delta bases from the store (as git index-pack --fix-thin does), the
//     pack is checked in full before anything is stored, and the objects the
//     references name must be connected once it is. A repository on disk
//     is passed as a PackStorer (gitstore's Repo.Objects), which stores the
//     pack with the index built while checking it, durably, as git does;
//     go-git's own pack writer, which does not sync, is refused;
//   - writing a bundle from an object store (Create): the objects reachable
//     from the references and not from the excluded commits, the boundary
//     commits as prerequisites, and a pack whose blobs and trees are deltas
//     against the previous version of the same path, in the bundle or, as a
//     thin pack, in a prerequisite's tree.
//
// The package works on go-git object stores (storer.EncodedObjectStorer) and
// the standard library only; how a pack is laid down on disk belongs to
// gitstore. It never reads or writes references: which refs
// a bundle's references become, under which namespace, and whether a bundle
// is trusted at all (signatures, manifests) belong to the callers, gitstore
// and the promotion and import packages. Packs are streamed: Create writes
// the pack as it encodes it, and Unbundle spools the incoming pack to a
// temporary file once it passes a small size instead of holding it in
// memory.
package bundle
