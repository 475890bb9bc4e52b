package refusal_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/zonectl/zonectl/internal/refusal"
)

func TestError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"reason", refusal.Newf("bundle b", "it expired at %s", "2024-01-01T00:00:00Z"), "verify bundle b: it expired at 2024-01-01T00:00:00Z"},
		{"cause", refusal.Wrap("manifest.json", "malformed document", errors.New("unexpected end of JSON input")), "verify manifest.json: malformed document: unexpected end of JSON input"},
		{"no cause", refusal.Wrap("manifest.json", "not signed", nil), "verify manifest.json: not signed"},
		{"nothing named", &refusal.Error{Reason: "not signed"}, "verify signature: not signed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

// A refusal keeps its cause and is found under other wrapping, which is
// how the command line picks its exit code.
func TestErrorChain(t *testing.T) {
	err := fmt.Errorf("import rel.zbundle: %w", refusal.Wrap("bundle rel.zbundle", "extract", fs.ErrPermission))
	var r *refusal.Error
	if !errors.As(err, &r) || r.What != "bundle rel.zbundle" || r.Reason != "extract" {
		t.Fatalf("errors.As(%v) = %v, %+v", err, errors.As(err, &r), r)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false, want true", err)
	}
	if errors.Unwrap(refusal.Newf("x", "y")) != nil {
		t.Errorf("Newf has a cause")
	}
}

func TestWrapWithoutReasonKeepsTheCauseAsTheReason(t *testing.T) {
	cause := errors.New("member packages/x: sha256 differs")
	err := refusal.Wrap("bundle web.zbundle", "", cause)
	if got := err.Error(); got != "verify bundle web.zbundle: member packages/x: sha256 differs" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is does not see the cause through the refusal")
	}
	var r *refusal.Error
	if !errors.As(fmt.Errorf("import: %w", err), &r) {
		t.Error("errors.As does not find the refusal through a wrapping error")
	}
}
