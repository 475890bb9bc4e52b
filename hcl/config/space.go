package config

import (
	"io/fs"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// SpaceBlock is the `space` block: the Space's own name. Its public key is
// committed at keys/<name>.asc.
type SpaceBlock struct {
	Name        string
	Description string
	// Remote is the Git remote of each clone that holds the Space's truth
	// (see docs/team.md); empty for a Space kept in one clone.
	Remote      string
	RemoteRange hcl.Range
	// ProtectedMain says that main takes changes only through pull
	// requests: accept proposes a binding on a branch instead of
	// committing it (docs/team.md).
	ProtectedMain bool
	DeclRange     hcl.Range
}

var spaceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}, {Name: "remote"}, {Name: "protected_main"}},
}

var remoteNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func decodeSpace(d *decoder, b *hcl.Block) *SpaceBlock {
	content, diags := b.Body.Content(spaceSchema)
	d.add(diags)
	sb := &SpaceBlock{
		Name:          b.Labels[0],
		Description:   d.str(content.Attributes, "description"),
		Remote:        d.str(content.Attributes, "remote"),
		ProtectedMain: d.boolean(content.Attributes, "protected_main", false),
		DeclRange:     b.DefRange,
	}
	if attr, ok := content.Attributes["remote"]; ok {
		sb.RemoteRange = attr.Expr.Range()
		if !remoteNameRE.MatchString(sb.Remote) || strings.Contains(sb.Remote, "..") {
			d.errorf(sb.RemoteRange, "Invalid remote", "remote = %q is not the name of a Git remote; it names one of the clone's remotes, such as \"origin\" (see `git remote -v`), not a URL.", sb.Remote)
		}
	}
	return sb
}

// What a peer may send this Space.
const (
	AcceptReleases = "releases"
	AcceptReceipts = "receipts"
)

// Peer is a `peer` block: another Space this one trusts for what Accepts
// lists.
type Peer struct {
	Name           string
	PublicKey      string
	PublicKeyRange hcl.Range
	URL            string
	Accepts        []Ref
	DeclRange      hcl.Range
}

// AcceptsKind reports whether the peer is trusted for kind (AcceptReleases
// or AcceptReceipts).
func (p *Peer) AcceptsKind(kind string) bool {
	for _, a := range p.Accepts {
		if a.Name == kind {
			return true
		}
	}
	return false
}

var peerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "public_key", Required: true},
		{Name: "url"},
		{Name: "accepts", Required: true},
	},
}

func decodePeer(d *decoder, b *hcl.Block) *Peer {
	content, diags := b.Body.Content(peerSchema)
	d.add(diags)
	p := &Peer{Name: b.Labels[0], DeclRange: b.DefRange}
	if key, ok := d.requiredStr(content.Attributes, "public_key", b); ok {
		p.PublicKey, p.PublicKeyRange = key.Name, key.Range
	}
	p.URL = d.str(content.Attributes, "url")
	before := len(d.diags)
	p.Accepts = d.refs(content.Attributes, "accepts")
	if attr, ok := content.Attributes["accepts"]; ok && len(p.Accepts) == 0 && len(d.diags) == before {
		d.errorf(attr.Expr.Range(), "Empty \"accepts\"", "Peer %q must accept \"releases\", \"receipts\" or both; a peer trusted for nothing has no reason to be here.", p.Name)
	}
	for _, a := range p.Accepts {
		if a.Name != AcceptReleases && a.Name != AcceptReceipts {
			d.errorf(a.Range, "Invalid \"accepts\" value", "Peer %q accepts %q; the valid values are \"releases\" and \"receipts\".%s", p.Name, a.Name, didYouMean(a.Name, []string{AcceptReleases, AcceptReceipts}))
		}
	}
	return p
}

// SpaceFile is where zonectl init writes the space block.
const SpaceFile = "space.hcl"

// LoadSpaceBlock decodes the space block from SpaceFile alone, for what
// needs only the Space's name and settings, not the whole configuration.
// It returns nil, with no error, when that file holds no space block (it
// may be written in another file): the caller then loads the whole Space.
func LoadSpaceBlock(fsys fs.FS) (*SpaceBlock, hcl.Diagnostics) {
	l := newLoader(fsys, &Space{})
	if _, err := fs.Stat(fsys, SpaceFile); err != nil {
		return nil, nil
	}
	c := l.readFile(SpaceFile, placeRoot)
	if len(c.spaces) == 0 {
		return nil, nil
	}
	if l.diags.HasErrors() {
		return c.spaces[0], l.diags
	}
	return c.spaces[0], nil
}
