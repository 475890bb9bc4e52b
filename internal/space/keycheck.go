package space

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
)

// checkKeys reports a missing or unusable own public key and peer keys
// that are not OpenPGP public keys.
func checkKeys(root string, cfg *config.Space) hcl.Diagnostics {
	var diags hcl.Diagnostics
	own := ""
	if cfg.Space != nil {
		file := PublicKeyFile(cfg.Space.Name)
		rng := cfg.Space.DeclRange
		data, err := os.ReadFile(filepath.Join(root, file))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing public key",
				Detail:   fmt.Sprintf("Space %q keeps its public key at %s, which does not exist. Create a key pair with: zonectl keys generate", cfg.Space.Name, file),
				Subject:  &rng,
			})
		case err != nil:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read public key", Detail: fmt.Sprintf("Reading %s: %s.", file, err), Subject: &rng})
		default:
			if list, err := keys.ReadPublic(file, data); err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid public key", Detail: err.Error() + ".", Subject: &rng})
			} else {
				own = keys.Fingerprint(list[0])
			}
		}
	}
	for _, p := range cfg.Peers {
		if p.PublicKey == "" {
			continue
		}
		rng := p.PublicKeyRange
		list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", p.Name), []byte(p.PublicKey))
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid peer public key", Detail: err.Error() + ".", Subject: &rng})
			continue
		}
		if own != "" && keys.Fingerprint(list[0]) == own {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Peer has this Space's own key",
				Detail:   fmt.Sprintf("The public key of peer %q is this Space's own key (%s); the peer's key was probably copied from the wrong Space.", p.Name, own),
				Subject:  &rng,
			})
		}
	}
	return diags
}
