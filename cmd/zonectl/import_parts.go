package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zonectl/zonectl/internal/importer"
	"github.com/zonectl/zonectl/internal/parts"
)

// importParts imports a bundle split into parts, or as much of it as was
// given, and says which parts are staged and which are still missing.
func (g *globals) importParts(ctx context.Context, env *importer.Env, files []string, status bool) error {
	prog := newProgress(g.out, "importing parts", 0)
	env.Progress = prog.steps()
	res, err := importer.ImportParts(ctx, env, importer.PartsOptions{
		Files: files, StatusOnly: status,
		Progress: func(done, total int64) { prog.SetTotal(total); prog.Set(done) },
	})
	prog.Done()
	if res == nil {
		return err
	}
	x := res.Index
	if res.Import != nil {
		index := filepath.Base(res.IndexFile)
		if strings.HasPrefix(res.IndexFile, res.Staging) {
			index = "the index staged here"
		}
		note := fmt.Sprintf("%d of %d of %s, checked against %s; the staged copies are removed", len(x.Parts), len(x.Parts), x.Bundle.Name, index)
		if perr := g.printImported(res.Import, note, partsJSON(res, status)); perr != nil {
			return perr
		}
		return err
	}
	if g.out.json() {
		if perr := g.out.printJSON(partsJSON(res, status)); perr != nil {
			return perr
		}
	} else {
		g.printPartsStatus(res, status)
	}
	var incomplete *importer.IncompleteError
	if errors.As(err, &incomplete) {
		return withHint(err, fmt.Sprintf("copy the missing parts from the media %s wrote and run zonectl import with them (from any directory, with or without the index); the %d staged here are kept", x.Source.Space, len(res.Staged)))
	}
	return err
}

// printPartsStatus shows where a split bundle stands.
func (g *globals) printPartsStatus(res *importer.PartsResult, status bool) {
	x := res.Index
	o := g.out
	have := len(res.Staged)
	if status {
		have += len(res.Given) - overlap(res.Given, res.Staged)
	}
	o.printf("%s: %d of %d parts here — %s %s from %s (revision %d, sequence %d)\n", x.Bundle.Name, have, len(x.Parts), x.Project, x.Version, x.Source.Space, x.Revision, x.Sequence)
	o.printf("  index      %s, signed by %s\n", res.IndexFile, res.Signer.Fingerprint)
	o.printf("  staged     %s\n", listParts(x, res.Staged))
	if status {
		o.printf("  given      %s\n", listParts(x, res.Given))
	}
	o.printf("  missing    %s\n", listParts(x, res.Missing))
}

func overlap(a, b []int) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
			}
		}
	}
	return n
}

// listParts writes part numbers with their file names.
func listParts(x *parts.Index, ns []int) string {
	if len(ns) == 0 {
		return "none"
	}
	var s []string
	for _, n := range ns {
		s = append(s, fmt.Sprintf("%d (%s)", n, x.Part(n).Name))
	}
	return strings.Join(s, ", ")
}

// partsJSON is what import reports of a split bundle in JSON.
func partsJSON(res *importer.PartsResult, status bool) map[string]any {
	x := res.Index
	list := func(ns []int) []map[string]any {
		out := []map[string]any{}
		for _, n := range ns {
			p := x.Part(n)
			out = append(out, map[string]any{"number": p.Number, "name": p.Name, "size": p.Size, "sha256": p.SHA256})
		}
		return out
	}
	doc := map[string]any{
		"index": res.IndexFile, "bundle": x.Bundle.Name, "bundle_sha256": x.Bundle.SHA256, "parts": len(x.Parts),
		"given": list(res.Given), "staged": list(res.Staged), "missing": list(res.Missing),
		"complete": res.Import != nil, "staging_dir": res.Staging,
	}
	if res.Import == nil {
		doc["project"], doc["version"], doc["source"], doc["sequence"] = x.Project, x.Version, x.Source.Space, x.Sequence
	}
	if status {
		doc["status_only"] = true
	}
	return doc
}

// discardParts removes the staged parts of a split bundle.
func (g *globals) discardParts(env *importer.Env, files []string) error {
	dir, staged, err := importer.DiscardParts(env, files)
	if err != nil {
		return err
	}
	if g.out.json() {
		return g.out.printJSON(map[string]any{"removed": dir, "parts": staged})
	}
	g.out.printf("Removed %s staged in %s\n", plural(len(staged), "part"), dir)
	return nil
}
