package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/feeds"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

// session is a Space opened for commands that read and write releases and
// deployments: its repository, name, package store and, loaded only when
// asked for, its private key.
type session struct {
	g     *globals
	sp    *space.Space
	name  string
	store *store.Store
	// srcs is where package bytes come from, made on first use.
	srcs *feeds.Sources
	// root is the work tree's root configuration, read on first use.
	root     *config.Space
	rootRead bool
	key      *keys.Signer
	// madeLocal is the .zonectl folder (package store, work area) when
	// opening the session made it.
	madeLocal string
}

func (g *globals) session() (*session, error) { return g.openSession(false) }

// readSession is session for a command that only reads (audit): an
// unreachable remote, or a repository it may not write, leaves it with
// the clone's state and a warning.
func (g *globals) readSession() (*session, error) { return g.openSession(true) }

func (g *globals) openSession(lenient bool) (*session, error) {
	sp, err := g.openSpace()
	if err != nil {
		return nil, err
	}
	if err := g.catchUp(sp, lenient); err != nil {
		return nil, err
	}
	name, err := sp.Name()
	if err != nil {
		return nil, err
	}
	local := filepath.Join(sp.Repo.MainRoot(), ".zonectl")
	_, statErr := os.Lstat(local)
	st, err := g.openStore(store.DefaultDir(sp.Repo.MainRoot()))
	if err != nil {
		return nil, err
	}
	work := deploy.DefaultWorkDir(sp.Root())
	removed, _ := deploy.SweepWork(work)
	g.out.swept("deployments' work directory", work, removed)
	s := &session{g: g, sp: sp, name: name, store: st}
	if errors.Is(statErr, fs.ErrNotExist) {
		s.madeLocal = local
	}
	return s, nil
}

// undoLocal removes the .zonectl folder this session made, when nothing
// was put in it: a refused import leaves a Space that had none without.
func (s *session) undoLocal() {
	if s.madeLocal == "" {
		return
	}
	files := 0
	filepath.WalkDir(s.madeLocal, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files == 0 {
		os.RemoveAll(s.madeLocal)
	}
}

// openStore opens the package store in dir and first removes what runs
// of zonectl that were killed left in it (store.Sweep), saying so on
// stderr when there was something. Failing to remove it does not fail the
// command: it stays for the next one.
func (g *globals) openStore(dir string) (*store.Store, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	removed, _ := st.Sweep()
	g.out.swept("package store", st.Dir(), removed)
	return st, nil
}

// signer loads the Space's private key.
func (s *session) signer() (*keys.Signer, error) {
	if s.key == nil {
		k, err := s.sp.Signer()
		if err != nil {
			return nil, withHint(err, "the private key lives outside the repository: point ZONECTL_KEY at it (and ZONECTL_PASSPHRASE_FILE at its passphrase, if it has one)")
		}
		s.key = k
	}
	return s.key, nil
}

func (s *session) releaseEnv() (release.Env, error) {
	k, err := s.signer()
	if err != nil {
		return release.Env{}, err
	}
	srcs, err := s.sources()
	if err != nil {
		return release.Env{}, err
	}
	return release.Env{Repo: s.sp.Repo, Signer: k, Store: s.store, Pin: srcs.Pin}, nil
}

// sources is where the Space's package bytes come from: its store, in
// the clone or on a registry, and the feeds its root files declare (read
// alone: the projects are not needed for this).
func (s *session) sources() (*feeds.Sources, error) {
	if s.srcs != nil {
		return s.srcs, nil
	}
	srcs, err := s.g.packageSources(s.store, s.rootConfig())
	if err != nil {
		return nil, err
	}
	s.srcs = srcs
	return srcs, nil
}

// rootConfig is the work tree's root files (feeds, the store, peers),
// read once; nil when they do not decode, which the commands that need
// the whole configuration report.
func (s *session) rootConfig() *config.Space {
	if !s.rootRead {
		cfg, diags := s.sp.LoadRoot()
		if !diags.HasErrors() {
			s.root = cfg
		}
		s.rootRead = true
	}
	return s.root
}

// packageSources makes the sources for a store and a configuration (nil
// without a Space), showing transfers on a terminal.
func (g *globals) packageSources(st *store.Store, cfg *config.Space) (*feeds.Sources, error) {
	remote, err := feeds.RemoteStore(cfg, getenv(feeds.StoreEnv))
	if err != nil {
		return nil, usagef(err)
	}
	srcs, err := feeds.New(st, cfg, remote)
	if err != nil {
		return nil, err
	}
	var prog *progress
	srcs.Progress = func(what string, done, total int64) {
		if prog == nil || prog.what != what {
			if prog != nil {
				prog.Done()
			}
			prog = newProgress(g.out, what, total)
		}
		prog.Set(done)
		if done >= total {
			prog.Done()
			prog = nil
		}
	}
	return srcs, nil
}

// fetch makes the bytes of refs present in the store (deploy, promote).
func (s *session) fetch(ctx context.Context, refs []snapshot.PackageRef) error {
	srcs, err := s.sources()
	if err != nil {
		return err
	}
	return srcs.EnsureAll(ctx, refs)
}

// deployEnv is what deployments need; a dry run needs no private key.
func (s *session) deployEnv(dryRun bool) (*deploy.Env, error) {
	env := &deploy.Env{
		Repo:       s.sp.Repo,
		Store:      s.store,
		SpaceName:  s.name,
		Author:     s.who(),
		Output:     s.g.out.stdout,
		WorkDir:    deploy.DefaultWorkDir(s.sp.Root()),
		Fetch:      s.fetch,
		TargetRoot: getenv("ZONECTL_TARGET_ROOT"),
	}
	for _, b := range []struct {
		name string
		into *int64
	}{{"ZONECTL_EXTRACT_MAX_BYTES", &env.ExtractMaxBytes}, {"ZONECTL_EXTRACT_MAX_RATIO", &env.ExtractMaxRatio}} {
		if v := getenv(b.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return nil, usagef(fmt.Errorf("%s=%q: want a positive whole number", b.name, v))
			}
			*b.into = n
		}
	}
	if s.g.out.json() {
		env.Output = s.g.out.stderr // stdout is for the JSON result
	}
	if dryRun {
		return env, nil
	}
	k, err := s.signer()
	if err != nil {
		return nil, err
	}
	priv, err := s.sp.PrivateKey()
	if err != nil {
		return nil, err
	}
	env.Signer = k
	env.Decrypt = func(ciphertext string) (string, error) {
		b, err := keys.Decrypt(ciphertext, priv)
		return string(b), err
	}
	return env, nil
}

// who is the person recorded as doing what this command writes.
func (s *session) who() object.Signature { return space.Who(s.sp.Repo.Git(), time.Now()) }

func getenv(k string) string { return os.Getenv(k) }
