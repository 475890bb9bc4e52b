package release

import (
	"bytes"
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// SnapshotOptions says which release's variables to take again, and from
// where.
type SnapshotOptions struct {
	Project string
	Version string
	Ref     string // "main" when empty
	Author  object.Signature
}

// Snapshot re-snapshots a release's variables and variable templates from
// opts.Ref, as Octopus's "update variables" does, in a new signed commit on
// top of the release ref. The process is never re-snapshotted. changed is
// false, and nothing is written, when the variables are the same.
func Snapshot(ctx context.Context, env Env, opts SnapshotOptions) (l *Loaded, changed bool, err error) {
	if opts.Ref == "" {
		opts.Ref = "main"
	}
	// Everything is read under the Space lock: two re-snapshots at once
	// must each build on the other's result, not on the same old tip.
	err = env.Repo.Transact(ctx, fmt.Sprintf("release snapshot %s %s", opts.Project, opts.Version), func(tx *gitstore.Tx) error {
		l, changed, err = snapshotIn(tx, env, opts)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return l, changed, nil
}

// snapshotIn is Snapshot within tx.
func snapshotIn(tx *gitstore.Tx, env Env, opts SnapshotOptions) (*Loaded, bool, error) {
	cur, err := Load(env.Repo, opts.Project, opts.Version)
	if err != nil {
		return nil, false, err
	}
	src, err := resolve(env.Repo, opts.Ref)
	if err != nil {
		return nil, false, err
	}
	cfg, err := LoadConfig(env.Repo, opts.Ref, src)
	if err != nil {
		return nil, false, err
	}
	p := cfg.Project(cur.Release.Project)
	if p == nil {
		return nil, false, unknownProject(cfg, cur.Release.Project, opts.Ref)
	}
	_, vars := snapshot.FromConfig(p)
	oldData, err := canonjson.Encode(cur.Variables)
	if err != nil {
		return nil, false, err
	}
	newData, err := canonjson.Encode(vars)
	if err != nil {
		return nil, false, err
	}
	if bytes.Equal(oldData, newData) {
		return cur, false, nil
	}
	rel := cur.Release
	rel.Snapshots++
	rel.VariablesCommit = src.String()
	tree, err := writeTree(env.Repo, rel, &cur.Process, vars)
	if err != nil {
		return nil, false, err
	}
	h, err := tx.WriteCommit(gitstore.CommitOptions{
		Ref:     cur.Ref,
		Tree:    tree,
		Message: fmt.Sprintf("Re-snapshot the variables of %s %s\n\nVariables and templates taken from %s at %s; the process is unchanged.\n", rel.Project, rel.Version, opts.Ref, src),
		Author:  opts.Author,
		Signer:  env.Signer,
	})
	if err != nil {
		return nil, false, err
	}
	who := fmt.Sprintf("%s <%s>", opts.Author.Name, opts.Author.Email)
	if _, err := ledger.Append(tx, env.Signer, opts.Author, ledger.Event{
		Type: ledger.ReleaseSnapshot, Who: who, Project: rel.Project, Version: rel.Version, Release: h.String(),
	}, nil); err != nil {
		return nil, false, err
	}
	return &Loaded{Release: rel, Process: cur.Process, Variables: *vars, Commit: h, Ref: cur.Ref}, true, nil
}
