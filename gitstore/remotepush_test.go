package gitstore

import (
	"errors"
	"testing"
)

// git push --porcelain's report, as stock git prints it, read into a race
// to retry, a refusal to report, or nothing (the push did not get that
// far).
func TestPushFailure(t *testing.T) {
	cases := []struct {
		name, porcelain, stderr string
		want                    string // "raced", "refused" or ""
	}{
		{"lease", "To ../c.git\n!\t4074534:refs/zonectl/ledger\t[rejected] (stale info)\nDone\n", "", "raced"},
		{"fetch first", "!\t4074534:refs/zonectl/ledger\t[rejected] (fetch first)\n", "", "raced"},
		{"lost at the remote", "!\t4074534:refs/zonectl/ledger\t[remote rejected] (atomic transaction failed)\n",
			"remote: error: cannot lock ref 'refs/zonectl/ledger': reference already exists\n", "raced"},
		{"the other refs of an atomic push", "!\t1:refs/zonectl/a\t[rejected] (atomic push failed)\n!\t2:refs/zonectl/ledger\t[rejected] (stale info)\n", "", "raced"},
		{"a hook", "!\t4074534:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n", "remote: main is protected   \n", "refused"},
		{"no report", "", "fatal: unable to access 'http://127.0.0.1:9/x/': Failed to connect\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := pushFailure("origin", []byte(c.porcelain), &GitError{Args: []string{"push"}, Stderr: c.stderr, Err: errors.New("exit status 1")})
			var raced *PushRejectedError
			var refused *PushRefusedError
			got := ""
			switch {
			case errors.As(err, &raced):
				got = "raced"
			case errors.As(err, &refused):
				got = "refused"
				if c.stderr != "" && refused.Detail != "  remote: main is protected" {
					t.Errorf("detail %q, want what the remote said, trimmed", refused.Detail)
				}
			case err != nil:
				t.Fatalf("unexpected %T %v", err, err)
			}
			if got != c.want {
				t.Errorf("%q read as %q, want %q", c.porcelain, got, c.want)
			}
		})
	}
}

func TestSetRemoteRefusesWhatIsNotARemoteName(t *testing.T) {
	r := newRepo(t)
	for _, name := range []string{"--upload-pack=touch /tmp/x", "../x", "a..b", "x.lock", "http://example.com/x.git", "origin"} {
		err := r.SetRemote(name)
		var none *NoRemoteError
		if name == "origin" {
			if !errors.As(err, &none) {
				t.Errorf("SetRemote(%q) in a clone without it: %v, want a NoRemoteError", name, err)
			}
			continue
		}
		if err == nil || errors.As(err, &none) {
			t.Errorf("SetRemote(%q): %v, want it refused as no remote name", name, err)
		}
	}
}
