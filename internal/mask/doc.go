// Package mask hides sensitive values in everything zonectl outputs: logs,
// ledger entries, --dry-run plans, release show, error messages.
//
// Every occurrence of a registered value is replaced by [Mask]
// ("********"), whatever its length, so the output does not even tell how
// long the value was. Occurrences that overlap share one mask; occurrences
// that merely touch get one each. When one secret contains another
// ("secret" and "secret-password") the longer is masked whole.
//
// A [Masker] holds the values; [Masker.String], [Masker.Bytes] and
// [Masker.Error] mask finished output, and [Masker.Writer] masks a stream,
// such as a step's stdout, without waiting for it to end.
//
// Which values are sensitive belongs to the variables package, which adds
// them as it resolves them; where masking must happen belongs to each
// output (cmd's printer, the ledger, the deploy step). This package only
// finds and replaces.
package mask
