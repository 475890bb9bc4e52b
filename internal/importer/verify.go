package importer

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/scratch"
	"github.com/zonectl/zonectl/internal/zbundle"

	"github.com/zonectl/zonectl/internal/ctxio"
	"github.com/zonectl/zonectl/internal/ledger"
)

// A check is one numbered step of Verify.
type check struct {
	name string
	// label, if set, names the check in an inspection once the manifest
	// is read ("signature by devtest").
	label func(*verification) string
	run   func(*verification) (detail string, err error)
	// space marks a check that holds the bundle against the Space it is
	// imported into; an inspection outside one skips it.
	space bool
}

// checks is the verification of a release bundle, in order (see Verify).
var checks = []check{
	{name: "tar: manifest.json and its signature first, only bundle members", run: (*verification).readTar},                           // 1
	{name: "manifest: well-formed, schema supported", run: (*verification).parseManifest},                                             // 2
	{name: "signature by the source", run: (*verification).checkSignature, label: signatureLabel},                                     // 3
	{name: "target: this Space, by name and key", run: (*verification).checkTarget, space: true},                                      // 4
	{name: "not expired", run: (*verification).checkExpiry},                                                                           // 5
	{name: "sequence: newer than the last imported from the source", run: (*verification).checkSequence, space: true},                 // 6
	{name: "every member pinned by the manifest, with its hash, and nothing else", run: (*verification).checkMembers},                 // 7
	{name: "Git bundle: references and prerequisites as pinned", run: (*verification).checkGit},                                       // 8
	{name: "packages: no other bytes under the same version, every delta's basis here", run: (*verification).checkStore, space: true}, // 9
}

// Verified is a bundle that passed every check: all Stage takes. Its
// members are in a scratch directory of the store until Close.
type Verified struct {
	Name     string
	Manifest *zbundle.Manifest
	Signer   *keys.Signature
	// Source is the peer the bundle came from, named as this Space names it.
	Source   string
	InboxRef string
	// Commit is the promotion commit the Git bundle brings.
	Commit plumbing.Hash
	// Again is true when this very bundle was imported before; nothing
	// past check 6 ran, and Stage writes nothing.
	Again          bool
	manifestSHA256 string
	// consume, when set, is the incoming ref the bundle came on, deleted
	// by Stage's transaction.
	consume  *gitstore.NamedRef
	dir      *scratch.Dir
	needed   map[string]bool
	unpacked map[string]zbundle.Package
	// published is what Stage's Env.Publish did, for the ledger.
	published []ledger.Published
}

// Close removes what Verify extracted.
func (v *Verified) Close() error {
	if v == nil || v.dir == nil {
		return nil
	}
	return v.dir.Remove()
}

// InspectOptions says what an inspection, outside an import, checks the
// signature with.
type InspectOptions struct {
	// Key is the source's public key; when nil, Trust is asked.
	Key      *openpgp.Entity
	KeyWhere string
	// Space, when the inspection runs in one, gives the source's key from
	// its peer block if Key is nil. Its own checks (target, sequence,
	// store) are not run: inspection is not import.
	Space *config.Space
	Now   time.Time
}

// Finding is one check's outcome in an inspection.
type Finding struct {
	Check  string `json:"check"`
	Result string `json:"result"` // pass, fail, skipped
	Detail string `json:"detail,omitempty"`
}

// Inspection is what Inspect found.
type Inspection struct {
	// Manifest is the bundle's manifest as parsed, verified or not; nil
	// when it could not be read.
	Manifest *zbundle.Manifest
	Members  []zbundle.Member
	Findings []Finding
}

// Failed reports whether a check failed.
func (in *Inspection) Failed() bool {
	for _, f := range in.Findings {
		if f.Result == "fail" {
			return true
		}
	}
	return false
}

// Verify runs the checks of a release bundle read from src, in order, and
// returns the verified bundle, its members extracted into a scratch
// directory of the store; it writes nothing into the Space. A bundle
// failing a check is refused with a *refusal.Error that says
// which; a failure of this machine (a full disk, a cancelled command) is
// returned as it is. The checks:
//
//  1. the tar's first members are manifest.json and its signature, and
//     every member is of a kind and name a bundle holds;
//  2. the manifest is well-formed and of a schema this zonectl reads (a
//     newer major version is refused naming the version needed);
//  3. it is signed by a peer this Space accepts releases from, with that
//     peer's key, valid at the time of signing and not revoked, for this
//     document type only;
//  4. the target is this Space: its name and its key;
//  5. it has not expired;
//  6. its sequence number is not older than the last one imported from
//     that source (the same bundle again is reported as Again, once every
//     other check passed too: a bundle altered in any byte is never
//     "imported already");
//  7. every file in the tar is one the manifest pins, with the size and
//     hash it pins, and nothing else is there;
//  8. the Git bundle's references and prerequisites are the ones pinned,
//     its one reference the source's promotion of this project, and this
//     Space has every prerequisite;
//  9. no package version in this Space's store has other bytes than the
//     bundle's, and every package sent as a delta has its basis here.
//
// Every byte of src is read before Verify returns a verified bundle: an
// error src returns, even at its very end, refuses the bundle.
func Verify(ctx context.Context, env *Env, src io.Reader, name string) (*Verified, error) {
	cfg, err := mainConfig(env.Repo)
	if err != nil {
		return nil, err
	}
	v := &verification{ctx: ctx, env: env, cfg: cfg, name: name, src: ctxio.NewReader(ctx, src), now: env.Now, out: &Verified{Name: name}}
	for _, c := range checks {
		if _, err := c.run(v); err != nil {
			v.out.Close()
			return nil, err
		}
	}
	return v.out, nil
}

// Inspect runs the same checks as Verify on the bundle in src, without a
// Space: those that need one are skipped, and a failed check does not
// stop the ones that can still run, so that the report shows each.
func Inspect(ctx context.Context, src io.Reader, name string, opts InspectOptions) *Inspection {
	v := &verification{ctx: ctx, name: name, src: ctxio.NewReader(ctx, src), now: opts.Now, inspect: &opts, out: &Verified{Name: name}}
	in := &Inspection{}
	defer v.out.Close()
	for _, c := range checks {
		f := Finding{Check: c.name, Result: "pass"}
		if c.label != nil && v.claimed != nil {
			f.Check = c.label(v)
		}
		switch {
		case c.space:
			continue
		case v.stopped:
			f.Result, f.Detail = "skipped", "an earlier check failed"
		default:
			detail, err := c.run(v)
			f.Detail = detail
			if err != nil {
				f.Result, f.Detail = "fail", err.Error()
			}
			if v.skipped != "" {
				f.Result, f.Detail, v.skipped = "skipped", v.skipped, ""
			}
		}
		in.Findings = append(in.Findings, f)
	}
	in.Manifest, in.Members = v.claimed, v.members
	return in
}

func signatureLabel(v *verification) string { return "signature by " + v.claimed.Source.Space }

// verification is the state the checks share.
type verification struct {
	ctx     context.Context
	env     *Env // nil in an inspection
	cfg     *config.Space
	name    string
	src     io.Reader
	now     time.Time
	inspect *InspectOptions

	r       *zbundle.Reader
	claimed *zbundle.Manifest // as parsed, before its signature is checked
	peer    *config.Peer
	members []zbundle.Member
	out     *Verified
	// stopped is set by a check whose failure leaves nothing for the
	// next ones to look at; skipped by a check that could not run.
	stopped bool
	skipped string
}

// scratchDir makes the directory the members are extracted into.
func (v *verification) scratchDir() (*scratch.Dir, error) {
	if v.env != nil {
		return v.env.Store.TempDir("import")
	}
	return scratch.New(os.TempDir()).MkdirTemp(os.TempDir(), "zonectl-inspect-")
}
