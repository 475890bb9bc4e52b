package ledger

import (
	"time"

	"github.com/zonectl/zonectl/internal/snapshot"
)

// Schema names the event document format.
const Schema = "zonectl.ledger/v1"

// Event types.
const (
	ReleaseCreated  = "release.created"
	ReleaseSnapshot = "release.snapshot"
	Deployment      = "deployment"
	Promotion       = "promotion"
	Acceptance      = "acceptance"
	Import          = "import"
	Receipts        = "receipts"
	Rejection       = "rejection"
	// Joined is a merge commit that joins two clones' histories of the
	// ledger that diverged (see Join); its event names no release.
	Joined = "ledger.joined"
)

// Deployment states, as Octopus names them.
const (
	StateSuccess = "Success"
	StateFailed  = "Failed"
	StateWaiting = "Waiting"
)

// Event is one entry of the ledger.
type Event struct {
	Schema  string    `json:"schema"`
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	Who     string    `json:"who"`
	Project string    `json:"project"`
	Version string    `json:"version"`
	// Release is the release commit the event concerns.
	Release string `json:"release"`

	Deployment *DeploymentRecord `json:"deployment,omitempty"`
	Promotion  *PromotionRecord  `json:"promotion,omitempty"`
	Acceptance *AcceptanceRecord `json:"acceptance,omitempty"`
	Import     *ImportRecord     `json:"import,omitempty"`
	Receipts   *ReceiptsRecord   `json:"receipts,omitempty"`
	Joined     *JoinRecord       `json:"joined,omitempty"`
}

// JoinRecord says which two histories of the ledger a join brings
// together: this clone's (the first parent) and the remote's (the second).
type JoinRecord struct {
	Remote string `json:"remote"`
	Local  string `json:"local"`  // the clone's tip
	Theirs string `json:"theirs"` // the remote's tip
}

// ReceiptsRecord is a peer's receipts verified and merged here.
type ReceiptsRecord struct {
	Peer  string `json:"peer"`
	Tip   string `json:"tip"`
	First int    `json:"first"` // positions of the receipts new here
	Last  int    `json:"last"`
}

// ImportRecord is a release bundle verified and staged in the inbox.
type ImportRecord struct {
	Source            string `json:"source"`
	SourceFingerprint string `json:"source_fingerprint"`
	Sequence          uint64 `json:"sequence"`
	Revision          int    `json:"revision"`
	ManifestSHA256    string `json:"manifest_sha256"`
	InboxRef          string `json:"inbox_ref"`
	// Published says where in this zone's registries the packages were
	// published as they were imported.
	Published []Published `json:"published,omitempty"`
}

// Published is a package put on a registry: the same bytes (SHA256) as
// an OCI artifact, at Repository, tagged with its version, whose manifest
// is Digest.
type Published struct {
	ID         string `json:"id"`
	Version    string `json:"version"`
	SHA256     string `json:"sha256"`
	Feed       string `json:"feed,omitempty"` // empty for the Space's store
	Repository string `json:"repository"`
	Digest     string `json:"digest"`
}

// AcceptanceRecord is an imported release accepted or rejected here.
type AcceptanceRecord struct {
	Source      string `json:"source"`
	InboxCommit string `json:"inbox_commit"` // the source's signed promotion commit
	Revision    int    `json:"revision"`
	Lifecycle   string `json:"lifecycle,omitempty"`
	// BindingCommit is the commit of main that wrote the binding file.
	BindingCommit string `json:"binding_commit,omitempty"`
	Reason        string `json:"reason,omitempty"` // why it was rejected
}

// PromotionRecord is a release sent to another Space.
type PromotionRecord struct {
	Target            string `json:"target"`
	TargetFingerprint string `json:"target_fingerprint"`
	// Commit is the sliced snapshot on refs/zonectl/promotions/<target>/<project>.
	Commit   string `json:"commit"`
	Revision int    `json:"revision"` // 1 for the first promotion of this version to this target
	Sequence uint64 `json:"sequence"` // per source→target, over every project
	// BundleSHA256 is the hash of the Git bundle sent, when one was written.
	BundleSHA256 string `json:"bundle_sha256,omitempty"`
}

// DeploymentRecord is the result of one deployment of a release to one
// environment (and tenant).
type DeploymentRecord struct {
	ID          string       `json:"id"`
	Environment string       `json:"environment"`
	Tenant      string       `json:"tenant,omitempty"`
	State       string       `json:"state"`
	Started     time.Time    `json:"started"`
	Finished    time.Time    `json:"finished"`
	Packages    []PackageRef `json:"packages"`
	Steps       []StepResult `json:"steps"`
	Approved    []string     `json:"approved,omitempty"`
	Skipped     []string     `json:"skipped,omitempty"`
	LogSHA256   string       `json:"log_sha256"`
	Error       string       `json:"error,omitempty"`
}

// PackageRef is a package deployed, by the hash of its bytes.
type PackageRef = snapshot.PackageRef

// StepResult says what became of one step.
type StepResult struct {
	Name   string `json:"name"`
	State  string `json:"state"` // Success, Failed, Skipped, Waiting
	Reason string `json:"reason,omitempty"`
}

// Entry is an event as read back, with the commit that holds it.
type Entry struct {
	Commit string
	Event  Event
}
