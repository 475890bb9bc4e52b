package space

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/hcl/edit"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/names"
)

// AddPeerOptions says which Space to trust, with what key, for what.
type AddPeerOptions struct {
	Name    string
	KeyFile string // the peer's armored public key, as `zonectl keys export` prints it
	URL     string
	Accepts []string
}

// Validate checks the options before anything is read or written.
func (o AddPeerOptions) Validate() error {
	if err := names.CheckSpace(o.Name); err != nil {
		return err
	}
	if o.KeyFile == "" {
		return errors.New("no key file given: pass the peer's public key with --key FILE (the peer prints it with `zonectl keys export`)")
	}
	if o.URL != "" {
		if err := checkURL(o.URL); err != nil {
			return err
		}
	}
	return edit.Peer{Name: o.Name, PublicKeyPath: PublicKeyFile(o.Name), URL: o.URL, Accepts: o.Accepts}.Validate()
}

// checkURL accepts what `git push` accepts for a remote: a URL with a
// scheme Git speaks, or scp-like user@host:path.
func checkURL(raw string) error {
	if !strings.Contains(raw, "://") {
		if strings.Contains(raw, "@") && strings.Contains(raw, ":") {
			return nil
		}
		return fmt.Errorf("invalid peer URL %q: use file://, ssh://, http:// or https://, or scp-like user@host:path", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid peer URL %q: %v", raw, err)
	}
	switch u.Scheme {
	case "file", "ssh", "http", "https", "git":
		return nil
	}
	return fmt.Errorf("invalid peer URL %q: scheme %q is not one Git pushes to; use file, ssh, http or https", raw, u.Scheme)
}

// AddPeerResult describes the peer that AddPeer added.
type AddPeerResult struct {
	Fingerprint string
	KeyFile     string // where the key was copied, relative to the Space's root
	ConfigFile  string // the file the peer block was added to
}

// AddPeer trusts a peer: it copies the peer's public key to keys/<name>.asc
// and adds a peer block beside the space block, keeping the file's comments
// and layout. The change is left in the work tree for review and commit, as
// every change to a Space's configuration is. On failure nothing is left
// changed.
func (s *Space) AddPeer(opts AddPeerOptions) (*AddPeerResult, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	armored, fpr, err := readPeerKey(opts.Name, opts.KeyFile)
	if err != nil {
		return nil, err
	}

	cfg, diags := s.Load()
	if cfg.Space == nil {
		return nil, fmt.Errorf("%s has no space block to add the peer beside: %s", s.Root(), diags.Error())
	}
	if cfg.Space.Name != "" && strings.EqualFold(cfg.Space.Name, opts.Name) {
		return nil, fmt.Errorf("peer %q has this Space's own name; a peer is another Space", opts.Name)
	}
	if p := cfg.Peer(opts.Name); p != nil {
		return nil, fmt.Errorf("peer %q is already declared at %s:%d", p.Name, p.DeclRange.Filename, p.DeclRange.Start.Line)
	}
	if err := s.notOwnKey(cfg, opts.Name, opts.KeyFile, fpr); err != nil {
		return nil, err
	}

	hclFile := cfg.Space.DeclRange.Filename
	hclPath := filepath.Join(s.Root(), filepath.FromSlash(hclFile))
	src, err := os.ReadFile(hclPath)
	if err != nil {
		return nil, err
	}
	keyRel := PublicKeyFile(opts.Name)
	// The path written in file() is relative to the file holding the block.
	fromHCL, err := filepath.Rel(filepath.Dir(hclPath), filepath.Join(s.Root(), filepath.FromSlash(keyRel)))
	if err != nil {
		return nil, err
	}
	out, err := edit.AddPeer(hclFile, src, edit.Peer{Name: opts.Name, PublicKeyPath: filepath.ToSlash(fromHCL), URL: opts.URL, Accepts: opts.Accepts})
	if err != nil {
		return nil, err
	}

	keyPath := filepath.Join(s.Root(), filepath.FromSlash(keyRel))
	wroteKey, err := writeKeyFile(keyPath, keyRel, armored, fpr)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(hclPath, out, 0o644); err != nil {
		if wroteKey {
			os.Remove(keyPath)
		}
		return nil, err
	}
	return &AddPeerResult{Fingerprint: fpr, KeyFile: keyRel, ConfigFile: hclFile}, nil
}

// writeKeyFile writes a peer's public key unless the same key is there
// already; another key under the same name is refused rather than
// replaced, because replacing a peer's key is a change of trust that
// deserves its own review.
func writeKeyFile(path, rel string, armored []byte, fpr string) (wrote bool, err error) {
	existing, err := os.ReadFile(path)
	switch {
	case err == nil:
		if bytes.Equal(existing, armored) {
			return false, nil
		}
		if list, perr := keys.ReadPublic(rel, existing); perr == nil && keys.Fingerprint(list[0]) == fpr {
			return false, nil
		}
		return false, fmt.Errorf("%s already holds another key; remove it first if the peer's key really changed", rel)
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	if err := atomicfile.WriteNew(path, armored, 0o644); err != nil {
		return false, err
	}
	return true, nil
}

// readPeerKey reads a peer's public key from file: exactly one key,
// armored as the Space keeps it, and its fingerprint.
func readPeerKey(name, file string) ([]byte, string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("read the key of peer %q: %w", name, err)
	}
	list, err := keys.ReadPublic(file, data)
	if err != nil {
		return nil, "", err
	}
	if len(list) != 1 {
		return nil, "", fmt.Errorf("%s holds %d keys; a peer has exactly one", file, len(list))
	}
	armored, err := keys.ArmorPublic(list[0])
	return armored, keys.Fingerprint(list[0]), err
}

// notOwnKey refuses, as a peer's key, this Space's own.
func (s *Space) notOwnKey(cfg *config.Space, name, file, fpr string) error {
	own, err := os.ReadFile(filepath.Join(s.Root(), filepath.FromSlash(PublicKeyFile(cfg.Space.Name))))
	if err != nil {
		return nil
	}
	if l, err := keys.ReadPublic(PublicKeyFile(cfg.Space.Name), own); err == nil && keys.Fingerprint(l[0]) == fpr {
		return fmt.Errorf("%s is this Space's own public key (%s), not the key of peer %q", file, fpr, name)
	}
	return nil
}
