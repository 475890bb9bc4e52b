package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

const (
	idA = "a2ae352aa9204839a4941d1a1239073d262cbf27"
	idB = "6f6e2e0c7222be8c6d21fe78b6e25059e33ca4d4"
)

func headersEqual(a, b *Header) bool { return reflect.DeepEqual(a, b) }

func TestReadHeader(t *testing.T) {
	h, err := ReadHeader(bufio.NewReader(strings.NewReader(
		"# v3 git bundle\n@object-format=sha1\n-" + idB + " commit 4\n-" + idA + "\n" +
			idA + " refs/heads/main\n" + idB + " HEAD\n\nPACK")))
	if err != nil {
		t.Fatal(err)
	}
	want := &Header{
		Version:      3,
		Capabilities: map[string]string{"object-format": "sha1"},
		Prerequisites: []Prerequisite{
			{Hash: plumbing.NewHash(idB), Comment: "commit 4"},
			{Hash: plumbing.NewHash(idA)},
		},
		References: []Reference{
			{Name: "refs/heads/main", Hash: plumbing.NewHash(idA)},
			{Name: "HEAD", Hash: plumbing.NewHash(idB)},
		},
	}
	if !headersEqual(h, want) {
		t.Errorf("got %+v\nwant %+v", h, want)
	}
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	wantText := "# v3 git bundle\n@object-format=sha1\n-" + idB + " commit 4\n-" + idA + "\n" +
		idA + " refs/heads/main\n" + idB + " HEAD\n\n"
	if buf.String() != wantText {
		t.Errorf("WriteTo wrote %q, want %q", buf.String(), wantText)
	}
}

func TestReadHeaderLeavesThePack(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("# v2 git bundle\n" + idA + " refs/heads/main\n\nPACK rest"))
	if _, err := ReadHeader(br); err != nil {
		t.Fatal(err)
	}
	rest, _ := br.ReadString(0)
	if rest != "PACK rest" {
		t.Errorf("after the header: %q", rest)
	}
}

func TestReadHeaderRefuses(t *testing.T) {
	ref := idA + " refs/heads/main\n"
	for _, tc := range []struct {
		name, in    string
		line        int
		msg         string
		unsupported bool
	}{
		{"empty input", "", 0, "the input is empty", false},
		{"not a bundle", "hello\n", 1, "not a git bundle", false},
		{"v4", "# v4 git bundle\n" + ref + "\n", 1, `bundle version "4" is not supported`, true},
		{"v3 filter", "# v3 git bundle\n@object-format=sha1\n@filter=blob:none\n" + ref + "\n", 3, "partial bundles are not supported", true},
		{"v3 sha256", "# v3 git bundle\n@object-format=sha256\n" + ref + "\n", 2, `object format "sha256" is not supported`, true},
		{"v3 unknown capability", "# v3 git bundle\n@shiny=yes\n" + ref + "\n", 2, `unknown capability "shiny"`, true},
		{"v3 bad capability name", "# v3 git bundle\n@sh iny=yes\n" + ref + "\n", 2, "malformed capability name", false},
		{"v3 capability twice", "# v3 git bundle\n@object-format=sha1\n@object-format=sha1\n" + ref + "\n", 3, "appears twice", false},
		{"v3 capability late", "# v3 git bundle\n" + ref + "@object-format=sha1\n\n", 3, "capabilities come first", false},
		{"v2 capability", "# v2 git bundle\n@object-format=sha1\n" + ref + "\n", 2, "only v3 bundles have capabilities", false},
		{"bad oid", "# v2 git bundle\n" + idA[:39] + "x refs/heads/main\n\n", 2, "want a 40-hex-digit object id", false},
		{"short oid", "# v2 git bundle\n" + idA[:20] + " refs/heads/main\n\n", 2, "want a 40-hex-digit object id", false},
		{"sha256 oid", "# v2 git bundle\n" + idA + idA[:24] + " refs/heads/main\n\n", 2, "SHA-256", false},
		{"zero oid", "# v2 git bundle\n" + plumbing.ZeroHash.String() + " refs/heads/main\n\n", 2, "all zeros", false},
		{"no ref name", "# v2 git bundle\n" + idA + "\n\n", 2, `want "<id> <refname>"`, false},
		{"tab before ref name", "# v2 git bundle\n" + idA + "\trefs/heads/main\n\n", 2, `want "<id> <refname>"`, false},
		{"missing blank line", "# v2 git bundle\n" + ref + "PACK\x00\x00\x00\x02", 3, "the blank line before the pack is missing", false},
		{"missing blank line, newline in pack", "# v2 git bundle\n" + ref + "PACK\x00\x00\x00\x02\n", 3, "the blank line before the pack is missing", false},
		{"ends in header", "# v2 git bundle\n" + ref, 3, "ends inside its header", false},
		{"duplicate ref", "# v2 git bundle\n" + ref + idB + " refs/heads/main\n\n", 3, `"refs/heads/main" appears twice`, false},
		{"duplicate prerequisite", "# v2 git bundle\n-" + idB + " x\n-" + idB + " y\n" + ref + "\n", 3, "appears twice", false},
		{"prerequisite after ref", "# v2 git bundle\n" + ref + "-" + idB + " x\n\n", 3, "prerequisites come first", false},
		{"prerequisite glued comment", "# v2 git bundle\n-" + idB + "x\n" + ref + "\n", 2, `want "-<id> <comment>"`, false},
		{"no refs", "# v2 git bundle\n-" + idB + " x\n\n", 3, "no references", false},
		{"dotdot ref", "# v2 git bundle\n" + idA + " refs/heads/a..b\n\n", 2, `contains ".."`, false},
		{"control char ref", "# v2 git bundle\n" + idA + " refs/heads/a\x01b\n\n", 2, "control character", false},
		{"crlf", "# v2 git bundle\n" + idA + " refs/heads/main\r\n\r\n", 2, "control character", false},
		{"space in ref", "# v2 git bundle\n" + idA + " refs/heads/a b\n\n", 2, `contains ' '`, false},
		{"lock ref", "# v2 git bundle\n" + idA + " refs/heads/main.lock\n\n", 2, ".lock", false},
		{"one-level ref", "# v2 git bundle\n" + idA + " main\n\n", 2, `must start with "refs/"`, false},
		{"empty component", "# v2 git bundle\n" + idA + " refs/heads//main\n\n", 2, "empty component", false},
		{"oversized line", "# v2 git bundle\n-" + idB + " " + strings.Repeat("x", maxLineLength) + "\n" + ref + "\n", 2, "line longer than", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ReadHeader(bufio.NewReader(strings.NewReader(tc.in)))
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("ReadHeader = %+v, %v; want a *HeaderError", h, err)
			}
			if he.Line != tc.line || !strings.Contains(he.Error(), tc.msg) {
				t.Errorf("error %q (line %d), want line %d and %q", err, he.Line, tc.line, tc.msg)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v, want %v", got, tc.unsupported)
			}
		})
	}
}

func TestWriteToRefuses(t *testing.T) {
	ref := []Reference{{Name: "refs/heads/main", Hash: plumbing.NewHash(idA)}}
	for _, tc := range []struct {
		name string
		h    Header
		msg  string
	}{
		{"version", Header{Version: 1, References: ref}, "want 2 or 3"},
		{"v2 capabilities", Header{Version: 2, Capabilities: map[string]string{"object-format": "sha1"}, References: ref}, "no capabilities"},
		{"v3 filter", Header{Version: 3, Capabilities: map[string]string{"filter": "blob:none"}, References: ref}, "partial bundles"},
		{"no refs", Header{Version: 2}, "no references"},
		{"newline in comment", Header{Version: 2, References: ref,
			Prerequisites: []Prerequisite{{Hash: plumbing.NewHash(idB), Comment: "x\n" + idB + " refs/heads/evil"}}}, "newline"},
		{"bad ref name", Header{Version: 2, References: []Reference{{Name: "refs/heads/x\ny", Hash: plumbing.NewHash(idA)}}}, "control character"},
		{"duplicate ref", Header{Version: 2, References: append(ref, ref...)}, "appears twice"},
		{"zero ref", Header{Version: 2, References: []Reference{{Name: "HEAD"}}}, "all-zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := tc.h.WriteTo(&buf)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("WriteTo: %v, want an error with %q", err, tc.msg)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteTo wrote %q despite the error", buf.String())
			}
		})
	}
}
