package bundle

import "github.com/zonectl/zonectl/gitstore"

// checkRefName reports whether name may be a bundle reference: "HEAD",
// which git bundle create --all writes, or a full ref name under refs/ that
// git check-ref-format accepts — gitstore's rule, so that a name a bundle
// carries is always one zonectl could write.
func checkRefName(name string) error {
	if name == "HEAD" {
		return nil
	}
	return gitstore.ValidateRefName(name)
}
