package space

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/keys"
)

// Name returns the Space's name from its space block.
func (s *Space) Name() (string, error) {
	b, err := s.Block()
	if err != nil {
		return "", err
	}
	return b.Name, nil
}

// Block returns the space block, the Space's name and settings, read from
// space.hcl alone when it is there.
func (s *Space) Block() (*config.SpaceBlock, error) {
	if r, err := os.OpenRoot(s.Root()); err == nil {
		b, _ := config.LoadSpaceBlock(r.FS())
		r.Close()
		if b != nil {
			return b, nil
		}
	}
	cfg, diags := s.Load()
	if cfg.Space == nil {
		if diags.HasErrors() {
			return nil, fmt.Errorf("cannot tell the Space's name: %s", diags.Error())
		}
		return nil, fmt.Errorf("%s has no space block; zonectl init creates one", s.Root())
	}
	return cfg.Space, nil
}

// PublicKey reads the Space's own public key from keys/<name>.asc.
func (s *Space) PublicKey() (*openpgp.Entity, []byte, error) {
	name, err := s.Name()
	if err != nil {
		return nil, nil, err
	}
	rel := PublicKeyFile(name)
	data, err := os.ReadFile(filepath.Join(s.Root(), filepath.FromSlash(rel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("space %q has no public key at %s; create a key pair with `zonectl keys generate`", name, rel)
		}
		return nil, nil, err
	}
	list, err := keys.ReadPublic(rel, data)
	if err != nil {
		return nil, nil, err
	}
	if len(list) != 1 {
		return nil, nil, fmt.Errorf("%s holds %d keys; a Space has exactly one", rel, len(list))
	}
	return list[0], data, nil
}

// Signer loads the Space's private key, found by the fingerprint of its
// committed public key, and returns a signer for it.
func (s *Space) Signer() (*keys.Signer, error) {
	priv, err := s.PrivateKey()
	if err != nil {
		return nil, err
	}
	return keys.NewSigner(priv)
}

// GenerateKeyResult describes a key pair made by GenerateKey.
type GenerateKeyResult struct {
	Fingerprint    string
	PublicKeyFile  string
	PrivateKeyPath string
}

// GenerateKey makes the key pair of a Space that has none — one created
// by hand, or whose key was never made — writing the private key outside
// the repository and the public key to keys/<name>.asc. A Space that has a
// public key keeps it: replacing a Space's key changes what every peer
// trusts, so it is refused here.
func (s *Space) GenerateKey(now time.Time) (*GenerateKeyResult, error) {
	name, err := s.Name()
	if err != nil {
		return nil, err
	}
	rel := PublicKeyFile(name)
	pubPath := filepath.Join(s.Root(), filepath.FromSlash(rel))
	if _, err := os.Lstat(pubPath); err == nil {
		return nil, fmt.Errorf("space %q already has a public key at %s; its private key stays where `zonectl init` wrote it (or where ZONECTL_KEY points)", name, rel)
	}
	kp, err := newKeyPair(name, now)
	if err != nil {
		return nil, err
	}
	fpr, priv, pub, privPath := kp.fingerprint, kp.private, kp.public, kp.privatePath
	if err := keys.WritePrivate(privPath, priv); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(pubPath), 0o755); err != nil {
		os.Remove(privPath)
		return nil, err
	}
	if err := atomicfile.WriteNew(pubPath, pub, 0o644); err != nil {
		os.Remove(privPath)
		return nil, err
	}
	return &GenerateKeyResult{Fingerprint: fpr, PublicKeyFile: rel, PrivateKeyPath: privPath}, nil
}

// PrivateKey loads the Space's private key, found by the fingerprint of its
// committed public key, for signing and decrypting.
func (s *Space) PrivateKey() (*openpgp.Entity, error) {
	pub, _, err := s.PublicKey()
	if err != nil {
		return nil, err
	}
	return keys.LoadPrivate(keys.Fingerprint(pub))
}

// keyPair is a new Space key, armored, with where its private half goes.
type keyPair struct {
	entity          *openpgp.Entity
	fingerprint     string
	public, private []byte // armored; private encrypted with the passphrase, if one is set
	privatePath     string
}

// newKeyPair generates a Space's key and prepares it for writing.
func newKeyPair(name string, now time.Time) (*keyPair, error) {
	entity, err := keys.Generate(keys.GenerateOptions{Name: name, Time: now})
	if err != nil {
		return nil, fmt.Errorf("generate the key of Space %q: %w", name, err)
	}
	kp := &keyPair{entity: entity, fingerprint: keys.Fingerprint(entity)}
	if kp.public, err = keys.ArmorPublic(entity); err != nil {
		return nil, err
	}
	pass, err := keys.Passphrase()
	if err != nil {
		return nil, err
	}
	if kp.private, err = keys.ArmorPrivate(entity, pass); err != nil {
		return nil, err
	}
	if kp.privatePath, err = keys.PrivateKeyPath(kp.fingerprint); err != nil {
		return nil, err
	}
	return kp, nil
}
