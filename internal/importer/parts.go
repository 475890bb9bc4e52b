package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zonectl/zonectl/internal/atomicfile"
	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/parts"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// StagingDir is where, under the package store's directory, the parts of
// a split bundle wait for the rest of their set: StagingDir/<the index's
// SHA-256>/, holding the index, its signature and each part verified so
// far under its own name. The store is outside Git's content, on the
// disk that will hold the packages anyway, and ZONECTL_STORE moves both
// together.
const StagingDir = ".parts"

// PartsOptions says what ImportParts is given.
type PartsOptions struct {
	// Files are the index (NAME.index, or its NAME.index.asc) and parts
	// (NAME.partNNN), in any order, from any directories. Without an
	// index, the one beside the first part is used, else one staged here
	// that names the part; without parts, those beside the index are used.
	Files []string
	// Progress, if set, is told the bytes read so far — the parts given,
	// as they are checked and staged, then, once the set is complete, the
	// whole bundle as it is imported — of the total.
	Progress func(done, total int64)
	// StatusOnly verifies the index and reports which parts are staged,
	// given and missing, staging nothing and importing nothing.
	StatusOnly bool
}

// PartsResult says where a split bundle stands.
type PartsResult struct {
	Index     *parts.Index
	IndexFile string // the index read
	Signer    *keys.Signature
	Staging   string // the directory its parts wait in
	Given     []int  // parts given this time that matched the index
	Staged    []int  // parts waiting in the Space, once this run was done
	Missing   []int  // parts neither given nor staged
	// Import is the import of the whole bundle, once every part was there.
	Import *Result
}

// An IncompleteError says that parts of a split bundle are still missing:
// the parts given were checked and staged, and the import waits for the
// rest. It is not a verification failure.
type IncompleteError struct {
	Index   *parts.Index
	Missing []int
	Staged  []int
}

func (e *IncompleteError) Error() string {
	var names []string
	for _, n := range e.Missing {
		names = append(names, e.Index.Part(n).Name)
	}
	return fmt.Sprintf("%s is incomplete: %s of %d missing (%s); %d staged here",
		e.Index.Bundle.Name, plural(len(e.Missing), "part", "parts")+" "+numbers(e.Missing), len(e.Index.Parts), strings.Join(names, ", "), len(e.Staged))
}

// ImportParts verifies and stages the parts of a split bundle given, and
// imports the bundle once every part is there. The steps, in order:
//
//  1. find the index and its signature (see PartsOptions.Files);
//  2. verify the index's signature against the peers this Space accepts
//     releases from, exactly as a bundle's manifest is verified, and check
//     that it is for this Space (name and key), has not expired, and is
//     not a replay: a refusal is a *refusal.Error and nothing is
//     staged. A bundle imported already is reported so, its staged parts
//     removed;
//  3. when every part is given at once, go to 5 reading them where they
//     are, staging nothing. Else check each part given against the index,
//     by its name, size and SHA-256, while copying it into the staging
//     directory, where it takes its name (atomically) only once it matched. A file that is not a part
//     of this set, or whose bytes are not the part's, is never staged, and
//     the run ends, once the good parts are staged, in a
//     *refusal.Error that names each;
//  4. with parts still missing, end in an *IncompleteError naming them;
//  5. else check that the manifest at the head of the parts is the one
//     the index pins, then stream the staged parts, end to end, through
//     the ordinary import (Import's checks, in Import's order), checking
//     each part again and the whole bundle's SHA-256 as they are read and
//     before anything is written; once imported, remove the staged parts.
//     A staged part found altered is removed, to be copied again.
//
// The result says which parts are staged and missing, whatever the
// error.
func ImportParts(ctx context.Context, env *Env, opts PartsOptions) (*PartsResult, error) {
	indexFile, given, err := sortFiles(opts.Files)
	if err != nil {
		return nil, err
	}
	if indexFile == "" { // 1
		if indexFile, err = findIndex(env, given[0]); err != nil {
			return nil, err
		}
	}
	x, sig, data, err := openIndex(env, indexFile) // 2
	if err != nil {
		return nil, err
	}
	res := &PartsResult{Index: x, IndexFile: indexFile, Signer: sig}
	sum := sha256.Sum256(data)
	res.Staging = filepath.Join(env.Store.Dir(), StagingDir, hex.EncodeToString(sum[:]))
	if len(given) == 0 {
		given = besideIndex(x, indexFile)
	}
	if again, err := importedBefore(env, res, opts, indexFile); again || err != nil {
		return res, err
	}
	staged := stagedParts(x, res.Staging)
	todo, refusals := identifyGiven(x, given, staged, res)
	if opts.StatusOnly {
		givenSet := map[int]bool{}
		for _, n := range res.Given {
			givenSet[n] = true
		}
		res.Staged, res.Missing = split(x, staged, givenSet)
		return res, partsRefused(x, refusals)
	}
	var done, total int64
	progress := func(n int64) {
		done += n
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	complete := len(refusals) == 0
	for _, g := range todo {
		total += g.part.Size
	}
	for n := 1; n <= len(x.Parts) && complete; n++ {
		complete = staged[n] || slices.ContainsFunc(todo, func(g givenPart) bool { return g.part.Number == n })
	}
	if complete {
		total += x.Bundle.Size
	}
	if complete && len(todo) == len(x.Parts) {
		// Every part is here at once: read them where they are, checked
		// as they are read, rather than copy them all first.
		return importDirect(ctx, env, x, res, todo, progress)
	}
	if err := prepareStaging(res.Staging, data, indexFile); err != nil {
		return res, err
	}
	refusals, err = stageGiven(ctx, env, x, todo, staged, res.Staging, progress, refusals) // 3
	if err != nil {
		return res, err
	}
	res.Staged, res.Missing = split(x, staged, nil)
	if len(res.Staged) == 0 {
		// Nothing good arrived: keep no trace of the set.
		os.RemoveAll(res.Staging)
	}
	if err := partsRefused(x, refusals); err != nil {
		return res, err
	}
	if len(res.Missing) > 0 { // 4
		return res, &IncompleteError{Index: x, Missing: res.Missing, Staged: res.Staged}
	}
	return importStaged(ctx, env, x, res, progress) // 5
}

// importedBefore reports whether the set's bundle was imported already,
// and then clears what is staged of it (unless only asked the status).
func importedBefore(env *Env, res *PartsResult, opts PartsOptions, indexFile string) (bool, error) {
	x := res.Index
	claims := &zbundle.Manifest{Source: x.Source, Target: x.Target, Project: x.Project, Version: x.Version, Revision: x.Revision, Sequence: x.Sequence}
	again, err := checkSequence(env.Repo, claims, filepath.Base(indexFile))
	if err != nil || !again {
		return false, err
	}
	ref, err := inbox.Ref(x.Source.Space, x.Project, x.Version)
	if err != nil {
		return true, refuseErr(x.Bundle.Name, "", err)
	}
	res.Import = &Result{Manifest: claims, Signer: res.Signer, InboxRef: ref, Again: true}
	res.Staged, res.Missing = nil, nil
	if opts.StatusOnly {
		return true, nil
	}
	return true, os.RemoveAll(res.Staging)
}

// identifyGiven names the part each given file is, records their numbers
// in res.Given, and returns those not staged yet; a file that is no part
// of the set is a refusal.
func identifyGiven(x *parts.Index, given []string, staged map[int]bool, res *PartsResult) (todo []givenPart, refusals []string) {
	for _, f := range given {
		p, err := identify(x, f)
		if err != nil {
			refusals = append(refusals, err.Error())
			continue
		}
		if !staged[p.Number] && !slices.ContainsFunc(todo, func(g givenPart) bool { return g.part.Number == p.Number }) {
			todo = append(todo, givenPart{file: f, part: p})
		}
		if !slices.Contains(res.Given, p.Number) {
			res.Given = append(res.Given, p.Number)
		}
	}
	slices.Sort(res.Given)
	return todo, refusals
}

// stageGiven copies each given part into the staging directory, checked;
// a corrupt or foreign one is added to the refusals and not staged.
func stageGiven(ctx context.Context, env *Env, x *parts.Index, todo []givenPart, staged map[int]bool, dir string, progress func(int64), refusals []string) ([]string, error) {
	for _, g := range todo {
		if err := ctx.Err(); err != nil {
			return refusals, err
		}
		if err := stagePart(env, x, g, dir, progress); err != nil {
			var pe *parts.PartError
			if !errors.As(err, &pe) {
				return refusals, err
			}
			refusals = append(refusals, err.Error())
			continue
		}
		staged[g.part.Number] = true
	}
	return refusals, nil
}

// partsRefused is the refusal of the set's parts, if any was refused.
func partsRefused(x *parts.Index, refusals []string) error {
	if len(refusals) == 0 {
		return nil
	}
	return &refusal.Error{What: "parts of " + x.Bundle.Name, Reason: strings.Join(refusals, "; ")}
}

// importStaged imports the bundle the staged parts make, read end to end
// and checked as it is read, and clears the staging once it is imported.
// A part found bad then is removed, to be given again.
func importStaged(ctx context.Context, env *Env, x *parts.Index, res *PartsResult, progress func(int64)) (*PartsResult, error) {
	open := func(p *parts.Part) (io.ReadCloser, string, error) {
		path := filepath.Join(res.Staging, p.Name)
		f, err := os.Open(path)
		return f, path, err
	}
	if err := checkManifest(x, open); err != nil {
		return res, err
	}
	r := parts.NewReader(x, open)
	defer r.Close()
	imp, err := importAs(ctx, env, &meter.Reader{R: r, Add: progress}, x.Bundle.Name)
	if err != nil {
		if bad := r.Failed(); bad != nil {
			os.Remove(filepath.Join(res.Staging, bad.Name))
			res.Staged, res.Missing = split(x, stagedParts(x, res.Staging), nil)
			return res, fmt.Errorf("%w (the staged copy of %s was removed; give that part again)", err, bad.Name)
		}
		return res, err
	}
	res.Import = imp
	res.Staged = nil
	return res, os.RemoveAll(res.Staging)
}

// importDirect imports a set whose every part was given, reading the
// parts where they are: nothing is staged, and a part found bad names
// itself in the error.
func importDirect(ctx context.Context, env *Env, x *parts.Index, res *PartsResult, given []givenPart, progress func(int64)) (*PartsResult, error) {
	files := map[int]string{}
	for _, g := range given {
		files[g.part.Number] = g.file
	}
	open := func(p *parts.Part) (io.ReadCloser, string, error) {
		f, err := os.Open(files[p.Number])
		return f, files[p.Number], err
	}
	res.Staged, res.Missing = nil, nil
	if err := checkManifest(x, open); err != nil {
		return res, err
	}
	r := parts.NewReader(x, open)
	defer r.Close()
	imp, err := importAs(ctx, env, &meter.Reader{R: r, Add: progress}, x.Bundle.Name)
	if err != nil {
		return res, err
	}
	res.Import = imp
	return res, nil
}

// DiscardParts removes the parts of a split bundle staged in this Space,
// for a set that will never be complete (a newer one replaced it). files
// name its index or any of its parts, as for ImportParts; the index
// need not verify, as nothing is kept. It returns the directory removed,
// and the numbers of the parts that were in it.
func DiscardParts(env *Env, files []string) (string, []int, error) {
	indexFile, given, err := sortFiles(files)
	if err != nil {
		return "", nil, err
	}
	if indexFile == "" {
		if indexFile, err = findIndex(env, given[0]); err != nil {
			return "", nil, err
		}
	}
	data, err := os.ReadFile(indexFile)
	if err != nil {
		return "", nil, err
	}
	x, err := parts.ParseIndex(filepath.Base(indexFile), data)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(env.Store.Dir(), StagingDir, hex.EncodeToString(sum[:]))
	if _, err := os.Stat(dir); err != nil {
		return "", nil, fmt.Errorf("no parts of %s are staged here", x.Bundle.Name)
	}
	staged, _ := split(x, stagedParts(x, dir), nil)
	return dir, staged, os.RemoveAll(dir)
}

// checkManifest holds the manifest at the head of the parts against the
// index, before the whole set is read: an index and a bundle that do not
// belong together are refused at once.
func checkManifest(x *parts.Index, open func(p *parts.Part) (io.ReadCloser, string, error)) error {
	r := parts.NewReader(x, open)
	defer r.Close()
	zr, err := zbundle.NewReader(r)
	if err != nil {
		return refuseErr(x.Bundle.Name, "", err)
	}
	if got := manifestHash(zr.Manifest()); got != x.ManifestSHA256 {
		return refuse(x.Bundle.Name, "its manifest.json has sha256 %s, and the index pins %s: the index is not this bundle's", got, x.ManifestSHA256)
	}
	return nil
}

// sortFiles tells the index from the parts. A file named like neither
// is taken for a part renamed on its way (copying tools and old file
// systems rename files), to be known by its bytes, when an index is
// given to know it by.
func sortFiles(files []string) (index string, given []string, err error) {
	var unnamed []string
	for _, f := range files {
		if i, ok := parts.IsIndexName(f); ok {
			if index != "" && index != i {
				return "", nil, fmt.Errorf("two indexes given, %s and %s: import one split bundle at a time", index, i)
			}
			index = i
			continue
		}
		if _, _, ok := parts.SplitPartName(filepath.Base(f)); !ok {
			unnamed = append(unnamed, f)
		}
		given = append(given, f)
	}
	if index == "" && len(unnamed) > 0 {
		return "", nil, fmt.Errorf("%s is neither a part (NAME.part001) nor an index (NAME.index) of a split bundle; a part renamed on its way is known by its bytes when given with its index", unnamed[0])
	}
	if index == "" && len(given) == 0 {
		return "", nil, errors.New("no index and no parts given")
	}
	return index, given, nil
}

// findIndex finds the index of a part given alone: beside it, else among
// the sets staged here, one that names it.
func findIndex(env *Env, part string) (string, error) {
	bundle, _, _ := parts.SplitPartName(filepath.Base(part))
	beside := parts.IndexName(filepath.Join(filepath.Dir(part), bundle))
	if _, err := os.Stat(beside); err == nil {
		return beside, nil
	}
	sets, _ := filepath.Glob(filepath.Join(env.Store.Dir(), StagingDir, "*", "index"))
	var found []string
	for _, idx := range sets {
		data, err := os.ReadFile(idx)
		if err != nil {
			continue
		}
		if x, err := parts.ParseIndex(idx, data); err == nil && x.Bundle.Name == bundle && x.PartNamed(filepath.Base(part)) != nil {
			found = append(found, idx)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no index for %s: copy %s and %s beside it, or name the index", part, parts.IndexName(bundle), parts.SignatureName(parts.IndexName(bundle)))
	}
	return "", fmt.Errorf("%d split bundles named %s are staged here; name the index of the one %s belongs to", len(found), bundle, filepath.Base(part))
}

// openIndex reads and verifies an index for this Space.
func openIndex(env *Env, file string) (*parts.Index, *keys.Signature, []byte, error) {
	name := filepath.Base(file)
	if filepath.Base(file) == "index" { // a staged copy
		name = "staged index " + file
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, nil, err
	}
	sig, err := os.ReadFile(parts.SignatureName(file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, &refusal.Error{What: name, Reason: fmt.Sprintf("not signed: %s is missing; copy it from the source with the index", filepath.Base(parts.SignatureName(file)))}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	unverified, err := parts.ParseIndex(name, data)
	if err != nil {
		return nil, nil, nil, asRefusal(name, err)
	}
	cfg, err := mainConfig(env.Repo)
	if err != nil {
		return nil, nil, nil, err
	}
	_, v, err := releasePeer(cfg, unverified.Source.Space, name)
	if err != nil {
		return nil, nil, nil, err
	}
	x, s, err := parts.OpenIndex(name, data, sig, v)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkTargetPeer(env.Repo, cfg, x.Target, name); err != nil {
		return nil, nil, nil, err
	}
	if !env.Now.Before(x.Expires) {
		return nil, nil, nil, &refusal.Error{What: name, Reason: fmt.Sprintf("it expired at %s; ask %s for a new bundle", x.Expires.Format(time.RFC3339), x.Source.Space)}
	}
	return x, s, data, nil
}

// besideIndex lists the parts of x that are beside the index file.
func besideIndex(x *parts.Index, file string) []string {
	var found []string
	for _, p := range x.Parts {
		path := filepath.Join(filepath.Dir(file), p.Name)
		if _, err := os.Stat(path); err == nil {
			found = append(found, path)
		}
	}
	return found
}

type givenPart struct {
	file string
	part *parts.Part
}

// identify says which part of x the file is, by its name, or for a file
// not named like a part, by its SHA-256; it refuses a file that is not a
// part of this set.
func identify(x *parts.Index, file string) (*parts.Part, error) {
	base := filepath.Base(file)
	if p := x.PartNamed(base); p != nil {
		return p, nil
	}
	bundle, _, named := parts.SplitPartName(base)
	if !named {
		sum, err := fileSHA256(file)
		if err != nil {
			return nil, err
		}
		if p := x.PartHashed(sum); p != nil {
			return p, nil
		}
		return nil, fmt.Errorf("%s is not a part of %s: its sha256 %s is none of its %d parts", file, x.Bundle.Name, sum, len(x.Parts))
	}
	if bundle != x.Bundle.Name {
		return nil, fmt.Errorf("%s is not a part of %s: it belongs to a bundle named %s", file, x.Bundle.Name, bundle)
	}
	return nil, fmt.Errorf("%s is not one of the %d parts of %s (%s to %s): it comes from another split of a bundle of that name", file, len(x.Parts), x.Bundle.Name, x.Parts[0].Name, x.Parts[len(x.Parts)-1].Name)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// stagedParts says which parts of x are in dir.
func stagedParts(x *parts.Index, dir string) map[int]bool {
	staged := map[int]bool{}
	for _, p := range x.Parts {
		if info, err := os.Stat(filepath.Join(dir, p.Name)); err == nil && info.Size() == p.Size {
			staged[p.Number] = true
		}
	}
	return staged
}

// split lists the parts of x in staged, and those in neither staged nor
// also.
func split(x *parts.Index, staged, also map[int]bool) (in, missing []int) {
	for _, p := range x.Parts {
		switch {
		case staged[p.Number]:
			in = append(in, p.Number)
		case also[p.Number]:
		default:
			missing = append(missing, p.Number)
		}
	}
	return in, missing
}

// prepareStaging makes the staging directory of a set and keeps its
// index there, so that parts from another medium find it.
func prepareStaging(dir string, index []byte, indexFile string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The store keeps itself out of Git; so does this directory, wherever
	// the store is.
	ignore := filepath.Join(filepath.Dir(dir), ".gitignore")
	if _, err := os.Stat(ignore); err != nil {
		if err := atomicfile.Write(ignore, []byte("# split bundles waiting for their other parts\n*\n"), 0o644); err != nil {
			return err
		}
	}
	sig, err := os.ReadFile(parts.SignatureName(indexFile))
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"index.asc", sig}, {"index", index}} {
		path := filepath.Join(dir, f.name)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		if err := atomicfile.Write(path, f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// stagePart copies a part into the staging directory, checking it against
// the index as it goes; it takes its name there only if it matched. The
// copy is made as a temporary file of the store, which a killed import
// leaves for the store's sweep, not for ever.
func stagePart(env *Env, x *parts.Index, g givenPart, dir string, progress func(int64)) error {
	src, err := os.Open(g.file)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	if err := x.CheckSize(g.part, g.file, info.Size()); err != nil {
		return err
	}
	tmp, err := env.Store.TempFile("part", "")
	if err != nil {
		return err
	}
	defer tmp.Remove()
	err = x.Copy(tmp, &meter.Reader{R: src, Add: progress}, g.part, g.file)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, g.part.Name))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// numbers writes part numbers as people count them: 2, 3 and 5.
func numbers(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, fmt.Sprint(n))
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
