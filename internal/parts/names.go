package parts

import (
	"fmt"
	"strconv"
	"strings"
)

// IndexSuffix and SignatureSuffix end the names of a set's index and its
// signature: rel.zbundle.index, rel.zbundle.index.asc.
const (
	IndexSuffix     = ".index"
	SignatureSuffix = ".asc"
)

// IndexName is the index of the bundle named bundle (a path or a base
// name): bundle + ".index".
func IndexName(bundle string) string { return bundle + IndexSuffix }

// SignatureName is the signature beside an index.
func SignatureName(index string) string { return index + SignatureSuffix }

// PartName is the name of part n of count of the bundle named bundle:
// bundle + ".part" + n in at least three digits, and as many as count
// needs, so that every part of a set has the same width.
func PartName(bundle string, n, count int) string {
	width := max(3, len(strconv.Itoa(count)))
	return fmt.Sprintf("%s.part%0*d", bundle, width, n)
}

// SplitPartName takes a part's file name apart: the bundle it belongs to
// and its number. ok is false for a name that is not NAME.partDIGITS.
func SplitPartName(name string) (bundle string, n int, ok bool) {
	i := strings.LastIndex(name, ".part")
	if i <= 0 {
		return "", 0, false
	}
	digits := name[i+len(".part"):]
	if len(digits) < 3 || strings.Trim(digits, "0123456789") != "" {
		return "", 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 {
		return "", 0, false
	}
	return name[:i], n, true
}

// IsIndexName reports whether name is an index's or its signature's, and
// returns the index's.
func IsIndexName(name string) (index string, ok bool) {
	name = strings.TrimSuffix(name, SignatureSuffix)
	return name, strings.HasSuffix(name, IndexSuffix) && len(name) > len(IndexSuffix)
}
