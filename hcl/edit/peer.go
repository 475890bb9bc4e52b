package edit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// What a peer may send this Space: the words of a peer block's accepts list.
const (
	AcceptReleases = "releases"
	AcceptReceipts = "receipts"
)

var acceptWords = []string{AcceptReleases, AcceptReceipts}

// Peer is the content of a peer block: the Space Name, trusted with the
// public key in the file at PublicKeyPath (relative to the HCL file, as
// file() reads it) for what Accepts lists, and reachable at URL in
// connected mode.
type Peer struct {
	Name          string
	PublicKeyPath string
	URL           string // optional
	Accepts       []string
}

// Validate checks that p can be written as a peer block that zonectl will
// accept: a name that is a valid block label, a key path, and an accepts
// list of "releases", "receipts" or both.
func (p Peer) Validate() error {
	if p.Name == "" {
		return errors.New("peer name is empty")
	}
	if err := checkLabel(p.Name); err != nil {
		return fmt.Errorf("invalid peer name %q: %w", p.Name, err)
	}
	if p.PublicKeyPath == "" {
		return fmt.Errorf("peer %q has no public key path", p.Name)
	}
	if len(p.Accepts) == 0 {
		return fmt.Errorf("peer %q accepts nothing: it must accept %s", p.Name, validAccepts)
	}
	for i, a := range p.Accepts {
		if !slices.Contains(acceptWords, a) {
			return fmt.Errorf("peer %q cannot accept %q: it accepts %s", p.Name, a, validAccepts)
		}
		if slices.Contains(p.Accepts[:i], a) {
			return fmt.Errorf("peer %q accepts %q twice", p.Name, a)
		}
	}
	return nil
}

const validAccepts = `"releases" (this Space imports its releases), "receipts" (this Space promotes to it and takes back receipts) or both`

// checkLabel reports why name cannot be a block label that HCL reads back
// as name, if it cannot.
func checkLabel(name string) error {
	switch {
	case !utf8.ValidString(name):
		return errors.New("it is not valid UTF-8")
	case strings.TrimSpace(name) != name:
		return errors.New("it starts or ends with a space")
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("it holds a control character")
	}
	f := hclwrite.NewEmptyFile()
	f.Body().AppendNewBlock("peer", []string{name})
	parsed, diags := hclsyntax.ParseConfig(f.Bytes(), "", hcl.InitialPos)
	if diags.HasErrors() {
		return errors.New("HCL cannot read it back as a block label")
	}
	blocks := parsed.Body.(*hclsyntax.Body).Blocks
	if len(blocks) != 1 || len(blocks[0].Labels) != 1 || blocks[0].Labels[0] != name {
		return errors.New("HCL cannot read it back as a block label")
	}
	return nil
}

// block returns p as a formatted peer block, ending in a newline:
//
//	peer "prod" {
//	  public_key = file("keys/prod.asc")
//	  url        = "ssh://git@prod.example.com/spaces/prod.git"
//	  accepts    = ["releases", "receipts"]
//	}
//
// url is left out when p.URL is empty.
func (p Peer) block() []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body().AppendNewBlock("peer", []string{p.Name}).Body()
	body.SetAttributeRaw("public_key", hclwrite.TokensForFunctionCall("file", hclwrite.TokensForValue(cty.StringVal(p.PublicKeyPath))))
	if p.URL != "" {
		body.SetAttributeValue("url", cty.StringVal(p.URL))
	}
	accepts := make([]cty.Value, len(p.Accepts))
	for i, a := range p.Accepts {
		accepts[i] = cty.StringVal(a)
	}
	body.SetAttributeValue("accepts", cty.TupleVal(accepts))
	return hclwrite.Format(f.Bytes())
}
