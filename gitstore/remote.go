package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/term"
)

// A Space shared by a team has a remote: a Git remote of the clone (a
// name git knows, such as "origin") that holds the truth. The clone keeps
// two views of it, both under SyncPrefix:
//
//   - fetched/<ref>: what the remote held at the last fetch, mirrored by
//     git fetch --prune;
//   - synced/<ref>: what the remote held when this clone last reconciled
//     with it or pushed to it, the common base of a three-way comparison
//     with the clone's own ref.
//
// Fetching and pushing run stock git, so that the clone's own credential
// helpers, ssh configuration, proxies and URL rewrites apply exactly as to
// the user's git push.
const SyncPrefix = "refs/zonectl-sync/"

// SharedPrefix is where the refs live that a Space shares through its
// remote; the branch MainBranch is shared too, and the branches zonectl
// proposes for pull requests, under ProposalsPrefix.
const (
	SharedPrefix    = "refs/zonectl/"
	ProposalsPrefix = "refs/heads/zonectl/"
)

var remoteNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// SetRemote makes name the Space's remote: Fetch reads it and every
// transaction's commit is an atomic push to it. An empty name works
// offline. The name must be a remote the clone's Git configuration
// declares.
func (r *Repo) SetRemote(name string) error {
	if name == "" {
		r.remote = ""
		return nil
	}
	if !remoteNameRE.MatchString(name) || strings.Contains(name, "..") || strings.HasSuffix(name, ".lock") {
		return fmt.Errorf("remote %q: not a Git remote name (letters, digits, '.', '_' and '-')", name)
	}
	cfg, err := r.repo.Config()
	if err != nil {
		return fmt.Errorf("remote %q: read the clone's Git configuration: %w", name, err)
	}
	if _, ok := cfg.Remotes[name]; !ok {
		return &NoRemoteError{Name: name}
	}
	r.remote = name
	return nil
}

// NoRemoteError is SetRemote's refusal of a remote the clone does not
// declare.
type NoRemoteError struct{ Name string }

func (e *NoRemoteError) Error() string {
	return fmt.Sprintf("the Space's remote %q is not a remote of this clone", e.Name)
}

// RemoteName is the Space's remote, empty when it works offline.
func (r *Repo) RemoteName() string { return r.remote }

// RemoteURL is the URL git fetches the Space's remote from.
func (r *Repo) RemoteURL() string {
	cfg, err := r.repo.Config()
	if err != nil || r.remote == "" {
		return ""
	}
	if rc, ok := cfg.Remotes[r.remote]; ok && len(rc.URLs) > 0 {
		return rc.URLs[0]
	}
	return ""
}

// FetchedRef and SyncedRef name the clone's two views of the remote's
// ref (see SyncPrefix).
func FetchedRef(remote, ref string) string {
	return SyncPrefix + remote + "/fetched/" + strings.TrimPrefix(ref, "refs/")
}

func SyncedRef(remote, ref string) string {
	return SyncPrefix + remote + "/synced/" + strings.TrimPrefix(ref, "refs/")
}

// Shared reports whether ref is one a Space shares through its remote.
func Shared(ref string) bool {
	return strings.HasPrefix(ref, SharedPrefix) || strings.HasPrefix(ref, ProposalsPrefix) || ref == MainBranch
}

// RemoteRef is one shared ref as the clone and its remote hold it; a zero
// hash is a ref that does not exist there.
type RemoteRef struct {
	Ref     string
	Local   plumbing.Hash
	Synced  plumbing.Hash
	Fetched plumbing.Hash
}

// RemoteRefs lists every shared ref that the clone, its synced view or
// its fetched view of the remote holds, in name order.
func (r *Repo) RemoteRefs() ([]RemoteRef, error) {
	if r.remote == "" {
		return nil, errors.New("the Space has no remote")
	}
	byName := map[string]*RemoteRef{}
	get := func(name string) *RemoteRef {
		if byName[name] == nil {
			byName[name] = &RemoteRef{Ref: name}
		}
		return byName[name]
	}
	local, err := r.RefsUnder(SharedPrefix)
	if err != nil {
		return nil, err
	}
	proposals, err := r.RefsUnder(ProposalsPrefix)
	if err != nil {
		return nil, err
	}
	local = append(local, proposals...)
	if h, ok, err := r.Ref(MainBranch); err != nil {
		return nil, err
	} else if ok {
		local = append(local, NamedRef{Name: MainBranch, Hash: h})
	}
	for _, n := range local {
		get(n.Name).Local = n.Hash
	}
	for _, view := range []string{"fetched", "synced"} {
		prefix := SyncPrefix + r.remote + "/" + view + "/"
		refs, err := r.RefsUnder(prefix)
		if err != nil {
			return nil, err
		}
		for _, n := range refs {
			rr := get("refs/" + strings.TrimPrefix(n.Name, prefix))
			if view == "fetched" {
				rr.Fetched = n.Hash
			} else {
				rr.Synced = n.Hash
			}
		}
	}
	out := make([]RemoteRef, 0, len(byName))
	for _, rr := range byName {
		if Shared(rr.Ref) {
			out = append(out, *rr)
		}
	}
	sortRemoteRefs(out)
	return out, nil
}

// Fetch brings what the remote holds of the shared refs into the fetched
// view (git fetch --prune), with the objects they need. It moves none of
// the clone's own refs: reconciling does that, in a transaction. Callers
// that then read the view hold the fetch lock (WithFetchLock) around
// both, so that a slower fetch never puts an older view over a newer one
// before it is read.
func (r *Repo) Fetch(ctx context.Context) error {
	if r.remote == "" {
		return errors.New("the Space has no remote")
	}
	args := []string{"fetch", "--prune", "--no-tags", "--quiet", "--no-write-fetch-head", "--end-of-options", r.remote,
		"+" + SharedPrefix + "*:" + FetchedRef(r.remote, SharedPrefix) + "*",
		// Every branch, so that a remote whose main is missing (a new,
		// empty repository) is no error; only main and the proposal
		// branches are read.
		"+refs/heads/*:" + FetchedRef(r.remote, "refs/heads/") + "*"}
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if _, err = r.git(ctx, args...); err == nil || !gitLockBusy(err) {
			break
		}
		// Another fetch of this clone holds git's lock on a ref of the
		// view (a recovery asking the remote): it is over in moments.
		if serr := sleepCtx(ctx, backoff(attempt)); serr != nil {
			return serr
		}
	}
	if err != nil {
		return &RemoteError{Remote: r.remote, Op: "fetch from", Err: err}
	}
	return nil
}

// gitLockBusy reports whether git failed because another git holds a
// lock file it needs.
func gitLockBusy(err error) bool {
	var ge *GitError
	return errors.As(err, &ge) && (strings.Contains(ge.Stderr, "cannot lock ref") || strings.Contains(ge.Stderr, ".lock': File exists"))
}

// WithFetchLock runs f holding the clone's fetch lock, which orders
// fetches and what reads their view. It is taken before the Space lock,
// never while holding it.
func (r *Repo) WithFetchLock(ctx context.Context, f func() error) error {
	unlock, err := flockFile(ctx, filepath.Join(r.commonDir, journalDir, "fetch.flock"))
	if err != nil {
		return fmt.Errorf("fetch lock: %w", err)
	}
	defer unlock()
	return f()
}

// RemoteError is a fetch or push that did not reach the remote or that it
// refused.
type RemoteError struct {
	Remote string
	Op     string
	Err    error
}

func (e *RemoteError) Error() string { return fmt.Sprintf("%s %s: %v", e.Op, e.Remote, e.Err) }
func (e *RemoteError) Unwrap() error { return e.Err }

// GitError is a git command that failed: its arguments and what it said.
type GitError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *GitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: %s", e.Args[0], msg)
}

func (e *GitError) Unwrap() error { return e.Err }

// git runs stock git on the repository and returns what it printed on
// stdout. It asks for credentials on the terminal only when there is one,
// so that a CI job fails rather than waits for a password.
func (r *Repo) git(ctx context.Context, args ...string) ([]byte, error) {
	bin, err := exec.LookPath("git")
	if err != nil {
		return nil, errors.New("a Space with a remote needs git on PATH to fetch and push; install git, or pass --offline")
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--git-dir", r.gitDir}, args...)...)
	cmd.Dir = r.root
	cmd.Env = os.Environ()
	dieWithParent(cmd)
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		cmd.Env = append(cmd.Env, "GIT_TERMINAL_PROMPT=0")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}
