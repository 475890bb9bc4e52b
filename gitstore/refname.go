package gitstore

import (
	"fmt"
	"strings"
)

// ValidateRefName checks that name is a full ref name under refs/ that
// git check-ref-format accepts (without --allow-onelevel or
// --refspec-pattern):
//
//   - it starts with "refs/" and has a component after it;
//   - no component is empty (no leading, trailing or doubled "/"), begins
//     with ".", or ends with ".lock";
//   - it does not end with ".", and contains neither ".." nor "@{";
//   - it contains no control character, space, "~", "^", ":", "?", "*",
//     "[" or "\".
func ValidateRefName(name string) error {
	rest, ok := strings.CutPrefix(name, "refs/")
	if !ok {
		return fmt.Errorf("bad ref name %q: it must start with \"refs/\"", name)
	}
	if rest == "" {
		return fmt.Errorf("bad ref name %q: nothing after \"refs/\"", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("bad ref name %q: control character at byte %d", name, i)
		}
		if strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return fmt.Errorf("bad ref name %q: it contains %q", name, c)
		}
	}
	for _, bad := range []string{"..", "@{"} {
		if strings.Contains(name, bad) {
			return fmt.Errorf("bad ref name %q: it contains %q", name, bad)
		}
	}
	if strings.HasSuffix(name, ".") {
		return fmt.Errorf("bad ref name %q: it ends with \".\"", name)
	}
	for _, comp := range strings.Split(name, "/") {
		switch {
		case comp == "":
			return fmt.Errorf("bad ref name %q: empty component (leading, trailing or doubled \"/\")", name)
		case strings.HasPrefix(comp, "."):
			return fmt.Errorf("bad ref name %q: component %q begins with \".\"", name, comp)
		case strings.HasSuffix(comp, ".lock"):
			return fmt.Errorf("bad ref name %q: component %q ends with \".lock\"", name, comp)
		}
	}
	return nil
}
