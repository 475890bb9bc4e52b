package promote

import (
	"context"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/meter"
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
// are never referenced there once imported. progress, if not nil, is told
// how storing the bundle in Git and then sending it go.
func Push(ctx context.Context, env *Env, p *Promotion, bundlePath, url string, progress meter.Progress) error {
	if url == "" {
		return fmt.Errorf("peer %q has no url to push to; add one to its peer block, or carry a bundle written with --out", p.Target)
	}
	return env.Repo.PushFile(ctx, gitstore.PushFileOptions{
		URL: url, Path: bundlePath, Name: IncomingFile,
		RemoteRef: fmt.Sprintf("%s%s/%d", IncomingPrefix, strings.ToLower(env.Name), p.Sequence),
		Message:   fmt.Sprintf("Release bundle for %s: %s %s (revision %d, sequence %d)\n", p.Target, p.Release.Release.Project, p.Release.Release.Version, p.Revision, p.Sequence),
		Author:    env.Author, Signer: env.Signer, Progress: progress,
	})
}
