package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// MainBranch is the branch that holds a Space's configuration; Init points
// HEAD at it.
const MainBranch = "refs/heads/main"

// Repo is a Space repository: a non-bare Git repository opened through
// go-git, plus the paths gitstore needs to follow Git's on-disk protocol.
// A Repo is safe for use by several goroutines; each Lock call excludes
// every other one, in this process or another.
type Repo struct {
	root      string // the work tree
	gitDir    string // the .git directory (per work tree for linked work trees)
	commonDir string // where refs, objects and the Space lock live
	repo      *git.Repository
	decoded   decodedObjects // trees and commits decoded once (see Tree)

	afterMu sync.Mutex
	after   map[string]AfterFunc // handlers of transactions' after-actions

	remote    string     // the Space's Git remote, empty offline (see SetRemote)
	reconcile Reconciler // brings the clone up to date after a rejected push
}

// Open returns the repository that holds dir, looking in dir and then in
// each parent directory the way git does.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open Space at %q: %w", dir, err)
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{
		DetectDotGit:          true,
		EnableDotGitCommonDir: true,
	})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if bare := bareAbove(abs); bare != "" {
			return nil, fmt.Errorf("open Space at %q: the repository is bare; a Space needs a work tree (clone it with `git clone %s` and run zonectl in the clone)", bare, bare)
		}
		return nil, fmt.Errorf("not in a Space: no Git repository at or above %q", abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open Space at %q: %w", abs, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, fmt.Errorf("open Space at %q: the repository is bare; a Space needs a work tree", abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open Space at %q: %w", abs, err)
	}
	root := wt.Filesystem.Root()
	gitDir, commonDir, err := findGitDirs(root)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(commonDir, "reftable")); err == nil {
		return nil, fmt.Errorf("open Space at %q: the repository stores refs in a reftable, which zonectl does not support", root)
	}
	if repo, err = withLargeObjects(repo, filepath.Join(commonDir, "objects")); err != nil {
		return nil, fmt.Errorf("open Space at %q: %w", abs, err)
	}
	return &Repo{root: root, gitDir: gitDir, commonDir: commonDir, repo: repo}, nil
}

// bareAbove returns dir, or the first parent of it, that is a bare Git
// repository (HEAD, objects/ and refs/ side by side), or "".
func bareAbove(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		_, e1 := os.Stat(filepath.Join(d, "HEAD"))
		_, e2 := os.Stat(filepath.Join(d, "objects"))
		_, e3 := os.Stat(filepath.Join(d, "refs"))
		if e1 == nil && e2 == nil && e3 == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// openPacks bounds the pack files kept open between reads.
const openPacks = 16

// withLargeObjects reopens repo on the same .git with go-git told to read
// objects over largeObject bytes from disk as they are used, rather than
// load them whole: a pushed release bundle is one blob of gigabytes.
func withLargeObjects(repo *git.Repository, objectsDir string) (*git.Repository, error) {
	fss, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return repo, nil
	}
	wt, err := repo.Worktree()
	if err != nil {
		return repo, nil // bare: Open refuses it next
	}
	// A pack stays open between reads (go-git reopens it for every object
	// otherwise): audit reads every ledger commit, and its time was spent
	// opening the same pack file thousands of times.
	objects := cache.NewObjectLRUDefault()
	st := filesystem.NewStorageWithOptions(fss.Filesystem(), objects, filesystem.Options{LargeObjectThreshold: largeObject, MaxOpenDescriptors: openPacks})
	return git.Open(newLiveStorage(st, objectsDir, objects), wt.Filesystem)
}

// Init creates a non-bare repository in dir (creating dir if needed) whose
// HEAD is the unborn branch MainBranch. It refuses a dir that already holds
// a .git.
func Init(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("init Space at %q: %w", dir, err)
	}
	if _, err := os.Lstat(filepath.Join(abs, git.GitDirName)); err == nil {
		return nil, fmt.Errorf("init Space at %q: it already holds a Git repository", abs)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("init Space at %q: %w", abs, err)
	}
	_, err = git.PlainInitWithOptions(abs, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.ReferenceName(MainBranch)},
	})
	if err != nil {
		return nil, fmt.Errorf("init Space at %q: %w", abs, err)
	}
	return Open(abs)
}

// Root returns the work tree: the directory that holds .git.
func (r *Repo) Root() string { return r.root }

// GitDir returns the Git directory: <root>/.git, or for a linked work tree
// (git worktree add) the directory its .git file names.
func (r *Repo) GitDir() string { return r.gitDir }

// CommonDir returns the directory that holds the refs, the objects and the
// Space lock. It is GitDir except in a linked work tree, where it is the
// main work tree's Git directory.
func (r *Repo) CommonDir() string { return r.commonDir }

// MainRoot returns the main work tree: Root, except in a linked work tree
// (git worktree add), where it is the work tree that holds the common Git
// directory. What belongs to the Space rather than to one checkout, such
// as its package store, lives there, so every work tree shares it.
func (r *Repo) MainRoot() string {
	if r.commonDir != r.gitDir && filepath.Base(r.commonDir) == git.GitDirName {
		return filepath.Dir(r.commonDir)
	}
	return r.root
}

// Git returns the go-git handle, for reading objects and for the packages
// that fetch, push and bundle. Move refs with UpdateRef, not through it.
func (r *Repo) Git() *git.Repository { return r.repo }

// findGitDirs returns the Git directory of the work tree root and its common
// directory, following a .git file and a commondir file as git does.
func findGitDirs(root string) (gitDir, commonDir string, err error) {
	dotGit := filepath.Join(root, git.GitDirName)
	fi, err := os.Lstat(dotGit)
	if err != nil {
		return "", "", fmt.Errorf("open Space at %q: %w", root, err)
	}
	gitDir = dotGit
	if !fi.IsDir() {
		b, err := os.ReadFile(dotGit)
		if err != nil {
			return "", "", fmt.Errorf("open Space at %q: %w", root, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok {
			return "", "", fmt.Errorf("open Space at %q: %q has no gitdir: line", root, dotGit)
		}
		gitDir = absJoin(root, strings.TrimSpace(target))
	}
	commonDir = gitDir
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	switch {
	case err == nil:
		commonDir = absJoin(gitDir, strings.TrimSpace(string(b)))
	case !errors.Is(err, os.ErrNotExist):
		return "", "", fmt.Errorf("open Space at %q: %w", root, err)
	}
	return gitDir, commonDir, nil
}

// Main returns the commit MainBranch points at, or NoMainError's error
// when there is none.
func (r *Repo) Main() (plumbing.Hash, error) {
	h, ok, err := r.Ref(MainBranch)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if !ok {
		return plumbing.ZeroHash, NoMainError(r)
	}
	return h, nil
}

// NoMainError says that the Space has no MainBranch, naming the branches
// it has instead: a repository whose default branch is master is the
// common case.
func NoMainError(r *Repo) error {
	heads, _ := r.RefsUnder("refs/heads/")
	var names []string
	for _, h := range heads {
		names = append(names, strings.TrimPrefix(h.Name, "refs/heads/"))
	}
	if len(names) == 0 {
		return fmt.Errorf("the Space has no branch %q yet: commit its configuration on main first", "main")
	}
	return fmt.Errorf("the Space has no branch %q, where zonectl reads its configuration; its branches are %s (rename the default one with: git branch -m %s main)",
		"main", strings.Join(names, ", "), names[0])
}

// HeadBranch returns the branch the work tree has checked out (such as
// refs/heads/main), or "" when HEAD is detached.
func (r *Repo) HeadBranch() (string, error) {
	data, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return "", fmt.Errorf("read HEAD: %w", err)
	}
	target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "ref:")
	if !ok {
		return "", nil
	}
	return strings.TrimSpace(target), nil
}

// absJoin resolves p against base unless it is already absolute.
func absJoin(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}
