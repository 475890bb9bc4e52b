package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// sensitivePlainText reports a sensitive variable with a value that is not
// encrypted. The diagnostic never quotes the value, and marks its subject
// so that the source line shown beside it is masked.
func sensitivePlainText(variable string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Sensitive value in plain text",
		Detail:   fmt.Sprintf("Variable %q is sensitive, but this value is not an OpenPGP message encrypted to the Space's key, so the secret sits in plain text in Git. Remove it, rotate the secret, and set it with: zonectl secret set %s --env ENV", variable, variable),
		Subject:  &rng,
		Extra:    SensitiveSubject{},
	}
}
