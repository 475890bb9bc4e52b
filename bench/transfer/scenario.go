package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// bench is one run: the workspace, the runner and what was found.
type bench struct {
	ws     *workspace
	r      *runner
	g      gen
	checks []check
}

// bound is the memory a push, promote or import of the bench's packages
// may use: a quarter of the package (the basis) plus 64 MiB.
func (b *bench) bound() int64 { return b.g.size/4 + 64<<20 }

// quiet is the most a command that carries no package bytes may write:
// Git objects, the ledger and an index entry are kilobytes.
func (b *bench) quiet() int64 { return min(16<<20, b.g.size/4) }

// zonectl runs zonectl from the workspace. Commands that move package
// bytes (push, promote, import) are held to the memory bound.
func (b *bench) zonectl(label string, args ...string) (*measure, error) {
	m, err := b.r.run(label, b.ws.dir, append([]string{b.ws.zonectl}, args...)...)
	if err == nil && (slices.Contains(args, "push") || slices.Contains(args, "promote") || slices.Contains(args, "import")) {
		m.Bound = b.bound()
	}
	return m, err
}

// scenario is the whole crossing, in order:
//
//  1. v1 with nothing to build on: push, release, promote (half its
//     blocks are text, so it travels compressed with zstd), import,
//     accept;
//  2. v1 again, unchanged: a re-promotion carries no package bytes and its
//     import writes none;
//  3. v1 with --full to a target that has it: the import writes no
//     package bytes;
//  4. v2 (~1% changed) as a delta against v1: push, promote, import;
//  5. a re-release whose package has v2's bytes under a new version:
//     promote carries none, import writes none;
//  6. connected: that release again with --full, pushed with Git to
//     prod's repository (file://, stock git receive-pack) and imported
//     from there with import --incoming.
func (b *bench) scenario() error {
	w := b.ws
	if err := b.setUpSpaces(); err != nil {
		return err
	}

	// 1. v1, with nothing to build on.
	v1 := w.path("dist", "web-1.0.0.bin")
	if err := writeFile(v1, b.g.writeV1); err != nil {
		return err
	}
	if err := b.reference(v1); err != nil {
		return err
	}
	if _, err := b.zonectl("package push v1", "-C", "devtest", "package", "push", v1, "--id", "web", "--version", "1.0.0"); err != nil {
		return err
	}
	if err := os.Remove(v1); err != nil {
		return err
	}
	if err := b.release("1.0.0"); err != nil {
		return err
	}
	if _, err := b.promote("promote v1 (zstd)", "1.0.0", "web-1.0.0.zbundle", "zstd"); err != nil {
		return err
	}
	if _, err := b.importBundle("import v1 (zstd)", "web-1.0.0.zbundle", 1, b.g.size); err != nil {
		return err
	}
	if _, err := b.zonectl("accept v1", "-C", "prod", "accept", "web", "1.0.0", "--lifecycle", "Prod"); err != nil {
		return err
	}

	// 2. The same release again: nothing to carry.
	if _, err := b.promote("re-promote v1 (unchanged)", "1.0.0", "web-1.0.0-r2.zbundle", "none"); err != nil {
		return err
	}
	if _, err := b.importBundle("import v1 again (has it)", "web-1.0.0-r2.zbundle", 0, 0); err != nil {
		return err
	}

	// 3. A full bundle to a target that has its package.
	if _, err := b.promote("promote v1 --full", "1.0.0", "web-1.0.0-full.zbundle", "zstd", "--full"); err != nil {
		return err
	}
	if _, err := b.importBundle("import v1 --full (has it)", "web-1.0.0-full.zbundle", 0, 0); err != nil {
		return err
	}

	// 4. v2 as a delta against v1.
	v2 := w.path("dist", "web-1.1.0.bin")
	if err := writeFile(v2, b.g.writeV2); err != nil {
		return err
	}
	if _, err := b.zonectl("package push v2", "-C", "devtest", "package", "push", v2, "--id", "web", "--version", "1.1.0"); err != nil {
		return err
	}
	if err := os.Remove(v2); err != nil {
		return err
	}
	if err := b.release("1.1.0"); err != nil {
		return err
	}
	if _, err := b.promote("promote v2 (delta)", "1.1.0", "web-1.1.0.zbundle", "delta"); err != nil {
		return err
	}
	if _, err := b.importBundle("import v2 (delta)", "web-1.1.0.zbundle", 1, b.g.v2Size()); err != nil {
		return err
	}
	if _, err := b.zonectl("accept v2", "-C", "prod", "accept", "web", "1.1.0", "--lifecycle", "Prod"); err != nil {
		return err
	}

	// 5. A re-release: the same bytes pushed again as a new version, as a
	// rebuild that changed nothing would.
	blob, err := b.blobOf("devtest", "web", "1.1.0")
	if err != nil {
		return err
	}
	if _, err := b.zonectl("package push v2 bytes as 1.1.1", "-C", "devtest", "package", "push", blob, "--id", "web", "--version", "1.1.1"); err != nil {
		return err
	}
	if err := b.release("1.1.1"); err != nil {
		return err
	}
	if _, err := b.promote("promote 1.1.1 (same bytes)", "1.1.1", "web-1.1.1.zbundle", "none"); err != nil {
		return err
	}
	if _, err = b.importBundle("import 1.1.1 (has the bytes)", "web-1.1.1.zbundle", 0, 0); err != nil {
		return err
	}

	// 6. Connected: the whole package pushed through Git.
	if _, err := b.zonectl("promote 1.1.1 --full --push", "-C", "devtest", "promote", "web", "1.1.1", "--to", "prod", "--full", "--push"); err != nil {
		return err
	}
	m, err := b.zonectl("import --incoming", "-C", "prod", "--output", "json", "import", "--incoming")
	if err != nil {
		return err
	}
	b.check("import --incoming: the pushed bundle is imported", strings.Contains(string(m.Stdout), `"result": "imported"`), strings.TrimSpace(string(m.Stdout)))
	return nil
}

// reference times stock tools on v1, so that zonectl's figures can be
// read against this disk's speed.
func (b *bench) reference(v1 string) error {
	if _, err := b.r.run("ref: sha256sum v1", b.ws.dir, "sha256sum", v1); err != nil {
		return err
	}
	cp := b.ws.path("dist", "copy.bin")
	if _, err := b.r.run("ref: cp v1", b.ws.dir, "cp", v1, cp); err != nil {
		return err
	}
	return os.Remove(cp)
}

// release creates a release of web at version, pinning the latest
// package, and deploys it to Test, so that the lifecycle lets it go to prod.
func (b *bench) release(version string) error {
	if _, err := b.zonectl("release create "+version, "-C", "devtest", "release", "create", "web", "--version", version); err != nil {
		return err
	}
	_, err := b.zonectl("deploy "+version+" to Test", "-C", "devtest", "deploy", "web", version, "--to", "Test")
	return err
}

// promote writes a bundle of version for prod and checks how the package
// travels: "whole", "zstd", "delta" or "none". A bundle that carries none must
// hold no package member and weigh no more than its Git bundle and
// manifest.
func (b *bench) promote(label, version, name, kind string, extra ...string) (*measure, error) {
	out := b.ws.path("bundles", name)
	args := append([]string{"-C", "devtest", "--output", "json", "promote", "web", version, "--to", "prod", "--out", out}, extra...)
	m, err := b.zonectl(label, args...)
	if err != nil {
		return nil, err
	}
	var res struct {
		Manifest struct {
			Packages []struct {
				Size int64 `json:"size"`
				Data struct {
					Kind      string `json:"kind"`
					DeltaSize int64  `json:"delta_size"`
				} `json:"data"`
			} `json:"packages"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal(m.Stdout, &res); err != nil {
		return nil, fmt.Errorf("%s: reading promote --output json: %w", label, err)
	}
	if len(res.Manifest.Packages) != 1 {
		return nil, fmt.Errorf("%s: the manifest lists %d packages, want 1", label, len(res.Manifest.Packages))
	}
	p := res.Manifest.Packages[0]
	info, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("manifest kind %q, bundle %s", p.Data.Kind, human(info.Size()))
	switch kind {
	case "delta":
		// The patched and inserted bytes are random: a delta cannot be
		// much smaller than they are, and should not be much larger.
		patched, inserted, _ := b.g.editStats()
		changed := patched + inserted
		detail += fmt.Sprintf(", delta %s = %.2f%% of %s; %s of v2 is new", human(p.Data.DeltaSize),
			100*float64(p.Data.DeltaSize)/float64(p.Size), human(p.Size), human(changed))
		b.check(label+": a delta within 1.25× the new bytes", p.Data.Kind == kind && p.Data.DeltaSize <= changed*5/4+64<<10, detail)
	case "none":
		members, err := b.members(out)
		if err != nil {
			return nil, err
		}
		b.check(label+": carries no package bytes", p.Data.Kind == kind && !strings.Contains(strings.Join(members, " "), "packages/") && info.Size() < 1<<20,
			detail+", members "+strings.Join(members, " "))
	default:
		b.check(label+": the package travels "+kind, p.Data.Kind == kind, detail)
	}
	return m, nil
}

// members lists a bundle's members with zonectl bundle inspect.
func (b *bench) members(bundle string) ([]string, error) {
	m, err := b.zonectl("", "-C", "prod", "--output", "json", "bundle", "inspect", bundle)
	if err != nil {
		return nil, err
	}
	var res struct {
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	}
	if err := json.Unmarshal(m.Stdout, &res); err != nil {
		return nil, fmt.Errorf("reading bundle inspect --output json: %w", err)
	}
	var names []string
	for _, x := range res.Members {
		names = append(names, x.Name)
	}
	return names, nil
}

// importBundle imports a bundle into prod and checks that it wrote
// written packages, grew the store by grow bytes (index entries aside)
// and, when it should write none, wrote no package bytes at all. The
// bundle is removed afterwards, to keep the disk the bench needs small.
func (b *bench) importBundle(label, name string, written int, grow int64) (*measure, error) {
	file := b.ws.path("bundles", name)
	before, err := b.ws.storeSize("prod")
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	m, err := b.zonectl(label, "-C", "prod", "--output", "json", "import", file)
	if err != nil {
		return nil, err
	}
	after, err := b.ws.storeSize("prod")
	if err != nil {
		return nil, err
	}
	var res struct {
		PackagesWritten int `json:"packages_written"`
	}
	if err := json.Unmarshal(m.Stdout, &res); err != nil {
		return nil, fmt.Errorf("%s: reading import --output json: %w", label, err)
	}
	growth := after - before
	b.check(fmt.Sprintf("%s: packages_written = %d", label, written), res.PackagesWritten == written,
		fmt.Sprintf("packages_written %d", res.PackagesWritten))
	b.check(fmt.Sprintf("%s: store grows by %s", label, human(grow)), growth >= grow && growth < grow+64<<10,
		fmt.Sprintf("store %s → %s (%+d bytes)", human(before), human(after), growth))
	if written == 0 {
		b.check(label+": writes no package bytes", m.Written < b.quiet(),
			fmt.Sprintf("wrote %s through write(2), %s to disk; limit %s", human(m.Written), human(m.DiskWritten), human(b.quiet())))
	}
	return m, os.Remove(file)
}

// blobOf returns the path of the blob a Space's store holds for a
// package version.
func (b *bench) blobOf(space, id, version string) (string, error) {
	m, err := b.zonectl("", "-C", space, "--output", "json", "package", "list", id)
	if err != nil {
		return "", err
	}
	var list []struct {
		Version string `json:"version"`
		SHA256  string `json:"sha256"`
	}
	if err := json.Unmarshal(m.Stdout, &list); err != nil {
		return "", err
	}
	for _, p := range list {
		if p.Version == version {
			return b.ws.path(space, ".zonectl", "store", "blobs", "sha256", p.SHA256[:2], p.SHA256), nil
		}
	}
	return "", fmt.Errorf("%s has no %s %s", space, id, version)
}

// writeFile streams write's output into a new file.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 4<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
