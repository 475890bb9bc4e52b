package gitstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesOtherRepoValues(t *testing.T) {
	r1 := newRepo(t)
	r2, err := Open(r1.Root())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := r1.Lock(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err = r2.Lock(ctx)
	lockPath := filepath.Join(r1.GitDir(), LockFileName)
	if err == nil {
		t.Fatal("a second Repo took the Space lock while the first held it")
	}
	if !strings.Contains(err.Error(), "another zonectl process holds the Space lock") || !strings.Contains(err.Error(), lockPath) {
		t.Errorf("error %q does not say who holds the lock or name %s", err, lockPath)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q does not wrap the context's error", err)
	}
	// The same Repo is no exception: the lock is not reentrant.
	ctx2, cancel2 := context.WithCancel(t.Context())
	cancel2()
	if _, err := r1.Lock(ctx2); err == nil {
		t.Error("the Space lock was taken twice through one Repo")
	}

	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v", err)
	}
	unlock2, err := r2.Lock(t.Context())
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	r := newRepo(t)
	unlock, err := r.Lock(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		unlock2, err := r.Lock(t.Context())
		if err == nil {
			err = unlock2()
		}
		got <- err
	}()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("waiting Lock: %v", err)
	}
}
