package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// Every command has examples, each parses as that command's flags and
// arguments (so an example cannot name a flag that is gone), and
// docs/commands.md shows them all.
func TestEveryCommandHasExamples(t *testing.T) {
	docs, err := os.ReadFile("../../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	root := newRootCommand(newOutput(strings.NewReader(""), &strings.Builder{}, &strings.Builder{}))
	for _, c := range allCommands(root) {
		key := commandKey(c)
		if !c.Runnable() || c.Hidden || key == "help" || strings.HasPrefix(key, "completion") {
			continue
		}
		e, ok := examples[key]
		if !ok {
			t.Errorf("zonectl %s has no examples", key)
			continue
		}
		for _, line := range strings.Split(e, "\n") {
			words := shellWords(line)
			if len(words) < 2 || words[0] != "zonectl" {
				t.Errorf("%s: example %q does not start with zonectl", key, line)
				continue
			}
			cmd, rest, err := root.Find(words[1:])
			if err != nil || cmd != c {
				t.Errorf("%s: example %q runs %v (%v)", key, line, cmd.CommandPath(), err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%s: example %q: %v", key, line, err)
				continue
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Errorf("%s: example %q: %v", key, line, err)
			}
			cmd.Flags().VisitAll(func(f *pflag.Flag) { f.Changed = false })
			if shown := strings.TrimSpace(strings.SplitN(line, "   #", 2)[0]); !strings.Contains(string(docs), shown) {
				t.Errorf("docs/commands.md does not show the example %q", shown)
			}
		}
	}
}

// shellWords splits an example line as a shell would, enough for these:
// single quotes, and a comment or a redirection ends the words.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case !quoted && (r == ' ' || r == '\t'):
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case !quoted && (r == '#' || r == '<' || r == '>') && !in:
			return words
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
