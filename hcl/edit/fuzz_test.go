package edit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzAddPeer checks that AddPeer never panics, refuses what does not parse
// and only true duplicates, and otherwise returns a file that parses, holds
// the new peer, and keeps every other line of the input.
func FuzzAddPeer(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.hcl"))
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src, "staging")
		}
	}
	f.Add([]byte("peer \"a\" {} /* spans\nlines */\nx = 1\n"), "b")
	f.Add([]byte("peer \"a\" {\n  k = <<EOT\n}\nEOT\n}"), "A")
	f.Add([]byte("peer \"Prod\" {}\r\n"), "prod")

	f.Fuzz(func(t *testing.T, src []byte, name string) {
		p := Peer{Name: name, PublicKeyPath: "keys/peer.asc", Accepts: []string{AcceptReceipts}}
		if p.Validate() != nil {
			return
		}
		out, err := AddPeer("space.hcl", src, p)
		file, diags := hclsyntax.ParseConfig(src, "space.hcl", hcl.InitialPos)
		switch {
		case diags.HasErrors():
			if err == nil {
				t.Fatalf("AddPeer accepted a file with syntax errors: %s", diags.Error())
			}
			return
		case errors.Is(err, ErrPeerExists):
			for _, b := range peerBlocks(file) {
				if len(b.Labels) > 0 && strings.EqualFold(b.Labels[0], name) {
					return
				}
			}
			t.Fatalf("AddPeer says %q exists, but no peer block has that name: %v", name, err)
		case err != nil:
			t.Fatalf("AddPeer: %v", err)
		}
		checkResult(t, src, out, p)
	})
}
