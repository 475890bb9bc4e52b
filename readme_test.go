package zonectl_test

import (
	"os"
	"strings"
	"testing"
)

// The quick start in README.md is examples/quickstart/quickstart.sh as
// written (cmd/zonectl's quickstart.txtar runs it), so it cannot rot.
func TestReadmeQuickStartIsTheScript(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("examples/quickstart/quickstart.sh")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	at := strings.Index(section, "## Quick start")
	if at < 0 {
		t.Fatal("README.md has no Quick start section")
	}
	section = section[at:]
	open := strings.Index(section, "```sh\n")
	if open < 0 {
		t.Fatal("the Quick start section has no sh block")
	}
	block := section[open+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	body := string(script)
	body = strings.TrimLeft(body[strings.Index(body, "set -euo pipefail\n")+len("set -euo pipefail\n"):], "\n")
	if block != body {
		t.Errorf("README.md's quick start differs from examples/quickstart/quickstart.sh after set -euo pipefail:\n--- README\n%s\n--- script\n%s", block, body)
	}
}
