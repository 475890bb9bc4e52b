package ledger

import "github.com/zonectl/zonectl/gitstore"

// PublishedFor is where this Space published the packages of a release it
// imported by the source's promotion commit, as the import's event
// records them; none when it published nowhere.
func PublishedFor(repo *gitstore.Repo, project, version, promotion string) ([]Published, error) {
	rs, err := ReleaseAt(repo, project, version)
	if err != nil || rs.Imported == nil || rs.Imported.Release != promotion {
		return nil, err
	}
	return rs.Imported.Record.Published, nil
}
