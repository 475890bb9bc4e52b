package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/inbox"
)

// promptValues asks, on the terminal, for each missing template value:
// it shows the template's label and help, lists a select's options, and
// reads a sensitive value without echo. An answer the template cannot
// take (an option not listed, a checkbox that is not yes or no, nothing
// at all) is refused at once and asked again, so nothing typed before is
// lost; "-" leaves a value unset on purpose (as --set-null does), and the
// end of input stops.
func promptValues(g *globals, missing []inbox.Missing) ([]inbox.Value, error) {
	f, ok := g.out.stdin.(*os.File)
	if !ok {
		return nil, errors.New("no terminal to ask on")
	}
	in := bufio.NewReader(f)
	fmt.Fprintf(g.out.stderr, "%d template value(s) still missing. Answer each; - leaves one unset, Ctrl-D stops.\n", len(missing))
	var out []inbox.Value
	for _, m := range missing {
		v := inbox.Value{Name: m.Template, Environment: m.Environment, Tenant: m.Tenant}
		answer, err := askOne(g, f, in, m)
		if err != nil {
			return nil, err
		}
		if answer != nil {
			v.Value = answer
		}
		out = append(out, v)
	}
	return out, nil
}

// askOne asks for m until the answer is one m can take; nil is "-".
func askOne(g *globals, f *os.File, in *bufio.Reader, m inbox.Missing) (*string, error) {
	w := g.out.stderr
	title := m.String()
	if m.Label != "" {
		title = m.Label + " — " + title
	}
	fmt.Fprintf(w, "\n%s\n", title)
	if m.Help != "" {
		fmt.Fprintf(w, "  %s\n", m.Help)
	}
	for i, o := range m.Options {
		fmt.Fprintf(w, "  %d) %s (%s)\n", i+1, o.Display, o.Value)
	}
	for {
		answer, err := readAnswer(w, f, in, promptFor(m), m.Sensitive)
		if err != nil {
			return nil, err
		}
		if answer == "-" {
			return nil, nil
		}
		value, problem := acceptable(m, answer)
		if problem == "" {
			return &value, nil
		}
		fmt.Fprintf(w, "  %s\n", problem)
	}
}

func promptFor(m inbox.Missing) string {
	switch {
	case m.Type == config.TemplateCheckbox:
		return "  yes or no: "
	case len(m.Options) > 0:
		return fmt.Sprintf("  choose 1-%d: ", len(m.Options))
	case m.Sensitive:
		return "  value (not shown): "
	}
	return "  value: "
}

// acceptable is the value an answer gives m, or why m cannot take it.
func acceptable(m inbox.Missing, answer string) (string, string) {
	switch {
	case answer == "":
		return "", "A value is needed: type one, or - to leave it unset."
	case m.Type == config.TemplateCheckbox:
		switch strings.ToLower(answer) {
		case "y", "yes", "true":
			return "True", ""
		case "n", "no", "false":
			return "False", ""
		}
		return "", fmt.Sprintf("%q is not yes or no.", answer)
	case len(m.Options) > 0:
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(m.Options) {
			return m.Options[n-1].Value, ""
		}
		for _, o := range m.Options {
			if answer == o.Value {
				return o.Value, ""
			}
		}
		return "", fmt.Sprintf("%q is not one of the options: give its number.", answer)
	}
	return answer, ""
}

// readAnswer reads one line, without echo when hidden.
func readAnswer(w io.Writer, f *os.File, in *bufio.Reader, prompt string, hidden bool) (string, error) {
	fmt.Fprint(w, prompt)
	if hidden {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(w)
		return string(b), err
	}
	line, err := in.ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		return "", errors.New("stopped: the end of input before every value was given")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
