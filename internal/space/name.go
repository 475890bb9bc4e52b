package space

import (
	"fmt"
	"regexp"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// CheckName reports whether name can name a Space or a peer. Such names end
// up in file names (keys/<name>.asc), directories (imports/<name>/) and Git
// refs (refs/zonectl/receipts/<name>), so they keep to characters that are
// safe in all three.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid Space name %q: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}
