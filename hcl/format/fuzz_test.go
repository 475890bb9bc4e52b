package format

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzSource checks that Source never panics, refuses what does not parse,
// and that what it returns parses, formats to itself, ends in one newline and
// differs from the input only in whitespace.
func FuzzSource(f *testing.F) {
	seeds := []string{
		"",
		"a = 1\n",
		"a=1\r\nb  =  2\r\n",
		"x \"y\" {\n  z = [1,\n2]\n}\n",
		"a = <<EOT\n  keep  \nEOT\n",
		"a = <<-EOT\n  ${b}  \n  EOT\n",
		"# c  \n/* d */ a = 1 // e\n",
		"a = { b = 1, c = \"${d}\" }\n",
		"a = x ? y : z\nb = [for k, v in m : k => v if v]\n",
		"a = 1\nb =\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.hcl"))
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}

	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := Source("fuzz.hcl", src)
		if diags.HasErrors() {
			if out != nil {
				t.Fatalf("output returned with error diagnostics: %q", out)
			}
			return
		}
		if _, diags := hclsyntax.ParseConfig(out, "fuzz.hcl", hcl.InitialPos); diags.HasErrors() {
			t.Fatalf("output does not parse: %s\ninput:  %q\noutput: %q", diags.Error(), src, out)
		}
		again, diags := Source("fuzz.hcl", out)
		if diags.HasErrors() {
			t.Fatalf("output does not format: %s\noutput: %q", diags.Error(), out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent\ninput: %q\nonce:  %q\ntwice: %q", src, out, again)
		}
		if len(out) > 0 && (out[len(out)-1] != '\n' || bytes.HasSuffix(out, []byte("\n\n"))) {
			t.Fatalf("output does not end in exactly one newline: %q", out)
		}
		if bytes.Contains(out, []byte("\r\n")) {
			t.Fatalf("output has CRLF line endings: %q", out)
		}
		if a, b := stripSpace(src), stripSpace(out); !bytes.Equal(a, b) {
			t.Fatalf("formatting changed more than whitespace\ninput:  %q\noutput: %q", src, out)
		}
	})
}

// stripSpace returns src without any spaces, tabs, carriage returns or
// newlines.
func stripSpace(src []byte) []byte {
	return bytes.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, src)
}
