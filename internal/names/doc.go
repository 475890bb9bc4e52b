// Package names owns the checks on the names and digests that travel
// between Spaces and end up in file names, directories and Git refs:
// Space names, package IDs, package versions, and SHA-256 digests in
// lower-case hex. A Space checks them when it makes one (zonectl init,
// package push), and a wire format checks them again when it reads one
// from another Space, with the same rules.
//
// It is a leaf, importing the standard library and semver only, so that
// the wire-format packages (zbundle, parts) check what they read without
// depending on the domain packages that make these names: space for Space
// names, store for package IDs, versions and blob digests. Git ref names
// are gitstore's to check.
package names
