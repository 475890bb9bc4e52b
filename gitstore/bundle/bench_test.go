package bundle

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkIncrementalSize bundles base..tip of a deterministic repository
// (200 text files of 40 lines in 7 directories, 50 commits that each edit 3
// files) with Create and with stock git bundle create, and reports both
// sizes, their ratio (ours/git, 1 is stock git's size) and the time of each.
//
//	go test ./gitstore/bundle/ -run '^$' -bench IncrementalSize -benchtime 20x
func BenchmarkIncrementalSize(b *testing.B) {
	dir := initRepo(b)
	commits := buildHistory(b, dir, 200, 50)
	gitRun(b, dir, "gc", "-q")
	for _, tc := range []struct {
		name string
		base plumbing.Hash
	}{
		{"49-commits", commits[0]},
		{"25-commits", commits[24]},
		{"1-commit", commits[48]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchmarkIncremental(b, dir, tc.base, commits[len(commits)-1])
		})
	}
}

func benchmarkIncremental(b *testing.B, dir string, base, tip plumbing.Hash) {
	st := openStore(b, dir)
	opts := CreateOptions{
		Refs:    []Reference{{Name: "refs/heads/main", Hash: tip}},
		Exclude: []plumbing.Hash{base},
	}
	var ours int64
	b.ResetTimer()
	for b.Loop() {
		var w countingWriter
		if _, err := Create(context.Background(), &w, st, opts); err != nil {
			b.Fatal(err)
		}
		ours = w.n
	}
	oursTime := b.Elapsed() / time.Duration(b.N)

	b.StopTimer()
	out := filepath.Join(b.TempDir(), "stock.bundle")
	const runs = 5
	start := time.Now()
	for range runs {
		gitRun(b, dir, "bundle", "create", "-q", out, base.String()+"..main")
	}
	gitTime := time.Since(start) / runs
	fi, err := os.Stat(out)
	if err != nil {
		b.Fatal(err)
	}
	stock := fi.Size()

	b.ReportMetric(float64(ours), "ours-bytes")
	b.ReportMetric(float64(stock), "git-bytes")
	b.ReportMetric(float64(ours)/float64(stock), "ratio")
	b.ReportMetric(float64(oursTime.Microseconds())/1000, "ours-ms")
	b.ReportMetric(float64(gitTime.Microseconds())/1000, "git-ms")
}

// TestIncrementalSizeCloseToStockGit keeps the benchmark's promise in the
// test suite: an incremental bundle is at most 1.5 times stock git's.
func TestIncrementalSizeCloseToStockGit(t *testing.T) {
	r := newStockRepo(t)
	gitRun(t, r.dir, "gc", "-q")
	for _, base := range []plumbing.Hash{r.commits[0], r.base, r.commits[8]} {
		var w countingWriter
		_, err := Create(context.Background(), &w, openStore(t, r.dir), CreateOptions{
			Refs:    []Reference{{Name: "refs/heads/main", Hash: r.tip}},
			Exclude: []plumbing.Hash{base},
		})
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "stock.bundle")
		gitRun(t, r.dir, "bundle", "create", "-q", out, base.String()+"..main")
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		stock, _ := io.Copy(io.Discard, f)
		f.Close()
		ratio := float64(w.n) / float64(stock)
		t.Logf("%s..main: ours %d bytes, stock git %d bytes, ratio %.3f", base, w.n, stock, ratio)
		if ratio > 1.5 {
			t.Errorf("%s..main: our bundle is %d bytes, %.2f times stock git's %d", base, w.n, ratio, stock)
		}
	}
}
