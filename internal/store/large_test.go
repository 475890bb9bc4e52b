package store

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPushLargeStreamBoundedMemory pushes 1 GiB (128 MiB with -short)
// from a generator, never held whole, and checks that the push allocates
// and holds well under 64 MiB: memory must not grow with the package.
func TestPushLargeStreamBoundedMemory(t *testing.T) {
	size := int64(1 << 30)
	if testing.Short() {
		size = 128 << 20
	}
	const limit = 64 << 20
	s := newStore(t)
	r := newGenReader(7, size)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// Sample the live heap while the push runs; ReadMemStats is cheap
	// enough at this rate.
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	var progressCalls int
	o := opts("big", "1.0.0")
	o.Progress = func(int64) { progressCalls++ }
	pkg, _, err := s.Push(context.Background(), r, o)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	if pkg.Size != size {
		t.Fatalf("pushed %d bytes, want %d", pkg.Size, size)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("pushed %d MiB: allocated %.1f MiB in all, live heap peaked at %.1f MiB (%.1f MiB before), %d progress calls",
		size>>20, mib(allocated), mib(peak.Load()), mib(before.HeapAlloc), progressCalls)
	if allocated > limit {
		t.Errorf("the push allocated %.1f MiB, want under %d MiB", mib(allocated), limit>>20)
	}
	if peak.Load() > before.HeapAlloc+limit {
		t.Errorf("the live heap peaked at %.1f MiB, want under %.1f MiB", mib(peak.Load()), mib(before.HeapAlloc+limit))
	}
	if err := s.Verify(pkg); err != nil {
		t.Error(err)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
