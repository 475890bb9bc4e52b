package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/space"
)

// commitFiles commits the work tree's files at paths (slash-separated,
// from the root) to the branch checked out, signed by the Space, and
// nothing else: other changes in the work tree stay as they are. It is
// --commit of the commands that edit the configuration (peer add, secret
// set), which otherwise leave the edit to review and commit. With a
// remote, the commit is pushed as any transaction is.
func (g *globals) commitFiles(sp *space.Space, paths []string, message string) (plumbing.Hash, string, error) {
	signer, err := sp.Signer()
	if err != nil {
		return plumbing.ZeroHash, "", withHint(err, "committing signs with the Space's key; without it, commit with git instead")
	}
	var files []gitstore.File
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(sp.Root(), filepath.FromSlash(p)))
		if errors.Is(err, os.ErrNotExist) {
			files = append(files, gitstore.File{Path: p, Deleted: true}) // the edit removed it
			continue
		}
		if err != nil {
			return plumbing.ZeroHash, "", err
		}
		files = append(files, gitstore.File{Path: p, Data: data})
	}
	var commit plumbing.Hash
	var branch string
	err = sp.Repo.Transact(g.context(), "commit "+strings.Join(paths, ", "), func(tx *gitstore.Tx) error {
		if branch, err = tx.LockWorkTree(); err != nil {
			return err
		}
		if branch == "" {
			return errors.New("HEAD is detached: check a branch out, or commit with git")
		}
		tip, ok, err := tx.Ref(branch)
		if err != nil {
			return err
		}
		base := plumbing.ZeroHash
		if ok {
			c, err := sp.Repo.Git().CommitObject(tip)
			if err != nil {
				return err
			}
			base = c.TreeHash
		}
		tree, err := sp.Repo.UpdateTree(base, files)
		if err != nil {
			return err
		}
		commit, err = tx.WriteCommit(gitstore.CommitOptions{Ref: branch, Tree: tree, Message: message + "\n", Author: space.Who(sp.Repo.Git(), time.Now()), Signer: signer})
		return err
	})
	if err != nil {
		return plumbing.ZeroHash, "", fmt.Errorf("commit %s: %w", strings.Join(paths, ", "), err)
	}
	return commit, strings.TrimPrefix(branch, "refs/heads/"), nil
}

// commitEdit is commitFiles for a command's --commit, caught up with the
// Space's remote first; it returns the commit, as a short hash.
func (g *globals) commitEdit(sp *space.Space, paths []string, message string) (string, error) {
	if err := g.catchUp(sp, false); err != nil {
		return "", err
	}
	h, _, err := g.commitFiles(sp, paths, message)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// printEditCommitted says that an edit was committed, or that it is not
// used until it is.
func (g *globals) printEditCommitted(commit, howTo string) {
	if commit != "" {
		g.out.printf("Committed %s, signed by the Space.\n", commit[:12])
		return
	}
	g.out.infof("Not committed yet: commands that read main do not see it until it is. Review and commit it (%s), or pass --commit.\n", howTo)
}
