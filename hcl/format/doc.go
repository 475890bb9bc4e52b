// Package format owns the canonical layout of zonectl's HCL files, as
// `zonectl fmt` writes them.
//
// The layout is hclwrite.Format's (the one `terraform fmt` produces), made
// stable: the result of Source formats to itself, uses LF line endings, has
// no trailing whitespace outside heredoc bodies, and ends with exactly one
// newline. Only whitespace ever changes; a file with syntax errors is refused
// rather than formatted.
//
// Deciding which files to format, writing them back and showing differences
// belong to the command; structural edits (adding blocks) belong to package
// edit.
package format
