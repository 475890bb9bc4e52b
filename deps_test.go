package zonectl_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/zonectl/zonectl/"

// wireFormats are the packages that read and write what travels between
// Spaces. They parse untrusted bytes, are fuzzed on their own, and must
// mean the same thing whatever the domain does, so they depend on nothing
// of it.
var wireFormats = []string{
	"internal/envelope",
	"internal/zbundle",
	"internal/parts",
	"gitstore/bundle",
}

// leaves are the packages of this module that a wire format may depend on,
// directly or not, and why. Each depends only on the standard library,
// outside modules and other leaves.
var leaves = map[string]string{
	"internal/refusal":    "the verification-failure error",
	"internal/canonjson":  "canonical JSON, the bytes that are signed",
	"internal/names":      "the checks on Space names, package IDs and versions, and SHA-256 digests",
	"internal/keys":       "OpenPGP signatures",
	"internal/atomicfile": "durable file writes (keys, parts)",
	"internal/semver":     "Semantic Versions",
	"internal/recompress": "how a content delta is compressed back into a package",
	"internal/meter":      "byte counting for progress (recompress)",
	"gitstore":            "ref names, and the pack storer gitstore/bundle writes into",
	"gitstore/packfmt":    "the Git pack format (gitstore)",
	"internal/ustar":      "the one tar dialect of release and receipt bundles",
}

// TestWireFormatDependencies fails when a wire-format package comes to
// depend on a package of this module that is neither a wire format nor a
// leaf, and names the chain of imports that brings it in.
func TestWireFormatDependencies(t *testing.T) {
	args := []string{"list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}"}
	for _, p := range wireFormats {
		args = append(args, module+p)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{} // package → what it imports from this module
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], module) {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		imports[pkg] = []string{}
		for _, imp := range fields[1:] {
			if rel, ok := strings.CutPrefix(imp, module); ok {
				imports[pkg] = append(imports[pkg], rel)
			}
		}
	}
	allowed := func(pkg string) bool { _, ok := leaves[pkg]; return ok || slices.Contains(wireFormats, pkg) }
	for _, root := range wireFormats {
		if _, ok := imports[root]; !ok {
			t.Errorf("go list did not list %s", root)
			continue
		}
		// Walk breadth first, so that each package is reached by one of
		// the shortest chains of imports.
		via := map[string]string{root: ""}
		queue := []string{root}
		for len(queue) > 0 {
			pkg := queue[0]
			queue = queue[1:]
			for _, imp := range imports[pkg] {
				if _, seen := via[imp]; seen {
					continue
				}
				via[imp] = pkg
				if !allowed(imp) {
					chain := []string{imp}
					for p := pkg; p != ""; p = via[p] {
						chain = append(chain, p)
					}
					slices.Reverse(chain)
					t.Errorf("%s depends on %s, which is not a leaf: %s\n\tmove what it needs into a leaf package, or, if %s is a leaf, add it to leaves with the reason",
						root, imp, strings.Join(chain, " → "), imp)
					continue
				}
				queue = append(queue, imp)
			}
		}
	}
}
