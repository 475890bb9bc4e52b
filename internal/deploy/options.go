package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// Env is the Space a deployment runs in.
type Env struct {
	Repo      *gitstore.Repo
	Signer    gitstore.Signer
	Store     *store.Store
	SpaceName string
	Author    object.Signature
	// Decrypt turns a sensitive value into plain text; nil when the
	// private key is not needed (a dry run).
	Decrypt func(ciphertext string) (string, error)
	// Output receives the deployment's progress and the steps' output, as
	// it happens, masked.
	Output io.Writer
	// WorkDir is where deployments make their working directories.
	WorkDir string
	// TargetRoot, when set, is prefixed to absolute package destinations,
	// so a deployment to "/srv/acme" lands under it (for demos and tests).
	TargetRoot string
	// ExtractMaxBytes and ExtractMaxRatio bound what a package may expand
	// to (extract.Options); zero means the defaults.
	ExtractMaxBytes, ExtractMaxRatio int64
	// Fetch, if set, makes the bytes of the release's packages present in
	// Store before anything runs or is recorded: fetched by digest from
	// the registry they are in and verified (internal/feeds).
	Fetch func(ctx context.Context, refs []snapshot.PackageRef) error
	Now   func() time.Time
}

// Options says what to deploy where.
type Options struct {
	Project     string
	Version     string
	Environment string
	Tenant      string // one tenant, or
	TenantTag   string // every connected tenant carrying "Set/Tag"
	DryRun      bool
	Approve     []string // manual interventions approved in advance
	Skip        []string // steps to skip (never a required one)
}

// Validate checks the options before anything is read.
func (o Options) Validate() error {
	switch {
	case o.Project == "":
		return errors.New("no project given")
	case o.Version == "":
		return errors.New("no release version given")
	case o.Environment == "":
		return errors.New("no environment given: pass --to ENV")
	case o.Tenant != "" && o.TenantTag != "":
		return errors.New("--tenant and --tenant-tag choose tenants in two ways; give one")
	}
	return nil
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// DefaultWorkDir is where deployments work, inside the Space's gitignored
// .zonectl directory.
func DefaultWorkDir(spaceRoot string) string {
	return filepath.Join(spaceRoot, ".zonectl", "work")
}

// RefusedError is a deployment the rules forbid (lifecycle, tenants,
// templates, a remote environment); nothing ran.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

func refusef(format string, args ...any) error {
	return &RefusedError{Err: fmt.Errorf(format, args...)}
}
