package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/semver"
)

// maxEntrySize bounds what is read of an index entry, which is a few
// hundred bytes.
const maxEntrySize = 64 << 10

// entryPath is where the index entry of id and version is.
func (s *Store) entryPath(id, version string) (string, error) {
	if err := names.CheckPackageID(id); err != nil {
		return "", err
	}
	v, err := names.CheckPackageVersion(version)
	if err != nil {
		return "", err
	}
	return s.path(indexDir, idKey(id), versionKey(v)+".json"), nil
}

// Get returns the package id version. IDs and versions match
// case-insensitively, and without build metadata: Get("Acme-Web",
// "1.4.0") finds acme-web 1.4.0+build.7. A package the store does not hold
// is an error matching ErrNotFound.
func (s *Store) Get(id, version string) (Package, error) {
	path, err := s.entryPath(id, version)
	if err != nil {
		return Package{}, err
	}
	pkg, err := s.readEntry(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Package{}, &notFoundError{what: fmt.Sprintf("package %s %s", id, version)}
	}
	return pkg, err
}

// Versions returns the versions of the package id, highest first; none
// when the store holds none.
func (s *Store) Versions(id string) ([]Package, error) {
	if err := names.CheckPackageID(id); err != nil {
		return nil, err
	}
	pkgs, err := s.readDir(s.path(indexDir, idKey(id)))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(pkgs, compareDesc)
	return pkgs, nil
}

// Latest returns the highest version of the package id by SemVer
// precedence, pre-releases included (1.5.0-rc.1 is above 1.4.0, and below
// 1.5.0), as Octopus picks the latest package. A caller that wants
// releases only filters Versions. A package with no version is an error
// matching ErrNotFound.
func (s *Store) Latest(id string) (Package, error) {
	pkgs, err := s.Versions(id)
	if err != nil {
		return Package{}, err
	}
	if len(pkgs) == 0 {
		return Package{}, &notFoundError{what: fmt.Sprintf("package %s", id)}
	}
	return pkgs[0], nil
}

// List returns every package version in the store, ordered by ID and then
// by version, highest first.
func (s *Store) List() ([]Package, error) {
	ids, err := os.ReadDir(s.path(indexDir))
	if errors.Is(err, fs.ErrNotExist) {
		return []Package{}, nil
	}
	if err != nil {
		return nil, err
	}
	all := []Package{}
	for _, d := range ids {
		if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		pkgs, err := s.readDir(s.path(indexDir, d.Name()))
		if err != nil {
			return nil, err
		}
		all = append(all, pkgs...)
	}
	slices.SortFunc(all, func(a, b Package) int {
		if c := strings.Compare(idKey(a.ID), idKey(b.ID)); c != 0 {
			return c
		}
		return compareDesc(a, b)
	})
	return all, nil
}

// readDir reads the index entries of one package ID; a missing directory
// holds none.
func (s *Store) readDir(dir string) ([]Package, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Package{}, nil
	}
	if err != nil {
		return nil, err
	}
	pkgs := []Package{}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		pkg, err := s.readEntry(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}

// readEntry reads and checks one index entry: it must name the package
// its path says, with a well-formed hash.
func (s *Store) readEntry(path string) (Package, error) {
	f, err := os.Open(path)
	if err != nil {
		return Package{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil {
		return Package{}, err
	}
	rel, _ := filepath.Rel(s.dir, path)
	rel = filepath.ToSlash(rel)
	if len(data) > maxEntrySize {
		return Package{}, fmt.Errorf("index entry %s is larger than %d bytes", rel, maxEntrySize)
	}
	var pkg Package
	if err := json.Unmarshal(data, &pkg); err != nil {
		return Package{}, fmt.Errorf("index entry %s: %w", rel, err)
	}
	if err := checkEntry(pkg, path); err != nil {
		return Package{}, fmt.Errorf("index entry %s: %w", rel, err)
	}
	return pkg, nil
}

func checkEntry(pkg Package, path string) error {
	if err := names.CheckPackageID(pkg.ID); err != nil {
		return err
	}
	v, err := semver.Parse(pkg.Version)
	if err != nil {
		return err
	}
	if err := names.CheckSHA256(pkg.SHA256); err != nil {
		return err
	}
	if pkg.Size < 0 {
		return fmt.Errorf("negative size %d", pkg.Size)
	}
	if idKey(pkg.ID) != filepath.Base(filepath.Dir(path)) || versionKey(v)+".json" != filepath.Base(path) {
		return fmt.Errorf("it names %s, which belongs elsewhere in the index", pkg)
	}
	return nil
}
