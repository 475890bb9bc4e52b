package teamtest

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// sshServer is OpenSSH's sshd on loopback, with a configuration, host key
// and client key of the test's own: git over ssh, as to a bare repository
// on a server.
type sshServer struct {
	port    int
	user    string
	base    string
	command string // GIT_SSH_COMMAND for the clients
}

func (s sshServer) url(repo string) string {
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", s.user, s.port, filepath.Join(s.base, repo))
}

func (s sshServer) clientEnv() map[string]string {
	return map[string]string{"GIT_SSH_COMMAND": s.command}
}

// sshdPath is where Debian's openssh-server puts sshd; the Makefile and
// .ci/run install it.
const sshdPath = "/usr/sbin/sshd"

func startSSHD(t *testing.T, base string) server {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("%s is needed for the ssh test: install openssh-server (make check-tools says how)", sshdPath)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, k := range []string{"host", "client"} {
		run(t, "", nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k))
	}
	pub, err := os.ReadFile(filepath.Join(dir, "client.pub"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "authorized_keys"), string(pub))
	if os.Geteuid() == 0 {
		// sshd running as root insists on its privilege separation folder.
		os.MkdirAll("/run/sshd", 0o755)
	}
	port := freePort(t)
	writeFile(t, filepath.Join(dir, "sshd_config"), strings.Join([]string{
		fmt.Sprintf("Port %d", port),
		"ListenAddress 127.0.0.1",
		"HostKey " + filepath.Join(dir, "host"),
		"AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"),
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"StrictModes no",
		"PermitRootLogin prohibit-password",
		"",
	}, "\n"))
	startDaemon(t, port, sshdPath, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	ssh := fmt.Sprintf("ssh -i %s -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes", filepath.Join(dir, "client"))
	return sshServer{port: port, user: u.Username, base: base, command: ssh}
}

// TestSSHRemote: a Space whose central repository is reached over ssh,
// as a bare repository on a server usually is.
func TestSSHRemote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts sshd")
	}
	tm := newTeam(t, startSSHD)
	a, b := tm.clone("a"), tm.clone("b")
	a.zonectl("release", "create", "web", "--version", "1.0.0").ok(t)
	b.zonectl("deploy", "web", "1.0.0", "--to", "Test").ok(t)
	a.zonectl("--offline", "release", "create", "web", "--version", "1.1.0").ok(t)
	b.zonectl("release", "create", "web", "--version", "1.2.0").ok(t)
	mustContain(t, a.zonectl("sync").ok(t).stdout, "Joined the ledger's history on origin")
	mustContain(t, b.zonectl("status").ok(t).stdout, "refs/zonectl/ledger: 3 commits behind")
	b.zonectl("sync").ok(t)
	mustContain(t, b.zonectl("status").ok(t).stdout, "in step with origin")
	ledger := func(c *clone) string {
		return run(t, c.dir, c.env, "git", "log", "--format=%s", "refs/zonectl/ledger")
	}
	if la, lb := ledger(a), ledger(b); la != lb || strings.Count(la, "Create release web") != 3 {
		t.Errorf("after sync, the clones' ledgers differ or lack a release:\n%s---\n%s", la, lb)
	}
	b.zonectl("audit").ok(t)
}
