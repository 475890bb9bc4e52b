package main

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"
)

func TestGenSizes(t *testing.T) {
	for _, size := range []int64{1, 100, blockSize - 1, blockSize, 3*blockSize + 5, 10 * blockSize} {
		g := gen{seed: 7, size: size}
		var v1, v2 bytes.Buffer
		if err := g.writeV1(&v1); err != nil {
			t.Fatal(err)
		}
		if err := g.writeV2(&v2); err != nil {
			t.Fatal(err)
		}
		if int64(v1.Len()) != size {
			t.Errorf("size %d: v1 is %d bytes", size, v1.Len())
		}
		if int64(v2.Len()) != g.v2Size() {
			t.Errorf("size %d: v2 is %d bytes, v2Size says %d", size, v2.Len(), g.v2Size())
		}
		if size > 1 && bytes.Equal(v1.Bytes(), v2.Bytes()) {
			t.Errorf("size %d: v2 equals v1", size)
		}
	}
}

func TestGenDeterministic(t *testing.T) {
	sum := func(seed uint64, write func(gen, io.Writer) error) [32]byte {
		h := sha256.New()
		if err := write(gen{seed: seed, size: 5*blockSize + 3}, h); err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil))
	}
	for name, write := range map[string]func(gen, io.Writer) error{"v1": gen.writeV1, "v2": gen.writeV2} {
		if sum(1, write) != sum(1, write) {
			t.Errorf("%s: two runs with seed 1 differ", name)
		}
		if sum(1, write) == sum(2, write) {
			t.Errorf("%s: seeds 1 and 2 give the same bytes", name)
		}
	}
}

// TestGenEdits checks that v2 is v1 with about 1% changed: it shares the
// first block, its patches come to 0.5-2% of v1, and one run is inserted
// and one deleted.
func TestGenEdits(t *testing.T) {
	g := gen{seed: 3, size: 30 * blockSize}
	var v1, v2 bytes.Buffer
	if err := g.writeV1(&v1); err != nil {
		t.Fatal(err)
	}
	if err := g.writeV2(&v2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v1.Bytes()[:blockSize], v2.Bytes()[:blockSize]) {
		t.Error("v2's first block differs from v1's")
	}
	patched, inserted, deleted := g.editStats()
	if frac := float64(patched) / float64(g.size); frac < 0.005 || frac > 0.02 {
		t.Errorf("patches are %.2f%% of v1, want about 1%%", 100*frac)
	}
	if inserted == 0 || deleted == 0 {
		t.Errorf("inserted %d, deleted %d bytes: want offsets shifted both ways", inserted, deleted)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"4GiB": 4 << 30, "256MiB": 256 << 20, "512KiB": 512 << 10, "1048576": 1 << 20, "2G": 2 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1MiB", "4TB", "x"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): want an error", in)
		}
	}
}
