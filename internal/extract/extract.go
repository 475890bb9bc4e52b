package extract

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// DefaultMaxFileSize is the largest file substituted when
// [Options.MaxFileSize] is zero.
const DefaultMaxFileSize = 64 << 20

var (
	// ErrUnsafeEntry is wrapped by every error that refuses an entry for
	// what it would do to the file system: leave the destination, write
	// through a symbolic link, create a device.
	ErrUnsafeEntry = errors.New("unsafe entry")
	// ErrUnknownFormat is wrapped by the error for a file that is neither a
	// tar, a gzip-compressed tar nor a zip archive.
	ErrUnknownFormat = errors.New("unknown archive format")
	// ErrTooLarge is wrapped by the error for a file to substitute that is
	// larger than [Options.MaxFileSize].
	ErrTooLarge = errors.New("too large to substitute")
)

// Options says what to do with the files of an archive besides writing
// them.
type Options struct {
	// Substitute holds glob patterns for the files to pass through
	// Transform: slash-separated paths inside the archive, each segment
	// matched with path.Match, and "**" matching any number of directories
	// ("config/**/*.json", "**/web.config"). Matching is case-sensitive.
	Substitute []string
	// Transform returns the content to write for a file that matches
	// Substitute; name is the file's cleaned path inside the archive. It is
	// required when Substitute is not empty.
	Transform func(name string, content []byte) ([]byte, error)
	// MaxFileSize is the largest file, in bytes, that is read whole to be
	// substituted; zero means DefaultMaxFileSize. Files that are not
	// substituted have no limit.
	MaxFileSize int64
	// MaxBytes bounds what the whole archive may expand to, and MaxRatio
	// what it may expand to for each byte of the archive (never below
	// MinBound, so that small packages of text are not refused): an
	// archive over either bound is refused as a bomb. Zero means
	// DefaultMaxBytes and DefaultMaxRatio.
	MaxBytes int64
	MaxRatio int64
}

// The bounds of what an archive may expand to: a package that expands
// past them is refused (see Options).
const (
	DefaultMaxBytes = 64 << 30
	DefaultMaxRatio = 200
	MinBound        = 64 << 20
)

// TooLargeError is an archive that expands past its bounds.
type TooLargeError struct {
	Limit int64
	By    string // "size" or "ratio"
}

func (e *TooLargeError) Error() string {
	if e.By == "ratio" {
		return fmt.Sprintf("it expands to more than %d bytes, over %d times its own size: refused as an archive bomb (raise the ratio with ZONECTL_EXTRACT_MAX_RATIO if it is a real package)", e.Limit, DefaultMaxRatio)
	}
	return fmt.Sprintf("it expands to more than %d bytes: refused as an archive bomb (raise the limit with ZONECTL_EXTRACT_MAX_BYTES if it is a real package)", e.Limit)
}

// bound is how many bytes an archive of size may expand to, and why.
func (o Options) bound(size int64) (int64, string) {
	maxBytes, ratio := o.MaxBytes, o.MaxRatio
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if ratio <= 0 {
		ratio = DefaultMaxRatio
	}
	byRatio := max(size*ratio, MinBound)
	if byRatio < maxBytes {
		return byRatio, "ratio"
	}
	return maxBytes, "size"
}

// Validate reports the first problem with o: a malformed pattern, patterns
// without a Transform, a negative size.
func (o Options) Validate() error {
	_, err := o.compile()
	return err
}

func (o Options) compile() ([]glob, error) {
	if o.MaxFileSize < 0 {
		return nil, fmt.Errorf("max file size %d is negative", o.MaxFileSize)
	}
	if len(o.Substitute) > 0 && o.Transform == nil {
		return nil, errors.New("substitute patterns given without a transform")
	}
	globs := make([]glob, 0, len(o.Substitute))
	for _, p := range o.Substitute {
		g, err := compileGlob(p)
		if err != nil {
			return nil, err
		}
		globs = append(globs, g)
	}
	return globs, nil
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize == 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Result tells what an extraction wrote.
type Result struct {
	// Files counts the regular files written, hard links included;
	// directories and symbolic links are not counted.
	Files int
	// Bytes is the total size of the regular files written, after
	// substitution.
	Bytes int64
	// Substituted lists, in archive order, the paths inside the archive of
	// the files passed through Options.Transform.
	Substituted []string
}

// Extract unpacks the archive at archivePath into dest, creating dest if it
// is missing. Files the archive contains replace files of the same name in
// dest; a directory is never replaced. Extract checks ctx between entries
// and while copying, and returns its error when it is cancelled.
//
// On error, dest may hold the entries extracted before the failure.
func Extract(ctx context.Context, archivePath, dest string, opts Options) (*Result, error) {
	globs, err := opts.compile()
	if err != nil {
		return nil, fmt.Errorf("extract options: %w", err)
	}
	f, err := os.Open(archivePath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	format, err := sniff(f)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", archivePath, err)
	}

	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, fmt.Errorf("creating destination: %w", err)
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return nil, fmt.Errorf("opening destination: %w", err)
	}
	defer root.Close()

	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	limit, by := opts.bound(info.Size())
	x := &extractor{
		ctx:   ctx,
		root:  root,
		opts:  opts,
		globs: globs,
		dirs:  map[string]bool{".": true},
		files: map[string]bool{},
		limit: &TooLargeError{Limit: limit, By: by},
	}
	switch format {
	case formatTar:
		err = x.tar(f, false)
	case formatTarGzip:
		err = x.tar(f, true)
	case formatZip:
		err = x.zip(f)
	}
	if err != nil {
		return nil, fmt.Errorf("extracting %q: %w", archivePath, err)
	}
	return &x.res, nil
}
