package bundle

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// CreateOptions says what Create bundles.
type CreateOptions struct {
	// Refs are the references the bundle offers, in this order: a name
	// (HEAD or a full name under refs/) and the object it points at, a
	// commit, an annotated tag, a tree or a blob.
	Refs []Reference
	// Exclude are commits the receiver has (and their history). Nothing
	// reachable from them is bundled; the boundary commits, those with a
	// bundled child, become the bundle's prerequisites, as git bundle
	// create computes them for "tip ^exclude".
	Exclude []plumbing.Hash
	// Version is the bundle format: 2 (the default when 0), or 3, which
	// writes the capability @object-format=sha1.
	Version int
	// Progress, if set, is called as objects are written, with the number
	// written so far.
	Progress func(objects int)
}

// Validate checks the options.
func (o *CreateOptions) Validate() error {
	if len(o.Refs) == 0 {
		return errors.New("create bundle: no references: a bundle offers at least one")
	}
	names := map[string]bool{}
	for _, r := range o.Refs {
		if err := checkRefName(r.Name); err != nil {
			return fmt.Errorf("create bundle: %w", err)
		}
		if r.Hash.IsZero() {
			return fmt.Errorf("create bundle: reference %q has the all-zero object id", r.Name)
		}
		if names[r.Name] {
			return fmt.Errorf("create bundle: reference %q given twice", r.Name)
		}
		names[r.Name] = true
	}
	for _, h := range o.Exclude {
		if h.IsZero() {
			return errors.New("create bundle: an excluded commit has the all-zero object id")
		}
	}
	switch o.Version {
	case 0, 2, 3:
	default:
		return fmt.Errorf("create bundle: version %d: want 2 or 3", o.Version)
	}
	return nil
}

// Create writes to w a bundle of the objects in st that opts.Refs reach and
// opts.Exclude do not, and returns its header. The pack is thin when there
// are prerequisites: a changed blob or tree is a delta against the same
// path's object in the prerequisite's tree, which the receiver has, as git
// bundle create does. The pack is encoded and written as it goes, not
// built in memory.
func Create(ctx context.Context, w io.Writer, st storer.EncodedObjectStorer, opts CreateOptions) (*Header, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	cache := newObjectCache(st)
	sel, err := selectObjects(ctx, cache, opts.Refs, opts.Exclude)
	if err != nil {
		return nil, fmt.Errorf("create bundle: %w", err)
	}
	h := &Header{Version: 2, References: append([]Reference(nil), opts.Refs...)}
	if opts.Version == 3 {
		h.Version = 3
		h.Capabilities = map[string]string{capObjectFormat: "sha1"}
	}
	for _, c := range sel.boundary {
		h.Prerequisites = append(h.Prerequisites, Prerequisite{Hash: c.Hash, Comment: subject(c.Message)})
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := h.WriteTo(bw); err != nil {
		return nil, fmt.Errorf("create bundle: %w", err)
	}
	if err := writePack(ctx, bw, cache, sel.objects, opts.Progress); err != nil {
		return nil, fmt.Errorf("create bundle: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("create bundle: %w", err)
	}
	return h, nil
}

// subject returns a commit message's subject as git log --pretty=oneline
// shows it: the first paragraph on one line.
func subject(msg string) string {
	msg = strings.TrimLeft(msg, "\n")
	if i := strings.Index(msg, "\n\n"); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	return strings.TrimSpace(strings.Join(strings.Fields(msg), " "))
}
