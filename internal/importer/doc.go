// Package importer owns the verification of a release bundle arriving in
// a target Space, and its staging in the inbox. Import runs the checks in
// a fixed order, each its own function, and writes nothing until every one
// has passed; see Import.
package importer
