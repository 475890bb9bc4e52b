package bundle

import (
	"fmt"
	"strings"
)

// checkRefName reports whether name may be a bundle reference: "HEAD", or a
// full ref name under refs/ that git check-ref-format accepts. gitstore has
// its own check for the refs zonectl writes; this one is the bundle format's,
// and also allows HEAD, which git bundle create --all writes.
//
// The rules: no component is empty, begins with "." or ends with ".lock";
// the name does not end with "." and contains neither ".." nor "@{"; no
// control character, space, "~", "^", ":", "?", "*", "[" or "\".
func checkRefName(name string) error {
	if name == "HEAD" {
		return nil
	}
	rest, ok := strings.CutPrefix(name, "refs/")
	if !ok {
		return fmt.Errorf("ref name %q is neither HEAD nor under refs/", name)
	}
	if rest == "" {
		return fmt.Errorf("ref name %q has nothing after refs/", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("ref name %q has a control character at byte %d", name, i)
		}
		if strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return fmt.Errorf("ref name %q contains %q", name, c)
		}
	}
	for _, bad := range []string{"..", "@{"} {
		if strings.Contains(name, bad) {
			return fmt.Errorf("ref name %q contains %q", name, bad)
		}
	}
	if strings.HasSuffix(name, ".") {
		return fmt.Errorf("ref name %q ends with \".\"", name)
	}
	for _, comp := range strings.Split(rest, "/") {
		switch {
		case comp == "":
			return fmt.Errorf("ref name %q has an empty component", name)
		case strings.HasPrefix(comp, "."):
			return fmt.Errorf("ref name %q has a component beginning with \".\"", name)
		case strings.HasSuffix(comp, ".lock"):
			return fmt.Errorf("ref name %q has a component ending with \".lock\"", name)
		}
	}
	return nil
}
