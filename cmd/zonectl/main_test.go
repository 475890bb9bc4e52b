package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"zonectl": func() { os.Exit(Main()) },
		"forge":   forgeMain,
	})
}

// TestScript runs the end-to-end scripts in testdata/script: the real
// zonectl binary against real repositories, with stock git and gpg where
// interoperability is the point.
func TestScript(t *testing.T) {
	for _, tool := range []string{"git", "gpg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required by the end-to-end tests: install it (Debian: apt-get install git gnupg)", tool)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":   cmdStatus,
			"mode":     cmdMode,
			"httpgit":  cmdHTTPGit,
			"gotargz":  cmdGoTarGz,
			"randfile": cmdRandFile,
			"tinyfs":   cmdTinyFS,
			"treehash": cmdTreeHash,
			"registry": cmdRegistry,
		},
		Setup: func(env *testscript.Env) error {
			// Every script gets its own configuration directory (where
			// private keys go by default), Git identity and GnuPG home, so
			// nothing is read from or written to the user's.
			home := env.WorkDir
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_AUTHOR_NAME", "Release Engineer")
			env.Setenv("GIT_AUTHOR_EMAIL", "re@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "Release Engineer")
			env.Setenv("GIT_COMMITTER_EMAIL", "re@example.com")
			// The README's quick start, which quickstart.txtar runs.
			quickstart, err := filepath.Abs(filepath.Join("..", "..", "examples", "quickstart", "quickstart.sh"))
			if err != nil {
				return err
			}
			env.Setenv("QUICKSTART", quickstart)
			// make demo's story, which demo.txtar runs.
			demo, err := filepath.Abs(filepath.Join("..", "..", "examples", "secure-environments", "demo.sh"))
			if err != nil {
				return err
			}
			env.Setenv("DEMO", demo)
			gnupg, err := os.MkdirTemp("", "zg")
			if err != nil {
				return err
			}
			if err := os.Chmod(gnupg, 0o700); err != nil {
				return err
			}
			env.Setenv("GNUPGHOME", gnupg)
			env.Defer(func() {
				exec.Command("gpgconf", "--homedir", gnupg, "--kill", "gpg-agent").Run()
				os.RemoveAll(gnupg)
			})
			return nil
		},
	})
}

// cmdStatus runs a command and checks its exact exit status, for the exit
// codes zonectl promises (0 done, 1 failed, 2 usage, 3 verification):
//
//	status 2 exec zonectl frobnicate
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || args[1] != "exec" {
		ts.Fatalf("usage: status CODE exec COMMAND [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad exit code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[2], args[3:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("status: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[2], got, want)
	}
}

// cmdMode checks a file's permission bits: mode 0600 FILE.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode PERM FILE")
	}
	info, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := fmt.Sprintf("%#o", info.Mode().Perm())
	if (got == args[0]) == neg {
		ts.Fatalf("%s has mode %s, want %s%s", args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}

// cmdHTTPGit serves the repository DIR over HTTP with stock git's
// http-backend, on loopback, until the script ends, and sets $GITURL to
// its URL: a real Git server for connected-mode tests.
//
//	httpgit prod
func cmdHTTPGit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpgit DIR")
	}
	backend := "/usr/lib/git-core/git-http-backend"
	if out, err := exec.Command("git", "--exec-path").Output(); err == nil {
		backend = filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(exec.Command("git", "-C", dir, "config", "http.receivepack", "true").Run())
	h := &cgi.Handler{
		Path: backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + filepath.Dir(dir), "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + ts.Getenv("HOME")},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	ts.Defer(func() { srv.Close() })
	ts.Setenv("GITURL", "http://"+ln.Addr().String()+"/"+filepath.Base(dir))
}

// cmdTreeHash writes every file under DIR, with its SHA-256, to FILE, for
// comparing a Space before and after a refusal byte for byte, objects
// included. The Space lock, claims and gitstore's scratch directory are
// left out: taking a lock is not a change.
//
//	treehash devtest before.txt
func cmdTreeHash(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: treehash DIR FILE")
	}
	root := ts.MkAbs(args[0])
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch rel {
		case ".git/zonectl/flock", ".git/zonectl/fetch.flock", ".git/zonectl/tmp", ".git/zonectl/claims":
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%x %s", sha256.Sum256(data), rel))
		return nil
	})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}
