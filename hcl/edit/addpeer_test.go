package edit

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var prod = Peer{
	Name:          "prod",
	PublicKeyPath: "keys/prod.asc",
	URL:           "ssh://git@prod.example.com/spaces/prod.git",
	Accepts:       []string{"releases", "receipts"},
}

var staging = Peer{Name: "staging", PublicKeyPath: "keys/staging.asc", Accepts: []string{"receipts"}}

// TestAddPeerGolden adds a peer to each testdata/<name>.hcl and compares the
// result with testdata/<name>.golden. Run with -update to rewrite them.
func TestAddPeerGolden(t *testing.T) {
	tests := []struct {
		name string
		peer Peer
	}{
		{"after_last_peer", staging},
		{"no_peers", prod},
		{"unformatted", staging},
		{"empty", prod},
		{"comments_only", staging},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join("testdata", tt.name+".hcl")
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := AddPeer(in, src, tt.peer)
			if err != nil {
				t.Fatalf("AddPeer: %v", err)
			}
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("AddPeer(%s) differs from %s\n got:\n%s\nwant:\n%s", in, golden, got, want)
			}
			checkResult(t, src, got, tt.peer)
		})
	}
}

func TestAddPeerLayout(t *testing.T) {
	block := "peer \"staging\" {\n  public_key = file(\"keys/staging.asc\")\n  accepts    = [\"receipts\"]\n}\n"
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "after the last peer, before another block",
			src:  "peer \"a\" {\n  accepts = []\n}\nenvironment \"Test\" {}\n",
			want: "peer \"a\" {\n  accepts = []\n}\n\n" + block + "\nenvironment \"Test\" {}\n",
		},
		{
			name: "after the last peer, before a blank line",
			src:  "peer \"a\" {}\n\nenvironment \"Test\" {}\n",
			want: "peer \"a\" {}\n\n" + block + "\nenvironment \"Test\" {}\n",
		},
		{
			name: "after the last peer, which ends the file without a newline",
			src:  "peer \"a\" {}",
			want: "peer \"a\" {}\n\n" + block,
		},
		{
			name: "after the last peer and its trailing comment",
			src:  "peer \"a\" {} # first\npeer \"b\" {\n} # second\n# about environments\nenvironment \"Test\" {}\n",
			want: "peer \"a\" {} # first\npeer \"b\" {\n} # second\n\n" + block + "\n# about environments\nenvironment \"Test\" {}\n",
		},
		{
			name: "peers inside other blocks do not count",
			src:  "peer \"a\" {}\nthing {\n  peer \"b\" {}\n}\n",
			want: "peer \"a\" {}\n\n" + block + "\nthing {\n  peer \"b\" {}\n}\n",
		},
		{
			name: "end of a file without a newline",
			src:  "space \"x\" {}",
			want: "space \"x\" {}\n\n" + block,
		},
		{
			name: "end of a file with trailing blank lines",
			src:  "space \"x\" {}\n\n\n  \n",
			want: "space \"x\" {}\n\n" + block,
		},
		{
			name: "whitespace-only file",
			src:  "\n  \n",
			want: block,
		},
		{
			name: "crlf line endings kept",
			src:  "space \"x\" {\r\n}\r\npeer \"a\" {}\r\nenvironment \"Test\" {}\r\n",
			want: "space \"x\" {\r\n}\r\npeer \"a\" {}\r\n\r\n" + strings.ReplaceAll(block, "\n", "\r\n") + "\r\nenvironment \"Test\" {}\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddPeer("space.hcl", []byte(tt.src), staging)
			if err != nil {
				t.Fatalf("AddPeer: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("AddPeer(%q)\n got: %q\nwant: %q", tt.src, got, tt.want)
			}
			checkResult(t, []byte(tt.src), got, staging)
		})
	}
}

func TestAddPeerBlock(t *testing.T) {
	tests := []struct {
		name string
		peer Peer
		want string
	}{
		{
			name: "with url",
			peer: prod,
			want: "peer \"prod\" {\n  public_key = file(\"keys/prod.asc\")\n  url        = \"ssh://git@prod.example.com/spaces/prod.git\"\n  accepts    = [\"releases\", \"receipts\"]\n}\n",
		},
		{
			name: "without url",
			peer: Peer{Name: "dr", PublicKeyPath: "../keys/dr.asc", Accepts: []string{"receipts"}},
			want: "peer \"dr\" {\n  public_key = file(\"../keys/dr.asc\")\n  accepts    = [\"receipts\"]\n}\n",
		},
		{
			name: "strings escaped",
			peer: Peer{Name: "odd.name-1", PublicKeyPath: `keys/"${x}".asc`, URL: `file:///c:\spaces`, Accepts: []string{"releases"}},
			want: "peer \"odd.name-1\" {\n  public_key = file(\"keys/\\\"$${x}\\\".asc\")\n  url        = \"file:///c:\\\\spaces\"\n  accepts    = [\"releases\"]\n}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddPeer("space.hcl", nil, tt.peer)
			if err != nil {
				t.Fatalf("AddPeer: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("block\n got: %s\nwant: %s", got, tt.want)
			}
			checkResult(t, nil, got, tt.peer)
		})
	}
}

func TestAddPeerRefuses(t *testing.T) {
	const space = "space \"devtest\" {}\n\n# prod\npeer \"Prod\" {\n  accepts = [\"receipts\"]\n}\n"
	tests := []struct {
		name   string
		src    string
		peer   Peer
		want   []string // substrings of the error
		exists bool     // whether the error wraps ErrPeerExists
	}{
		{
			name:   "same name",
			src:    space,
			peer:   Peer{Name: "Prod", PublicKeyPath: "k", Accepts: []string{"receipts"}},
			want:   []string{`peer "Prod"`, "space.hcl:4"},
			exists: true,
		},
		{
			name:   "same name in another case",
			src:    space,
			peer:   Peer{Name: "prod", PublicKeyPath: "k", Accepts: []string{"receipts"}},
			want:   []string{`peer "prod"`, "space.hcl:4", `as "Prod"`, "case"},
			exists: true,
		},
		{
			name: "syntax error",
			src:  "space \"devtest\" {\n  description = \"x\"\n\npeer \"a\" {}\n",
			peer: prod,
			want: []string{`cannot add peer "prod"`, "space.hcl:1"},
		},
		{
			name: "syntax error later in the file",
			src:  "space \"devtest\" {}\n\nenvironment \"Test\" {\n  x = = 1\n}\n",
			peer: prod,
			want: []string{"space.hcl:4"},
		},
		{
			name: "invalid peer",
			src:  space,
			peer: Peer{Name: "x", PublicKeyPath: "k", Accepts: []string{"release"}},
			want: []string{`"release"`, `"releases"`, `"receipts"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := AddPeer("space.hcl", []byte(tt.src), tt.peer)
			if err == nil {
				t.Fatalf("AddPeer succeeded:\n%s", out)
			}
			if out != nil {
				t.Errorf("AddPeer returned output with its error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if got := errors.Is(err, ErrPeerExists); got != tt.exists {
				t.Errorf("errors.Is(err, ErrPeerExists) = %v, want %v", got, tt.exists)
			}
			if first := err.Error()[:1]; first != strings.ToLower(first) {
				t.Errorf("error %q does not start in lower case", err)
			}
		})
	}
}

// checkResult checks what every AddPeer result must satisfy: it parses, holds
// one more top-level peer block than src, that block decodes to p, the other
// bytes of src are all there in order, and a formatted src stays formatted.
func checkResult(t *testing.T, src, out []byte, p Peer) {
	t.Helper()
	file, diags := hclsyntax.ParseConfig(out, "out.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("output does not parse: %s\n%s", diags.Error(), out)
	}
	before, _ := hclsyntax.ParseConfig(src, "src.hcl", hcl.InitialPos)
	if n, m := len(peerBlocks(file)), len(peerBlocks(before)); n != m+1 {
		t.Errorf("output has %d peer blocks, input %d", n, m)
	}
	var added *hclsyntax.Block
	for _, b := range peerBlocks(file) {
		if b.Labels[0] == p.Name {
			added = b
		}
	}
	if added == nil {
		t.Fatalf("no peer %q in output:\n%s", p.Name, out)
	}
	if got := decodePeer(t, added); !equalPeer(got, p) {
		t.Errorf("added block decodes to %+v, want %+v", got, p)
	}

	// Removing the added block's lines must give back src, but for the
	// blank lines around it and those dropped from the end of the file.
	lines := bytes.SplitAfter(out, []byte("\n"))
	start, end := added.Range().Start.Line-1, added.Range().End.Line
	rest := bytes.Join(append(lines[:start:start], lines[end:]...), nil)
	if squeeze(rest) != squeeze(src) {
		t.Errorf("other bytes changed:\n got: %q\nwant: %q", rest, src)
	}

	crlfFree := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	if bytes.Equal(hclwrite.Format(crlfFree), crlfFree) && len(bytes.TrimSpace(src)) > 0 && bytes.HasSuffix(src, []byte("\n")) && !bytes.HasSuffix(src, []byte("\n\n")) {
		if formatted := hclwrite.Format(out); !bytes.Equal(formatted, out) {
			t.Errorf("formatted input, unformatted output:\n%s\nformatted:\n%s", out, formatted)
		}
	}
}

// squeeze drops blank lines, so that texts differing only in them compare
// equal.
func squeeze(text []byte) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func peerBlocks(f *hcl.File) []*hclsyntax.Block {
	if f == nil {
		return nil
	}
	var out []*hclsyntax.Block
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "peer" {
			out = append(out, b)
		}
	}
	return out
}

// decodePeer reads a peer block the way the config decoder will see it:
// public_key must be a call of file() with a string literal.
func decodePeer(t *testing.T, b *hclsyntax.Block) Peer {
	t.Helper()
	p := Peer{Name: b.Labels[0]}
	content, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "public_key", Required: true}, {Name: "url"}, {Name: "accepts", Required: true},
	}})
	if diags.HasErrors() {
		t.Fatalf("decoding the peer block: %s", diags.Error())
	}
	call, ok := content.Attributes["public_key"].Expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "file" || len(call.Args) != 1 {
		t.Fatalf("public_key is not a call of file() with one argument")
	}
	v, diags := call.Args[0].Value(nil)
	if diags.HasErrors() {
		t.Fatalf("file() argument: %s", diags.Error())
	}
	p.PublicKeyPath = v.AsString()
	if a, ok := content.Attributes["url"]; ok {
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("url: %s", diags.Error())
		}
		p.URL = v.AsString()
	}
	v, diags = content.Attributes["accepts"].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("accepts: %s", diags.Error())
	}
	for _, e := range v.AsValueSlice() {
		p.Accepts = append(p.Accepts, e.AsString())
	}
	return p
}

func equalPeer(a, b Peer) bool {
	return a.Name == b.Name && a.PublicKeyPath == b.PublicKeyPath && a.URL == b.URL &&
		strings.Join(a.Accepts, ",") == strings.Join(b.Accepts, ",")
}
