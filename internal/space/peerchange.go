package space

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/hcl/edit"
	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/keys"
)

// UpdatePeerOptions changes a peer: a field left empty (nil Accepts) is
// kept as it is.
type UpdatePeerOptions struct {
	Name    string
	KeyFile string // the peer's new armored public key, when its key changed
	URL     string
	Accepts []string
}

// PeerChange says what UpdatePeer or RemovePeer changed.
type PeerChange struct {
	Name           string
	OldFingerprint string
	Fingerprint    string // the key now trusted; "" once removed
	KeyFile        string // relative to the Space's root
	ConfigFile     string // the file whose peer block changed
	Accepts        []string
	URL            string
}

// UpdatePeer changes a peer's key, URL or what this Space accepts from
// it: its block is written anew where the file keeps its peers, and a new
// key replaces keys/NAME.asc. As every change to the configuration, it is
// left in the work tree to review and commit. A new key is a change of
// trust: the result names the old fingerprint and the new.
func (s *Space) UpdatePeer(opts UpdatePeerOptions) (*PeerChange, error) {
	cfg, p, err := s.peer(opts.Name)
	if err != nil {
		return nil, err
	}
	ch := &PeerChange{Name: p.Name, KeyFile: PublicKeyFile(p.Name), ConfigFile: p.DeclRange.Filename, URL: p.URL, Accepts: config.Names(p.Accepts)}
	if opts.Accepts != nil {
		ch.Accepts = opts.Accepts
	}
	if opts.URL != "" {
		if err := checkURL(opts.URL); err != nil {
			return nil, err
		}
		ch.URL = opts.URL
	}
	old, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", p.Name), []byte(p.PublicKey))
	if err != nil {
		return nil, err
	}
	ch.OldFingerprint, ch.Fingerprint = keys.Fingerprint(old[0]), keys.Fingerprint(old[0])
	var armored []byte
	if opts.KeyFile != "" {
		if armored, ch.Fingerprint, err = s.peerKey(cfg, p.Name, opts.KeyFile); err != nil {
			return nil, err
		}
	}
	hclPath := filepath.Join(s.Root(), filepath.FromSlash(ch.ConfigFile))
	src, err := os.ReadFile(hclPath)
	if err != nil {
		return nil, err
	}
	without, _, err := edit.RemovePeer(ch.ConfigFile, src, p.Name)
	if err != nil {
		return nil, err
	}
	fromHCL, err := filepath.Rel(filepath.Dir(hclPath), filepath.Join(s.Root(), filepath.FromSlash(ch.KeyFile)))
	if err != nil {
		return nil, err
	}
	out, err := edit.AddPeer(ch.ConfigFile, without, edit.Peer{Name: p.Name, PublicKeyPath: filepath.ToSlash(fromHCL), URL: ch.URL, Accepts: ch.Accepts})
	if err != nil {
		return nil, err
	}
	if armored != nil {
		if err := atomicfile.Write(filepath.Join(s.Root(), filepath.FromSlash(ch.KeyFile)), armored, 0o644); err != nil {
			return nil, err
		}
	}
	if err := atomicfile.Write(hclPath, out, 0o644); err != nil {
		return nil, err
	}
	return ch, nil
}

// RemovePeer stops trusting a peer: its block leaves the file that
// declares it, and its key file, keys/NAME.asc, is removed. Left in the
// work tree to review and commit.
func (s *Space) RemovePeer(name string) (*PeerChange, error) {
	_, p, err := s.peer(name)
	if err != nil {
		return nil, err
	}
	ch := &PeerChange{Name: p.Name, KeyFile: PublicKeyFile(p.Name), ConfigFile: p.DeclRange.Filename}
	if old, err := keys.ReadPublic("public_key of peer "+p.Name, []byte(p.PublicKey)); err == nil {
		ch.OldFingerprint = keys.Fingerprint(old[0])
	}
	hclPath := filepath.Join(s.Root(), filepath.FromSlash(ch.ConfigFile))
	src, err := os.ReadFile(hclPath)
	if err != nil {
		return nil, err
	}
	out, _, err := edit.RemovePeer(ch.ConfigFile, src, p.Name)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(hclPath, out, 0o644); err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(s.Root(), filepath.FromSlash(ch.KeyFile))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return ch, nil
}

// peer is the configuration and the peer called name, or an error that
// names the peers there are.
func (s *Space) peer(name string) (*config.Space, *config.Peer, error) {
	cfg, diags := s.Load()
	if cfg.Space == nil {
		return nil, nil, fmt.Errorf("cannot read the Space: %s", diags.Error())
	}
	p := cfg.Peer(name)
	if p == nil {
		return nil, nil, fmt.Errorf("%q is not a peer of this Space (its peers: %v).%s", name, cfg.PeerNames(), config.DidYouMean(name, cfg.PeerNames()))
	}
	return cfg, p, nil
}

// peerKey reads a peer's new key from file: one key, not this Space's own.
func (s *Space) peerKey(cfg *config.Space, name, file string) ([]byte, string, error) {
	armored, fpr, err := readPeerKey(name, file)
	if err != nil {
		return nil, "", err
	}
	return armored, fpr, s.notOwnKey(cfg, name, file, fpr)
}
