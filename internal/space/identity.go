package space

import (
	"os"
	"os/user"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Who is the person zonectl records as the author of what it writes: Git's
// own identity (GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, then user.name and
// user.email from the repository's and the user's Git configuration), else
// the operating-system user, so a CI job without Git configured still
// records someone.
func Who(repo *git.Repository, now time.Time) object.Signature {
	sig, _ := Identity(repo, now)
	return sig
}

// Identity is Who, and whether it was guessed from the operating-system
// user and host because Git has no identity configured: init says so,
// since everything the Space records will bear it.
func Identity(repo *git.Repository, now time.Time) (object.Signature, bool) {
	sig := object.Signature{When: now}
	if repo != nil {
		// The user's configuration and the repository's own.
		if cfg, err := repo.ConfigScoped(gitconfig.GlobalScope); err == nil {
			sig.Name, sig.Email = cfg.User.Name, cfg.User.Email
		}
	}
	if v := os.Getenv("GIT_AUTHOR_NAME"); v != "" {
		sig.Name = v
	}
	if v := os.Getenv("GIT_AUTHOR_EMAIL"); v != "" {
		sig.Email = v
	}
	guessed := sig.Name == "" || sig.Email == ""
	if sig.Name == "" {
		sig.Name = "zonectl"
		if u, err := user.Current(); err == nil && u.Username != "" {
			sig.Name = u.Username
		}
	}
	if sig.Email == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		sig.Email = sig.Name + "@" + host
	}
	return sig, guessed
}
