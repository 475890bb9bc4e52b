package edit

import (
	"strings"
	"testing"
)

func TestPeerValidate(t *testing.T) {
	ok := func(mod func(*Peer)) Peer {
		p := Peer{Name: "prod", PublicKeyPath: "keys/prod.asc", Accepts: []string{"releases"}}
		mod(&p)
		return p
	}
	tests := []struct {
		name string
		peer Peer
		want string // substring of the error; "" for none
	}{
		{"valid", ok(func(*Peer) {}), ""},
		{"both accepts", ok(func(p *Peer) { p.Accepts = []string{"receipts", "releases"} }), ""},
		{"with url", ok(func(p *Peer) { p.URL = "https://git.example.com/prod.git" }), ""},
		{"name with dots, digits and dashes", ok(func(p *Peer) { p.Name = "1-prod.eu_west" }), ""},
		{"name with quotes and template", ok(func(p *Peer) { p.Name = `a"b${c}%{d}\e` }), ""},
		{"unicode name", ok(func(p *Peer) { p.Name = "prödüktion" }), ""},
		{"empty name", ok(func(p *Peer) { p.Name = "" }), "peer name is empty"},
		{"blank name", ok(func(p *Peer) { p.Name = "  " }), "starts or ends with a space"},
		{"name with trailing space", ok(func(p *Peer) { p.Name = "prod " }), "starts or ends with a space"},
		{"name with newline", ok(func(p *Peer) { p.Name = "pr\nod" }), "control character"},
		{"name with nul", ok(func(p *Peer) { p.Name = "pr\x00od" }), "control character"},
		{"name not utf-8", ok(func(p *Peer) { p.Name = "pr\xffod" }), "not valid UTF-8"},
		{"no key path", ok(func(p *Peer) { p.PublicKeyPath = "" }), `peer "prod" has no public key path`},
		{"no accepts", ok(func(p *Peer) { p.Accepts = nil }), `accepts nothing: it must accept "releases"`},
		{"empty accepts", ok(func(p *Peer) { p.Accepts = []string{} }), "accepts nothing"},
		{"singular accepts", ok(func(p *Peer) { p.Accepts = []string{"release"} }), `cannot accept "release": it accepts "releases"`},
		{"capitalised accepts", ok(func(p *Peer) { p.Accepts = []string{"Receipts"} }), `cannot accept "Receipts"`},
		{"empty accepts word", ok(func(p *Peer) { p.Accepts = []string{""} }), `cannot accept ""`},
		{"duplicate accepts", ok(func(p *Peer) { p.Accepts = []string{"receipts", "receipts"} }), `accepts "receipts" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.peer.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate accepted %+v", tt.peer)
			case err != nil && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate error %q does not contain %q", err, tt.want)
			}
			if err != nil && strings.Contains(tt.want, "accept") && !strings.Contains(err.Error(), `"receipts"`) {
				t.Errorf("error %q does not list the valid words", err)
			}
			if err == nil {
				// A valid peer is one AddPeer can write.
				out, err := AddPeer("space.hcl", nil, tt.peer)
				if err != nil {
					t.Fatalf("AddPeer of a valid peer: %v", err)
				}
				checkResult(t, nil, out, tt.peer)
			}
		})
	}
}
