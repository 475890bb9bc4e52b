package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// forgeMain is a hostile but trusted target, for the scripts: it appends
// to the receipts chain of the Space in the current directory a receipt
// signed with that Space's own key, as a target that means harm can, and
// leaves sending it to the usual receipt export:
//
//	forge receipt SOURCE [field=value]...
//
// The receipt copies the newest one on the chain (a real deployment of a
// real promotion), with the fields given replaced: environment, state,
// target, revision, project, version, tenant, deployment_id, started and finished (RFC 3339, or
// "+1h" from now). promotion=fake points it at a commit the forger makes,
// one that looks like a promotion SOURCE made; json=dupkey writes the
// document with a key twice.
func forgeMain() {
	if err := forge(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "forge:", err)
		os.Exit(1)
	}
}

func forge(args []string) error {
	if len(args) >= 3 && args[0] == "bundle" {
		return forgeBundle(args[1], args[2], args[3:])
	}
	if len(args) < 2 || args[0] != "receipt" {
		return fmt.Errorf("usage: forge receipt SOURCE [field=value]... | forge bundle IN OUT [field=value]...")
	}
	source := args[1]
	sp, err := space.Open(".")
	if err != nil {
		return err
	}
	signer, err := sp.Signer()
	if err != nil {
		return err
	}
	chain, err := receipt.Chain(sp.Repo, source)
	if err != nil || len(chain) == 0 {
		return fmt.Errorf("no receipts for %s to copy: %v", source, err)
	}
	r := chain[len(chain)-1].Receipt
	r.Position++
	dupkey := false
	for _, kv := range args[2:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "json":
			dupkey = v == "dupkey"
		case "promotion":
			h, err := fakePromotion(sp, signer, r, source)
			if err != nil {
				return err
			}
			r.Promotion = h.String()
		default:
			if err := setField(&r, k, v); err != nil {
				return err
			}
		}
	}
	data, err := canonjson.Encode(r)
	if err != nil {
		return err
	}
	if dupkey {
		data = bytes.Replace(data, []byte(`  "state": `), []byte(`  "state": "Success",`+"\n"+`  "state": `), 1)
	}
	return appendRaw(sp, signer, source, data, r.Position)
}

func setField(r *receipt.Receipt, k, v string) error {
	when := func() (time.Time, error) {
		if d, ok := strings.CutPrefix(v, "+"); ok {
			dur, err := time.ParseDuration(d)
			return time.Now().Add(dur).UTC().Truncate(time.Second), err
		}
		return time.Parse(time.RFC3339, v)
	}
	var err error
	switch k {
	case "environment":
		r.Environment = v
	case "state":
		r.State = v
	case "target":
		r.Target = v
	case "project":
		r.Project = v
	case "version":
		r.Version = v
	case "tenant":
		r.Tenant = v
	case "deployment_id":
		r.DeploymentID = v
	case "revision":
		_, err = fmt.Sscan(v, &r.Revision)
	case "started":
		r.Started, err = when()
	case "finished":
		r.Finished, err = when()
	default:
		return fmt.Errorf("no field %q", k)
	}
	return err
}

// fakePromotion writes a commit that looks like a sliced release the
// source promoted to this Space: release.json says so, but the source
// never signed or sent it.
func fakePromotion(sp *space.Space, signer gitstore.Signer, r receipt.Receipt, source string) (plumbing.Hash, error) {
	name, err := sp.Name()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	rel := release.Release{
		Schema: release.Schema, Project: r.Project, Version: r.Version, Lifecycle: "Default",
		Created: time.Now().UTC().Truncate(time.Second), CreatedBy: source,
		Promoted: &release.Promoted{Target: name, Revision: r.Revision, Sequence: 99},
	}
	data, err := canonjson.Encode(rel)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tree, err := sp.Repo.WriteTree([]gitstore.File{{Path: "release.json", Data: data}})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return sp.Repo.WriteCommit(gitstore.CommitOptions{Ref: "refs/forged", Tree: tree, Message: "Promote\n",
		Author: object.Signature{Name: source, Email: "forged@example.com", When: time.Now()}, Signer: signer}, plumbing.ZeroHash)
}

// appendRaw commits receipt.json as given on the chain for source.
func appendRaw(sp *space.Space, signer gitstore.Signer, source string, data []byte, position int) error {
	tree, err := sp.Repo.WriteTree([]gitstore.File{{Path: "receipt.json", Data: data}})
	if err != nil {
		return err
	}
	return sp.Repo.Transact(context.Background(), "forge a receipt", func(tx *gitstore.Tx) error {
		_, err := tx.WriteCommit(gitstore.CommitOptions{Ref: receipt.Ref(source), Tree: tree, Signer: signer,
			Author:  object.Signature{Name: "forger", Email: "forger@example.com", When: time.Now()},
			Message: fmt.Sprintf("Receipt %d\n", position)})
		return err
	})
}

// forgeBundle is a hostile but trusted source: it rewrites the manifest of
// the release bundle IN (project=, version=, sequence=, expires= as a
// duration from now) and signs it again with the
// key of the Space in the current directory, as a source that means harm
// can, keeping every other member as it is.
//
//	forge bundle IN OUT [field=value]...
func forgeBundle(in, out string, fields []string) error {
	sp, err := space.Open(".")
	if err != nil {
		return err
	}
	signer, err := sp.Signer()
	if err != nil {
		return err
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var members []tarMember
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		members = append(members, tarMember{h, data})
	}
	var m zbundle.Manifest
	if err := json.Unmarshal(members[0].data, &m); err != nil {
		return err
	}
	for _, kv := range fields {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "project":
			m.Project = v
		case "version":
			m.Version = v
		case "sequence":
			if _, err := fmt.Sscan(v, &m.Sequence); err != nil {
				return err
			}
		case "expires":
			d, err := time.ParseDuration(v)
			if err != nil {
				return err
			}
			m.Expires = time.Now().Add(d).UTC().Truncate(time.Second)
		default:
			return fmt.Errorf("no manifest field %q", k)
		}
	}
	data, sig, err := envelope.Seal(&m, envelope.TypeReleaseManifest, zbundle.Schema, signer)
	if err != nil {
		return err
	}
	members[0].data, members[1].data = data, sig
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, mem := range members {
		h := *mem.h
		h.Size = int64(len(mem.data))
		if err := tw.WriteHeader(&h); err != nil {
			return err
		}
		if _, err := tw.Write(mem.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

type tarMember struct {
	h    *tar.Header
	data []byte
}
