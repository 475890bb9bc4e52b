package bundle

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// UnbundleOptions tunes Unbundle.
type UnbundleOptions struct {
	// TempDir is where a pack larger than a few MiB is spooled while it is
	// checked; "" means os.TempDir(). Put it on the repository's file
	// system to keep the bundle on the same disk.
	TempDir string
	// Progress, if set, is called as the pack's objects are checked, with
	// the number checked so far.
	Progress func(objects int)
}

// Validate checks the options.
func (o *UnbundleOptions) Validate() error {
	if o.TempDir == "" {
		return nil
	}
	fi, err := os.Stat(o.TempDir)
	if err != nil {
		return fmt.Errorf("unbundle options: temp dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("unbundle options: temp dir %q is not a directory", o.TempDir)
	}
	return nil
}

// PackStorer is an object store that takes a whole pack with its index
// and makes both durable before it returns, as git stores a pack it
// fetched: a repository on disk (gitstore's Repo.Objects).
type PackStorer interface {
	storer.EncodedObjectStorer
	// StorePack stores the pack that pack yields; idx indexes exactly that
	// pack. Once it returns, the store reads the pack's objects.
	StorePack(ctx context.Context, pack io.Reader, idx *idxfile.MemoryIndex) error
}

// checkStore refuses an object store on disk that is not a PackStorer:
// go-git's own pack writer neither syncs the pack nor publishes it
// atomically, and a reference must never point at objects that a crash
// can take away.
func checkStore(st storer.EncodedObjectStorer) error {
	if _, ok := st.(PackStorer); ok {
		return nil
	}
	if _, ok := st.(storer.PackfileWriter); ok {
		return fmt.Errorf("unbundle: the object store (%T) writes packs without making them durable; pass a PackStorer, such as gitstore's Repo.Objects", st)
	}
	return nil
}

// Unbundle reads the bundle in r into the object store st and returns its
// header. It never writes a reference: the caller decides which of the
// header's references to create, and where. A repository on disk must be
// passed as a PackStorer, which stores the pack durably; other stores (in
// memory) take the objects one by one.
//
// It works in this order, and stores nothing before step 6:
//
//  1. read the header (ReadHeader);
//  2. check that st has every prerequisite commit, or return
//     *MissingPrerequisiteError;
//  3. spool the pack and scan it: entry types and sizes, the checksum, no
//     trailing bytes;
//  4. complete a thin pack: append the REF_DELTA bases that st holds;
//  5. parse the completed pack in full, resolving every delta, and check
//     that every reference's object is in the pack or in st;
//  6. store the pack in st: with its index, built in step 5, through
//     StorePack when st is a PackStorer, else object by object;
//  7. check that everything the references reach is in st, stopping at
//     objects that st had before.
//
// A failure in step 7 leaves unreachable objects in st, as a failed git
// fetch does; no reference points at them. Errors are *HeaderError,
// *MissingPrerequisiteError, *PackError, or I/O and context errors.
func Unbundle(ctx context.Context, r io.Reader, st storer.EncodedObjectStorer, opts UnbundleOptions) (*Header, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if err := checkStore(st); err != nil {
		return nil, err
	}
	in, err := receive(ctx, r, st, opts)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if err := in.store(ctx, st); err != nil {
		return nil, err
	}
	if err := checkConnected(ctx, st, in.header.References, in.objects); err != nil {
		return nil, err
	}
	return in.header, nil
}

// Verify checks the bundle in r against the object store st as Unbundle
// would, without storing anything in st: the pack's objects are held in an
// in-memory overlay for the connectivity check, so Verify suits release
// bundles, not whole-repository ones. It returns the header, for
// inspection.
func Verify(ctx context.Context, r io.Reader, st storer.EncodedObjectStorer) (*Header, error) {
	if st == nil {
		return nil, errors.New("verify bundle: no object store to check the prerequisites against")
	}
	in, err := receive(ctx, r, st, UnbundleOptions{})
	if err != nil {
		return nil, err
	}
	defer in.close()
	ov := newOverlay(st)
	if err := in.store(ctx, ov); err != nil {
		return nil, err
	}
	if err := checkConnected(ctx, ov, in.header.References, in.objects); err != nil {
		return nil, err
	}
	return in.header, nil
}

// incoming is a bundle that passed steps 1 to 5.
type incoming struct {
	header  *Header
	spools  []*spool
	pack    *spool                 // the completed pack
	count   uint32                 // its entries
	objects map[plumbing.Hash]bool // the objects it holds
	index   *idxfile.Writer        // its index, complete
}

func (in *incoming) close() {
	for _, s := range in.spools {
		s.Close()
	}
}

// receive runs steps 1 to 5 of Unbundle.
func receive(ctx context.Context, r io.Reader, st storer.EncodedObjectStorer, opts UnbundleOptions) (*incoming, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	h, err := ReadHeader(br)
	if err != nil {
		return nil, err
	}
	if err := checkPrerequisites(st, h.Prerequisites); err != nil {
		return nil, err
	}
	in := &incoming{header: h}
	if err := in.readPack(ctx, br, st, opts); err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

// readPack runs steps 3 to 5 of Unbundle.
func (in *incoming) readPack(ctx context.Context, r io.Reader, st storer.EncodedObjectStorer, opts UnbundleOptions) error {
	raw := &spool{dir: opts.TempDir}
	in.spools = append(in.spools, raw)
	if _, err := io.Copy(raw, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("read bundle pack: %w", err)
	}
	if raw.size == 0 {
		return packErrorf(nil, "the bundle has no pack after its header")
	}
	scan, err := scanPack(ctx, raw)
	if err != nil {
		return err
	}
	pack, count, absent, err := completePack(ctx, raw, scan, st)
	if err != nil {
		return err
	}
	if pack != raw {
		in.spools = append(in.spools, pack)
	}
	in.pack, in.count = pack, count
	if in.objects, in.index, err = parsePack(ctx, pack, absent, opts.Progress); err != nil {
		return err
	}
	for _, ref := range in.header.References {
		if in.objects[ref.Hash] {
			continue
		}
		if err := st.HasEncodedObject(ref.Hash); err != nil {
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				return packErrorf(nil, "reference %q points at %s, which is neither in the bundle nor in the repository", ref.Name, ref.Hash)
			}
			return err
		}
	}
	return nil
}

// checkPrerequisites returns *MissingPrerequisiteError listing the
// prerequisites that st lacks.
func checkPrerequisites(st storer.EncodedObjectStorer, pre []Prerequisite) error {
	var missing []plumbing.Hash
	for _, p := range pre {
		o, err := st.EncodedObject(plumbing.AnyObject, p.Hash)
		switch {
		case errors.Is(err, plumbing.ErrObjectNotFound):
			missing = append(missing, p.Hash)
		case err != nil:
			return fmt.Errorf("look up prerequisite %s: %w", p.Hash, err)
		case o.Type() != plumbing.CommitObject:
			return fmt.Errorf("prerequisite %s is a %s in the repository, not a commit", p.Hash, o.Type())
		}
	}
	if len(missing) > 0 {
		return &MissingPrerequisiteError{Hashes: missing}
	}
	return nil
}

// parsePack resolves every entry of a self-contained pack and returns the
// objects it holds and the pack's index, as git index-pack would write
// it. absent are the external delta bases that the repository lacked,
// named if a delta's base turns out to be missing.
func parsePack(ctx context.Context, sp *spool, absent []plumbing.Hash, progress func(int)) (map[plumbing.Hash]bool, *idxfile.Writer, error) {
	obs := &objectSet{ctx: ctx, set: map[plumbing.Hash]bool{}, progress: progress}
	idx := new(idxfile.Writer)
	p, err := packfile.NewParser(packfile.NewScanner(withContext(ctx, sp.reader())), obs, idx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := p.Parse(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		if errors.Is(err, packfile.ErrReferenceDeltaNotFound) {
			ids := make([]string, len(absent))
			for i, h := range absent {
				ids[i] = h.String()
			}
			return nil, nil, packErrorf(nil, "a delta's base is neither in the bundle nor in the repository (bases not found: %s)", strings.Join(ids, ", "))
		}
		return nil, nil, packErrorf(err, "resolve objects")
	}
	return obs.set, idx, nil
}

// objectSet is a packfile.Observer that collects the ids of the objects of
// a pack.
type objectSet struct {
	ctx      context.Context
	set      map[plumbing.Hash]bool
	progress func(int)
}

func (o *objectSet) OnHeader(uint32) error { return nil }

func (o *objectSet) OnInflatedObjectHeader(plumbing.ObjectType, int64, int64) error { return nil }

func (o *objectSet) OnInflatedObjectContent(h plumbing.Hash, _ int64, _ uint32, _ []byte) error {
	o.set[h] = true
	if o.progress != nil {
		o.progress(len(o.set))
	}
	return o.ctx.Err()
}

func (o *objectSet) OnFooter(plumbing.Hash) error { return nil }

// store runs step 6 of Unbundle: it writes the checked pack into st.
func (in *incoming) store(ctx context.Context, st storer.EncodedObjectStorer) error {
	if in.count == 0 {
		return nil
	}
	r := withContext(ctx, in.pack.reader())
	if ps, ok := st.(PackStorer); ok {
		idx, err := in.index.Index()
		if err != nil {
			return fmt.Errorf("store bundle pack: %w", err)
		}
		if err := ps.StorePack(ctx, r, idx); err != nil {
			return fmt.Errorf("store bundle pack: %w", err)
		}
		return nil
	}
	p, err := packfile.NewParserWithStorage(packfile.NewScanner(r), st)
	if err != nil {
		return fmt.Errorf("store bundle pack: %w", err)
	}
	if _, err := p.Parse(); err != nil {
		return fmt.Errorf("store bundle pack: %w", err)
	}
	return nil
}
