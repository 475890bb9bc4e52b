package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/space"
)

// grow appends signed deployments of web 1.0.0 to the ledger of the Space
// in dir, to environments in turn, until it holds n events: a busy
// Space's history, written in batches of transactions rather than by n
// commands.
func (b *bench) grow(dir string, envs []string, n int) error {
	sp, err := space.Open(b.path(dir))
	if err != nil {
		return err
	}
	entries, err := ledger.Events(sp.Repo)
	if err != nil {
		return err
	}
	have := len(entries)
	if have >= n {
		return nil
	}
	signer, err := sp.Signer()
	if err != nil {
		return err
	}
	rel, err := release.Load(sp.Repo, "web", "1.0.0")
	if err != nil {
		return err
	}
	log := []byte("hello\n")
	sum := sha256.Sum256(log)
	when := time.Now().UTC().Add(-time.Duration(n) * time.Second)
	who := object.Signature{Name: "Bench", Email: "bench@example.com", When: when}
	for have < n {
		tx, err := sp.Repo.Begin(context.Background(), "grow the ledger")
		if err != nil {
			return err
		}
		for i := 0; i < 200 && have < n; i, have = i+1, have+1 {
			when = when.Add(time.Second)
			env := envs[have%len(envs)]
			ev := ledger.Event{Type: ledger.Deployment, Time: when, Who: "Bench <bench@example.com>", Project: "web", Version: "1.0.0", Release: rel.Commit.String(),
				Deployment: &ledger.DeploymentRecord{ID: fmt.Sprintf("D-G%06d", have), Environment: env, State: ledger.StateSuccess, Started: when, Finished: when,
					Packages: []ledger.PackageRef{}, Steps: []ledger.StepResult{}, LogSHA256: hex.EncodeToString(sum[:])}}
			if _, err := ledger.Append(tx, signer, who, ev, []gitstore.File{{Path: "log.txt", Data: log}}); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
