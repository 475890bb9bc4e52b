package remote

import (
	"github.com/zonectl/zonectl/gitstore"
)

// RefStatus is where one shared ref of the clone stands against the
// remote, as last fetched.
type RefStatus struct {
	Ref string `json:"ref"`
	// State is "ahead" (to push), "behind" (to take), "diverged" (both),
	// "only-here" or "only-there".
	State  string `json:"state"`
	Ahead  int    `json:"ahead"`
	Behind int    `json:"behind"`
}

// Status compares every shared ref of the clone with the remote's, as
// last fetched, and lists those that differ.
func Status(repo *gitstore.Repo) ([]RefStatus, error) {
	refs, err := repo.RemoteRefs()
	if err != nil {
		return nil, err
	}
	out := []RefStatus{}
	for _, rr := range refs {
		if rr.Local == rr.Fetched {
			continue
		}
		ahead, behind, err := repo.AheadBehind(rr.Local, rr.Fetched)
		if err != nil {
			return nil, err
		}
		st := RefStatus{Ref: rr.Ref, Ahead: ahead, Behind: behind}
		switch {
		case rr.Fetched.IsZero():
			st.State = "only-here"
		case rr.Local.IsZero():
			st.State = "only-there"
		case ahead > 0 && behind > 0:
			st.State = "diverged"
		case ahead > 0:
			st.State = "ahead"
		default:
			st.State = "behind"
		}
		out = append(out, st)
	}
	return out, nil
}
