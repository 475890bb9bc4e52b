package promote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"

	"github.com/zonectl/zonectl/gitstore"
)

// IncomingPrefix is where a pushed bundle waits in the target's
// repository until `zonectl import --incoming` verifies and stages it.
const IncomingPrefix = "refs/zonectl/incoming/"

// IncomingFile is the name of the bundle in an incoming commit's tree.
const IncomingFile = "release.zbundle"

// Push sends a written release bundle to a connected peer: one signed
// commit whose tree holds the .zbundle file as it is, pushed with Git to
// refs/zonectl/incoming/<source>/<sequence> at url (file://, ssh:// or
// http(s)://). The target verifies it exactly as a file carried across an
// air gap, with `zonectl import --incoming`, which then deletes the
// incoming ref: package bytes pass through the target's Git objects but
// are never referenced there once imported.
func Push(ctx context.Context, env *Env, p *Promotion, bundlePath, url string) error {
	if url == "" {
		return fmt.Errorf("peer %q has no url to push to; add one to its peer block, or carry a bundle written with --out", p.Target)
	}
	f, err := os.Open(bundlePath)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	blob, err := env.Repo.WriteBlob(f, info.Size())
	if err != nil {
		return err
	}
	treeHash, err := env.Repo.TreeOf(IncomingFile, blob)
	if err != nil {
		return err
	}
	local := fmt.Sprintf("refs/zonectl/outgoing/%s/%d", strings.ToLower(p.Target), p.Sequence)
	commit, err := env.Repo.Commit(ctx, gitstore.CommitOptions{
		Ref: local, Tree: treeHash, Author: env.Author, Signer: env.Signer,
		Message: fmt.Sprintf("Release bundle for %s: %s %s (revision %d, sequence %d)\n", p.Target, p.Release.Release.Project, p.Release.Release.Version, p.Revision, p.Sequence),
	})
	if err != nil {
		return err
	}
	defer env.Repo.DeleteRef(local, commit)
	remote := git.NewRemote(env.Repo.Git().Storer, &gitconfig.RemoteConfig{Name: "zonectl-peer", URLs: []string{url}})
	dst := fmt.Sprintf("%s%s/%d", IncomingPrefix, strings.ToLower(env.Name), p.Sequence)
	err = remote.PushContext(ctx, &git.PushOptions{
		RemoteName: "zonectl-peer",
		RefSpecs:   []gitconfig.RefSpec{gitconfig.RefSpec(local + ":" + dst)},
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("push to %s: %w", url, err)
	}
	return nil
}
