package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/zonectl/zonectl/internal/ctxio"
)

// An extractor writes the entries of one archive, in order, beneath root.
// The archive readers (tar.go, zip.go) decode entries; everything that
// touches the file system is here.
type extractor struct {
	ctx   context.Context
	root  *os.Root
	opts  Options
	globs []glob
	// dirs holds the paths known to be real directories, not links, so
	// each is checked once.
	dirs map[string]bool
	// files holds the regular files this extraction wrote: the only
	// targets a hard link may have.
	files map[string]bool
	res   Result
	// limit is what the archive may expand to, as the error past it.
	limit *TooLargeError
}

func unsafeEntry(raw, format string, args ...any) error {
	return fmt.Errorf("%w %q: %s", ErrUnsafeEntry, raw, fmt.Sprintf(format, args...))
}

// clean returns the slash-separated path that the entry named raw has
// inside the destination, "." for the destination itself, or an error if
// the name is absolute or leaves the destination.
func clean(raw string) (string, error) {
	switch {
	case raw == "":
		return "", unsafeEntry(raw, "has an empty name")
	case strings.IndexByte(raw, 0) >= 0:
		return "", unsafeEntry(raw, "has a NUL byte in its name")
	case path.IsAbs(raw) || filepath.IsAbs(filepath.FromSlash(raw)):
		return "", unsafeEntry(raw, "is an absolute path")
	}
	name := path.Clean(raw)
	if name == "." {
		return name, nil
	}
	if name == ".." || strings.HasPrefix(name, "../") || !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", unsafeEntry(raw, "leaves the destination")
	}
	return name, nil
}

func native(name string) string { return filepath.FromSlash(name) }

func (x *extractor) substitutes(name string) bool {
	for _, g := range x.globs {
		if g.match(name) {
			return true
		}
	}
	return false
}

// dir creates the directory entry raw, and its parents.
func (x *extractor) dir(raw string, mode fs.FileMode) error {
	name, err := clean(raw)
	if err != nil || name == "." {
		return err
	}
	return x.mkdirAll(raw, name, mode.Perm()&0o755|0o700)
}

// mkdirAll makes sure dir and its parents are directories, creating the
// missing ones (dir with perm, parents with 0o755), and refuses to go
// through a symbolic link.
func (x *extractor) mkdirAll(raw, dir string, perm fs.FileMode) error {
	if x.dirs[dir] {
		return nil
	}
	if parent := path.Dir(dir); parent != "." {
		if err := x.mkdirAll(raw, parent, 0o755); err != nil {
			return err
		}
	}
	info, err := x.root.Lstat(native(dir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := x.root.Mkdir(native(dir), perm); err != nil {
			return fmt.Errorf("entry %q: %w", raw, err)
		}
	case err != nil:
		return fmt.Errorf("entry %q: %w", raw, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return unsafeEntry(raw, "%q is a symbolic link, and extraction never writes through one", dir)
	case !info.IsDir():
		return fmt.Errorf("entry %q: %q is a file, not a directory", raw, dir)
	}
	x.dirs[dir] = true
	return nil
}

// clear readies the place of a file, link or hard link called name: its
// parents are directories, and nothing is there, a previous file or link
// removed so it is replaced rather than written through. A directory is
// never removed.
func (x *extractor) clear(raw, name string) error {
	if parent := path.Dir(name); parent != "." {
		if err := x.mkdirAll(raw, parent, 0o755); err != nil {
			return err
		}
	}
	info, err := x.root.Lstat(native(name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("entry %q: %w", raw, err)
	case info.IsDir():
		return fmt.Errorf("entry %q: would replace the directory %q", raw, name)
	}
	delete(x.files, name)
	if err := x.root.Remove(native(name)); err != nil {
		return fmt.Errorf("entry %q: %w", raw, err)
	}
	return nil
}

// file writes the regular file entry raw with the content read from r,
// which claims size bytes, substituting it if it matches a pattern.
func (x *extractor) file(raw string, mode fs.FileMode, size int64, r io.Reader) error {
	name, err := clean(raw)
	if err != nil {
		return err
	}
	if name == "." {
		return unsafeEntry(raw, "is a file in the place of the destination itself")
	}
	r = ctxio.NewReader(x.ctx, r)
	sub := x.substitutes(name)
	var content []byte
	if sub {
		limit := x.opts.maxFileSize()
		if size > limit {
			return fmt.Errorf("entry %q: %w: %d bytes, more than %d", raw, ErrTooLarge, size, limit)
		}
		content, err = io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return fmt.Errorf("entry %q: %w", raw, err)
		}
		if int64(len(content)) > limit {
			return fmt.Errorf("entry %q: %w: more than %d bytes", raw, ErrTooLarge, limit)
		}
		content, err = x.opts.Transform(name, content)
		if err != nil {
			return fmt.Errorf("substituting %q: %w", name, err)
		}
	}
	if err := x.clear(raw, name); err != nil {
		return err
	}
	// Keep the executable bits; never let group or others write.
	perm := mode.Perm()&0o755 | 0o600
	out, err := x.root.OpenFile(native(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("entry %q: %w", raw, err)
	}
	var n int64
	room := x.limit.Limit - x.res.Bytes
	if sub {
		var m int
		if int64(len(content)) > room {
			out.Close()
			x.root.Remove(native(name))
			return x.limit
		}
		m, err = out.Write(content)
		n = int64(m)
	} else {
		n, err = io.Copy(out, io.LimitReader(r, room+1))
		if err == nil && n > room {
			err = x.limit
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		x.root.Remove(native(name))
		return fmt.Errorf("entry %q: %w", raw, err)
	}
	x.files[name] = true
	x.res.Files++
	x.res.Bytes += n
	if sub {
		x.res.Substituted = append(x.res.Substituted, name)
	}
	return nil
}

// symlink creates the symbolic link entry raw pointing at target, which
// must be relative, use ".." only at its start, and stay inside the
// destination. With ".." only leading, the climb goes through the entry's
// parent directories, which are real directories (mkdirAll saw to it), so
// the lexical check below is what the kernel will resolve; what follows the
// climb only descends, into entries that obey the same rules.
func (x *extractor) symlink(raw, target string) error {
	name, err := clean(raw)
	if err != nil {
		return err
	}
	switch {
	case name == ".":
		return unsafeEntry(raw, "is a symbolic link in the place of the destination itself")
	case target == "":
		return unsafeEntry(raw, "is a symbolic link with an empty target")
	case strings.IndexByte(target, 0) >= 0:
		return unsafeEntry(raw, "is a symbolic link whose target has a NUL byte")
	case path.IsAbs(target) || filepath.IsAbs(filepath.FromSlash(target)) || filepath.VolumeName(filepath.FromSlash(target)) != "":
		return unsafeEntry(raw, "is a symbolic link to the absolute path %q", target)
	}
	climbing := true
	for _, seg := range strings.Split(target, "/") {
		switch {
		case seg == "" || seg == ".":
		case seg == "..":
			if !climbing {
				return unsafeEntry(raw, "is a symbolic link to %q, which has \"..\" after a name", target)
			}
		default:
			climbing = false
		}
	}
	resolved := path.Join(path.Dir(name), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return unsafeEntry(raw, "is a symbolic link to %q, outside the destination", target)
	}
	if err := x.clear(raw, name); err != nil {
		return err
	}
	if err := x.root.Symlink(filepath.FromSlash(target), native(name)); err != nil {
		return fmt.Errorf("entry %q: %w", raw, err)
	}
	return nil
}

// hardlink creates the hard link entry raw to linkname, the path inside the
// archive of a regular file extracted earlier. A link whose own path is to
// be substituted becomes a substituted copy instead, so substitution never
// depends on how the archive stored a file.
func (x *extractor) hardlink(raw, linkname string) error {
	name, err := clean(raw)
	if err != nil {
		return err
	}
	target, err := clean(linkname)
	if err != nil || target == "." {
		return unsafeEntry(raw, "is a hard link to %q, outside the destination", linkname)
	}
	switch {
	case name == ".":
		return unsafeEntry(raw, "is a hard link in the place of the destination itself")
	case target == name:
		return unsafeEntry(raw, "is a hard link to itself")
	case !x.files[target]:
		return unsafeEntry(raw, "is a hard link to %q, which is not a file extracted earlier from this archive", linkname)
	}
	if x.substitutes(name) {
		f, err := x.root.Open(native(target))
		if err != nil {
			return fmt.Errorf("entry %q: %w", raw, err)
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return fmt.Errorf("entry %q: %w", raw, err)
		}
		return x.file(raw, info.Mode(), info.Size(), f)
	}
	if err := x.clear(raw, name); err != nil {
		return err
	}
	if err := x.root.Link(native(target), native(name)); err != nil {
		return fmt.Errorf("entry %q: %w", raw, err)
	}
	x.files[name] = true
	x.res.Files++
	return nil
}
