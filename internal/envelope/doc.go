// Package envelope owns zonectl's signed documents: JSON files that name
// their own type and schema version, with a detached OpenPGP signature over
// the file's exact bytes.
//
// A document looks like this, "type" and "schema" always its first two
// fields:
//
//	{
//	  "type": "zonectl.release-bundle.manifest",
//	  "schema": "1.0",
//	  "project": "acme-web",
//	  ...
//	}
//
// The signature is an ordinary binary-document signature over the file, so
// an auditor without zonectl checks one with
//
//	gpg --verify manifest.json.asc manifest.json
//
// This takes the idea of in-toto's envelopes (a signature binds a document's
// type as well as its content, so a signature for one kind of document is
// never accepted as another) and keeps the signed bytes a plain file that
// stock gpg verifies. The type lives inside the signed bytes, and [Open]
// refuses a document whose type is not the one its caller expects before it
// looks at the signature. A signature may also carry the type as the
// OpenPGP notation [NotationName]; when it does, the notation must name the
// expected type too.
//
// Schema versions are MAJOR.MINOR. A reader accepts a document of its own
// major version and any minor version, ignoring fields it does not know; a
// document of another major version is refused with a [*SchemaError] that
// names the version needed.
//
// What the documents hold (release bundle manifests, receipt manifests,
// indexes of split bundles) belongs to their packages; keys and the checking
// of signatures belong to package keys; whom to trust belongs to the caller,
// which hands Open a keys.Verifier over the keys it trusts.
package envelope
