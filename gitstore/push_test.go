package gitstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PushFile's own pack goes to a stock git repository over file://, where
// receive-pack checks it; the file reads back whole, a scratch ref left
// by an earlier push cut short does not get in the way, and the progress
// counts every byte once.
func TestPushFileToStockGit(t *testing.T) {
	r := newRepo(t)
	peer := t.TempDir()
	gitRun(t, peer, "init", "-q", "--bare")
	file := filepath.Join(t.TempDir(), "release.zbundle")
	data := strings.Repeat("bundle bytes\n", 200000)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}

	var sent, total int64
	err := r.PushFile(context.Background(), PushFileOptions{
		URL: "file://" + peer, Path: file, Name: "release.zbundle",
		RemoteRef: "refs/zonectl/incoming/devtest/1",
		Message:   "Release bundle\n", Author: author(), Signer: pgpSigner{spaceKey(t)},
		Progress: func(step string, done, all int64) {
			if strings.HasPrefix(step, "sending ") {
				sent, total = done, all
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := gitRun(t, peer, "cat-file", "blob", "refs/zonectl/incoming/devtest/1:release.zbundle"); got != data {
		t.Fatalf("the peer holds %d bytes, want %d", len(got), len(data))
	}
	if parents := strings.TrimSpace(gitRun(t, peer, "log", "-1", "--format=%P", "refs/zonectl/incoming/devtest/1")); parents != "" {
		t.Errorf("the pushed commit has parents %s", parents)
	}
	gitRun(t, peer, "fsck", "--strict")
	if sent != int64(len(data)) || total != int64(len(data)) {
		t.Errorf("progress reported %d of %d bytes sent, want %d of %d", sent, total, len(data), len(data))
	}
	if refs, _ := r.RefsUnder("refs/"); len(refs) != 0 {
		t.Errorf("the push left refs behind here: %v", refs)
	}

	// The same push again changes nothing and succeeds.
	if err := r.PushFile(context.Background(), PushFileOptions{
		URL: "file://" + peer, Path: file, Name: "release.zbundle",
		RemoteRef: "refs/zonectl/incoming/devtest/2",
		Message:   "Release bundle\n", Author: author(), Signer: pgpSigner{spaceKey(t)},
	}); err != nil {
		t.Fatal(err)
	}
}
