package zbundle

import (
	"fmt"

	"github.com/zonectl/zonectl/gitstore/bundle"
)

// CheckHeader holds a Git bundle's header against what the manifest pins:
// the same references, in order, and the same prerequisites.
func (g Git) CheckHeader(hdr *bundle.Header) error {
	if len(hdr.References) != len(g.Refs) || len(hdr.Prerequisites) != len(g.Prerequisites) {
		return fmt.Errorf("release.bundle's references or prerequisites are not the ones the manifest pins")
	}
	for i, r := range hdr.References {
		if r.Name != g.Refs[i].Name || r.Hash.String() != g.Refs[i].Hash {
			return fmt.Errorf("release.bundle's reference %s %s is not the pinned %s %s", r.Name, r.Hash, g.Refs[i].Name, g.Refs[i].Hash)
		}
	}
	for i, p := range hdr.Prerequisites {
		if p.Hash.String() != g.Prerequisites[i] {
			return fmt.Errorf("release.bundle's prerequisite %s is not the pinned %s", p.Hash, g.Prerequisites[i])
		}
	}
	return nil
}
