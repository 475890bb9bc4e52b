package ledger

import "github.com/zonectl/zonectl/gitstore"

// PublishedFor is where this Space published the packages of the
// promotion it imported (the source's promotion commit), as the import's
// event records them; none when it published nowhere.
func PublishedFor(repo *gitstore.Repo, promotion string) ([]Published, error) {
	entries, err := Events(repo)
	if err != nil {
		return nil, err
	}
	var out []Published
	for _, e := range entries {
		if ev := e.Event; ev.Type == Import && ev.Import != nil && ev.Release == promotion {
			out = ev.Import.Published
		}
	}
	return out, nil
}
