package remote

import (
	"context"

	"github.com/zonectl/zonectl/gitstore"
)

// Push pushes every shared ref the clone moved since it last synced and
// that the remote can take as it is (zonectl sync, after CatchUp). It
// returns the refs pushed.
func Push(ctx context.Context, repo *gitstore.Repo) ([]string, error) {
	var last *gitstore.Tx
	err := repo.Transact(ctx, "push to "+repo.RemoteName(), func(tx *gitstore.Tx) error {
		tx.PushPending()
		last = tx
		return nil
	})
	if err != nil {
		return nil, err
	}
	return last.Pushed(), nil
}
