// Package inbox owns the target side of a promotion after import: the
// releases waiting at refs/zonectl/inbox/<source>/<project>/<version>,
// their review against the last accepted release, and their acceptance
// (the binding file imports/<source>/<project>.hcl on main, and the
// release re-signed by this Space under refs/zonectl/releases/) or
// rejection.
//
// Verifying and staging a bundle is the importer's work; deploying an
// accepted release is deploy's, exactly as for a local one.
package inbox
