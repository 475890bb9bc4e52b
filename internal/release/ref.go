package release

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/gitstore"
)

// RefPrefix is where releases live.
const RefPrefix = "refs/zonectl/releases/"

// Ref returns the ref of a release. Project names are matched ignoring
// case, so the ref uses the folded name; characters Git does not allow in
// a ref, or that would make two names collide, are percent-escaped, so
// refs stay readable for ordinary names (refs/zonectl/releases/acme-web/1.4.0).
func Ref(project, version string) (string, error) {
	ref := RefPrefix + escape(strings.ToLower(project)) + "/" + escape(version)
	if err := gitstore.ValidateRefName(ref); err != nil {
		return "", fmt.Errorf("release %s %s cannot be stored: %w", project, version, err)
	}
	return ref, nil
}

// PromotionRef is where a source keeps the chain of a project's
// promotions to target: each commit a sliced release it sent.
func PromotionRef(target, project string) string {
	return "refs/zonectl/promotions/" + strings.ToLower(target) + "/" + escape(strings.ToLower(project))
}

// ProjectRefPrefix is the prefix of every release ref of a project.
func ProjectRefPrefix(project string) string {
	return RefPrefix + escape(strings.ToLower(project)) + "/"
}

func escape(s string) string {
	out := escapeChars(s)
	// Git refuses a component ending in ".lock", its lock-file suffix.
	if strings.HasSuffix(out, ".lock") {
		out = strings.TrimSuffix(out, ".lock") + "%2Elock"
	}
	return out
}

func escapeChars(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '+':
			b.WriteByte(c)
		case c == '.' && i > 0 && i < len(s)-1 && s[i-1] != '.':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
