package space

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
)

// Space is an opened Space: its repository, whose work tree holds the HCL
// configuration.
type Space struct {
	Repo *gitstore.Repo
}

// Open opens the Space whose repository holds dir.
func Open(dir string) (*Space, error) {
	repo, err := gitstore.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Space{Repo: repo}, nil
}

// Root is the Space's work tree.
func (s *Space) Root() string { return s.Repo.Root() }

// Load decodes and checks the configuration in the work tree, as it is now
// (edits not yet committed included: that is what a pull request is
// validated on).
func (s *Space) Load() (*config.Space, hcl.Diagnostics) { return LoadDir(s.Root()) }

// LoadRoot decodes the root files of the work tree alone (config.LoadRoot).
func (s *Space) LoadRoot() (*config.Space, hcl.Diagnostics) {
	r, err := os.OpenRoot(s.Root())
	if err != nil {
		return &config.Space{}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the Space", Detail: fmt.Sprintf("Opening %s: %s.", s.Root(), err)}}
	}
	defer r.Close()
	return config.LoadRoot(r.FS())
}

// Validate is Load plus the checks that need keys.
func (s *Space) Validate() (*config.Space, hcl.Diagnostics) { return ValidateDir(s.Root()) }

// LoadDir decodes and checks the Space configuration under root. It reads
// through an os.Root, so neither file() nor a symbolic link can reach
// outside the directory.
func LoadDir(root string) (*config.Space, hcl.Diagnostics) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return &config.Space{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read the Space",
			Detail:   fmt.Sprintf("Opening %s: %s.", root, err),
		}}
	}
	defer r.Close()
	return config.Load(r.FS())
}

// ValidateDir loads the configuration under root and adds the checks that
// need keys: the Space's own public key is committed, and each peer's
// public_key is a usable OpenPGP public key.
func ValidateDir(root string) (*config.Space, hcl.Diagnostics) {
	cfg, diags := LoadDir(root)
	return cfg, append(diags, checkKeys(root, cfg)...)
}

// PublicKeyFile is where a Space keeps the public key of the Space named
// name, its own or a peer's.
func PublicKeyFile(name string) string { return filepath.ToSlash(filepath.Join("keys", name+".asc")) }
