package space

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/names"
)

// InitOptions says what Space to create and where.
type InitOptions struct {
	Name string
	Dir  string    // the repository to create; it may exist, but not hold a Space or a Git repository
	Now  time.Time // the time recorded in the key and the first commit
}

// Validate checks the options before anything is written.
func (o InitOptions) Validate() error {
	if err := names.CheckSpace(o.Name); err != nil {
		return err
	}
	if o.Dir == "" {
		return errors.New("no directory given for the new Space")
	}
	if o.Now.IsZero() {
		return errors.New("no time given for the new Space")
	}
	return nil
}

// InitResult describes the Space that Init created.
type InitResult struct {
	Space          *Space
	Fingerprint    string
	PublicKeyFile  string // relative to the Space's root
	PrivateKeyPath string
	Commit         plumbing.Hash
	Author         object.Signature // who the first commit names
	AuthorGuessed  bool             // Git has no identity: Author is the OS user at the host
}

// Init creates a Space: a Git repository on branch main holding space.hcl,
// a .gitignore that keeps zonectl's local state out, and the Space's public
// key, in a first commit signed with a new key pair whose private half is
// written outside the repository. It refuses to overwrite a Space, a
// repository or a key, and on failure removes what it created.
func Init(ctx context.Context, opts InitOptions) (_ *InitResult, err error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	for _, existing := range []string{".git", "space.hcl"} {
		if _, err := os.Lstat(filepath.Join(dir, existing)); err == nil {
			return nil, fmt.Errorf("%s already holds a %s; zonectl init creates a new Space and never overwrites one", dir, map[string]string{".git": "Git repository", "space.hcl": "Space (space.hcl)"}[existing])
		}
	}

	kp, err := newKeyPair(opts.Name, opts.Now)
	if err != nil {
		return nil, err
	}
	entity, fpr, pubArmor, privArmor, privPath := kp.entity, kp.fingerprint, kp.public, kp.private, kp.privatePath

	var undo undoList
	defer func() {
		if err != nil {
			undo.run()
		}
	}()
	if err := undo.mkdirAll(dir); err != nil {
		return nil, err
	}
	// The private key is written first: it is the one step that can refuse
	// for a reason outside this directory (ZONECTL_KEY names a file that
	// exists), and nothing else is worth creating if it does.
	if err := keys.WritePrivate(privPath, privArmor); err != nil {
		return nil, err
	}
	undo.add(privPath)

	files := []gitstore.File{
		{Path: "space.hcl", Data: spaceHCL(opts.Name)},
		{Path: ".gitignore", Data: []byte(gitignore)},
		{Path: PublicKeyFile(opts.Name), Data: pubArmor},
	}
	for _, f := range files {
		if err := undo.writeFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data); err != nil {
			return nil, err
		}
	}
	repo, err := gitstore.Init(dir)
	if err != nil {
		return nil, err
	}
	undo.add(filepath.Join(dir, ".git"))

	signer, err := keys.NewSigner(entity)
	if err != nil {
		return nil, err
	}
	tree, err := repo.WriteTree(files)
	if err != nil {
		return nil, err
	}
	author, guessed := Identity(repo.Git(), opts.Now)
	commit, err := repo.Commit(ctx, gitstore.CommitOptions{
		Ref:     "refs/heads/main",
		Tree:    tree,
		Message: fmt.Sprintf("Create Space %q\n\nIts public key, %s, is at %s.\n", opts.Name, fpr, PublicKeyFile(opts.Name)),
		Author:  author,
		Signer:  signer,
	})
	if err != nil {
		return nil, err
	}
	if err := repo.ResetIndex(commit); err != nil {
		return nil, err
	}
	return &InitResult{
		Space:          &Space{Repo: repo},
		Fingerprint:    fpr,
		PublicKeyFile:  PublicKeyFile(opts.Name),
		PrivateKeyPath: privPath,
		Commit:         commit,
		Author:         author,
		AuthorGuessed:  guessed,
	}, nil
}

const gitignore = `# zonectl's local state: the package store and caches. Package bytes never
# live in Git.
.zonectl/
`

func spaceHCL(name string) []byte {
	return fmt.Appendf(nil, `# The Space %q: its name and the peers it trusts. Declare environments,
# lifecycles and tenants in other *.hcl files beside this one, and each
# project under projects/<slug>/. Run "zonectl validate" after each edit.
space %q {}
`, name, name)
}

// undoList removes, in reverse order, what a failed operation created.
type undoList []string

func (u *undoList) add(path string) { *u = append(*u, path) }

func (u undoList) run() {
	for i := len(u) - 1; i >= 0; i-- {
		os.RemoveAll(u[i])
	}
}

// mkdirAll creates dir and its missing parents, remembering the topmost
// directory it created.
func (u *undoList) mkdirAll(dir string) error {
	top := ""
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if top != "" {
		u.add(top)
	}
	return nil
}

// writeFile creates a new file (never overwriting one), and the
// directories it needs.
func (u *undoList) writeFile(path string, data []byte) error {
	if err := u.mkdirAll(filepath.Dir(path)); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	u.add(path)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
