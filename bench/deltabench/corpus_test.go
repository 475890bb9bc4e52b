package main

import (
	"bytes"
	"context"
	"testing"
)

// tinyCorpus is small enough to build in well under a second.
func tinyCorpus(t *testing.T, seed uint64) corpusOptions {
	t.Helper()
	goroot, toolDir, err := goEnv(context.Background())
	if err != nil {
		t.Skip(err)
	}
	return corpusOptions{size: 2 << 20, seed: seed, goroot: goroot, toolDir: toolDir}
}

// The printed SHA-256s are only worth comparing if the same seed always
// gives the same archives.
func TestCorpusDeterministic(t *testing.T) {
	opts := tinyCorpus(t, 7)
	a, err := generateCorpus(opts, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := generateCorpus(opts, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i, fa := range a.files {
		if fb := b.files[i]; fa.name != fb.name || fa.size != fb.size || fa.sum != fb.sum {
			t.Errorf("%s: %d bytes %x, then %d bytes %x", fa.name, fa.size, fa.sum, fb.size, fb.sum)
		}
	}

	opts.seed++
	c, err := generateCorpus(opts, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a.file("v1.tar").sum == c.file("v1.tar").sum {
		t.Error("another seed gave the same v1.tar")
	}
}

// v2 must differ from v1 the way the benchmark says: a small share of
// files, of every kind, the rest identical and in order.
func TestV2ChangesIntendedShare(t *testing.T) {
	opts := tinyCorpus(t, 1)
	opts.size = 8 << 20 // enough text files for a 2% share to mean something
	v1, err := buildV1(opts)
	if err != nil {
		t.Fatal(err)
	}
	v2, ch := buildV2(v1, opts.seed)

	byName := make(map[string][]byte, len(v1))
	kinds := make(map[entryKind]int)
	for _, e := range v1 {
		byName[e.name] = e.data
		kinds[e.kind]++
	}
	if kinds[kindBinary] == 0 || kinds[kindText] == 0 || kinds[kindAsset] == 0 {
		t.Fatalf("v1 lacks a kind of file: %v", kinds)
	}
	changed, added := 0, 0
	var order []string
	for _, e := range v2 {
		old, ok := byName[e.name]
		switch {
		case !ok:
			added++
			continue
		case !bytes.Equal(old, e.data):
			changed++
		}
		order = append(order, e.name)
	}
	if added != ch.assetsInserted || changed != ch.changedFiles()-ch.assetsInserted {
		t.Errorf("counted %d changed and %d added, changes says %+v", changed, added, ch)
	}
	if ch.textEdited == 0 || len(ch.binariesPatched) == 0 || ch.assetsReplaced == 0 || ch.assetsInserted == 0 {
		t.Errorf("a kind of change is missing: %+v", ch)
	}
	share := float64(changed+added) / float64(len(v1))
	if share < 0.01 || share > 0.05 {
		t.Errorf("%.1f%% of files changed, want about %.0f%%", 100*share, 100*changedShare)
	}
	for i, e := range v1 {
		if i >= len(order) || order[i] != e.name {
			t.Fatalf("v2 does not keep v1's order at entry %d (%q)", i, e.name)
		}
	}
}
