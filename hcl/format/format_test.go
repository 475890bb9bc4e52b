package format

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestSource(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "misaligned attributes",
			in:   "a=1\nlonger_name   =   \"x\"\nb= true\n",
			want: "a           = 1\nlonger_name = \"x\"\nb           = true\n",
		},
		{
			name: "nested blocks",
			in:   "lifecycle \"Default\" {\nphase \"Test\" {\nenvironments=[\"Test\"]\n    required = \"all\"\n}\n}\n",
			want: "lifecycle \"Default\" {\n  phase \"Test\" {\n    environments = [\"Test\"]\n    required     = \"all\"\n  }\n}\n",
		},
		{
			name: "comments kept and aligned",
			in:   "# leading\npeer \"prod\" {\n  url = \"ssh://x\" # optional\n  accepts    = [\"receipts\"]   // what we take\n  /* block */\n}\n",
			want: "# leading\npeer \"prod\" {\n  url     = \"ssh://x\"    # optional\n  accepts = [\"receipts\"] // what we take\n  /* block */\n}\n",
		},
		{
			name: "heredoc untouched",
			in:   "step \"x\" {\n  body=<<EOT\n  keep   \n\tthis  \nEOT\n}\n",
			want: "step \"x\" {\n  body = <<EOT\n  keep   \n\tthis  \nEOT\n}\n",
		},
		{
			name: "indented heredoc untouched",
			in:   "a = <<-EOT\n      two  \n    four\n    EOT\n",
			want: "a = <<-EOT\n      two  \n    four\n    EOT\n",
		},
		{
			name: "heredoc interpolation untouched",
			in:   "a = <<EOT\nx ${b}  \n  ${c}\nEOT\n",
			want: "a = <<EOT\nx ${b}  \n  ${c}\nEOT\n",
		},
		{
			name: "trailing whitespace removed",
			in:   "a = 1   \n# comment  \t\n\n  \nb = 2\t\n",
			want: "a = 1\n# comment\n\n\nb = 2\n",
		},
		{
			name: "crlf becomes lf",
			in:   "a=1\r\n# c\r\nb {\r\n  x = <<EOT\r\nline\r\nEOT\r\n}\r\n",
			want: "a = 1\n# c\nb {\n  x = <<EOT\nline\nEOT\n}\n",
		},
		{
			name: "missing final newline added",
			in:   "a = 1",
			want: "a = 1\n",
		},
		{
			name: "extra final newlines dropped",
			in:   "a = 1\n\n\n\n",
			want: "a = 1\n",
		},
		{
			name: "leading blank lines dropped",
			in:   "\n\n  \na = 1\n",
			want: "a = 1\n",
		},
		{
			name: "comment only",
			in:   "# nothing here yet",
			want: "# nothing here yet\n",
		},
		{
			name: "empty",
			in:   "",
			want: "",
		},
		{
			name: "whitespace only",
			in:   " \n\t\n\r\n",
			want: "",
		},
		{
			name: "blank lines between blocks kept",
			in:   "environment \"Development\" {}\n\nenvironment \"Test\" {}\n",
			want: "environment \"Development\" {}\n\nenvironment \"Test\" {}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Source("test.hcl", []byte(tt.in))
			if diags.HasErrors() {
				t.Fatalf("Source: %s", diags.Error())
			}
			if string(got) != tt.want {
				t.Errorf("Source(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
			}
			again, diags := Source("test.hcl", got)
			if diags.HasErrors() {
				t.Fatalf("Source of formatted output: %s", diags.Error())
			}
			if !bytes.Equal(again, got) {
				t.Errorf("not idempotent:\nonce:  %q\ntwice: %q", got, again)
			}
		})
	}
}

// TestGolden formats each testdata/*.hcl file and compares the result with
// the file of the same name ending in .golden. Run with -update to rewrite
// the golden files after an intended change.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.hcl files")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, diags := Source(in, src)
			if diags.HasErrors() {
				t.Fatalf("Source: %s", diags.Error())
			}
			golden := strings.TrimSuffix(in, ".hcl") + ".golden"
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
				t.Errorf("%s: output differs from %s\n got:\n%s\nwant:\n%s", in, golden, got, want)
			}
			again, _ := Source(golden, got)
			if !bytes.Equal(again, got) {
				t.Errorf("%s: formatting the output changes it again:\n%s", in, again)
			}
		})
	}
}

func TestSourceRefuses(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantLine int
	}{
		{"unclosed block points at its opening", "a = 1\nspace \"x\" {\n  description = \"y\"\n", 2},
		{"missing value", "a = 1\nb =\n", 2},
		{"bad attribute", "a = 1\n\nc = = 2\n", 3},
		{"unterminated string", "a = 1\nb = \"oops\n", 2},
		{"unterminated heredoc at end of file", "a = <<EOT\nhello\n", 3},
		{"error after a crlf", "a = 1\r\nb = 2\r\nc d\r\n", 3},
		// Parses, but hclwrite.Format would join `0 .0` into the number 0.0.
		{"format would change tokens", "a = 1\nb = 0 .0\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Source("space.hcl", []byte(tt.in))
			if got != nil {
				t.Errorf("Source returned output for a broken file: %q", got)
			}
			if !diags.HasErrors() {
				t.Fatalf("Source returned no error diagnostics")
			}
			first := firstError(diags)
			if first.Subject == nil {
				t.Fatalf("diagnostic %q has no subject", first.Summary)
			}
			if first.Subject.Filename != "space.hcl" {
				t.Errorf("diagnostic filename = %q, want %q", first.Subject.Filename, "space.hcl")
			}
			if first.Subject.Start.Line != tt.wantLine {
				t.Errorf("diagnostic %q at line %d, want line %d", first.Summary, first.Subject.Start.Line, tt.wantLine)
			}
		})
	}
}

func firstError(diags hcl.Diagnostics) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d
		}
	}
	return nil
}
