// Package edit owns structural changes to a Space's HCL files made on a
// person's behalf, such as the peer block that `zonectl peer add` writes.
//
// An edit adds what it must and leaves every other byte of the file as it
// was: comments, blank lines, the order and layout of other blocks. What it
// adds is laid out as `zonectl fmt` would. Edits check their input for syntax
// errors and conflicts, such as a peer declared twice, and report them with
// the file and line.
//
// Reading and writing files, copying keys and deciding which file to edit
// belong to the caller; decoding and checking a whole Space to package
// config; formatting whole files to package format.
package edit
