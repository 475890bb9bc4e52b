package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressRedrawsAtMostTenTimesASecondAndClears(t *testing.T) {
	var stderr bytes.Buffer
	o := newOutput(nil, &bytes.Buffer{}, &stderr)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	p := &progress{o: o, what: "Pushing acme-web 1.4.0", total: 1 << 30, on: true, now: func() time.Time { return now }, start: start}

	p.Set(1 << 20) // at once: too soon to draw
	if stderr.Len() != 0 {
		t.Fatalf("drew %q before the first interval", stderr.String())
	}
	now = start.Add(2 * time.Second)
	p.Set(256 << 20)
	want := "\rPushing acme-web 1.4.0  256.0 MiB / 1.0 GiB (25%)  128.0 MiB/s  6s left\x1b[K"
	if stderr.String() != want {
		t.Fatalf("drew %q, want %q", stderr.String(), want)
	}
	now = now.Add(50 * time.Millisecond)
	p.Add(1 << 20)
	if stderr.String() != want {
		t.Fatalf("redrew within 100ms: %q", stderr.String())
	}
	now = now.Add(100 * time.Millisecond)
	p.Add(1 << 20)
	if n := strings.Count(stderr.String(), "\r"); n != 2 {
		t.Fatalf("drew %d times, want 2: %q", n, stderr.String())
	}
	p.Done()
	if !strings.HasSuffix(stderr.String(), "\r\x1b[K") {
		t.Errorf("Done did not clear the line: %q", stderr.String())
	}
	before := stderr.Len()
	p.Add(1)
	p.Done()
	if stderr.Len() != before {
		t.Errorf("progress drew after Done: %q", stderr.String()[before:])
	}
}

func TestProgressLine(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		total, done int64
		after       time.Duration
		want        string
	}{
		{0, 3 << 20, time.Second, "Building bundle  3.0 MiB  3.0 MiB/s"},
		{10 << 30, 1 << 30, 4 * time.Second, "Building bundle  1.0 GiB / 10.0 GiB (10%)  256.0 MiB/s  36s left"},
		{100, 100, time.Second, "Building bundle  100 B / 100 B (100%)  100 B/s"},
		{100, 0, 0, "Building bundle  0 B / 100 B (0%)"},
		{0, 0, time.Second, "Building bundle"},
	}
	for _, tt := range tests {
		p := &progress{what: "Building bundle", total: tt.total, start: start, done: tt.done}
		if got := p.line(start.Add(tt.after)); got != tt.want {
			t.Errorf("line(%d of %d after %v) = %q, want %q", tt.done, tt.total, tt.after, got, tt.want)
		}
	}
}

func TestProgressSilentOffATerminal(t *testing.T) {
	var stderr bytes.Buffer
	p := newProgress(newOutput(nil, &bytes.Buffer{}, &stderr), "Pushing", 10)
	p.start = p.start.Add(-time.Hour)
	p.Set(5)
	p.Done()
	if stderr.Len() != 0 {
		t.Errorf("progress drew %q to a stream that is not a terminal", stderr.String())
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 12_900_000: "12.3 MiB", 1 << 30: "1.0 GiB", 5 << 40: "5.0 TiB", 3 << 50: "3072.0 TiB",
	} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestProgressStepRestartsTheRateAndDrawsOnlyOnUpdate(t *testing.T) {
	var stderr bytes.Buffer
	o := newOutput(nil, &bytes.Buffer{}, &stderr)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	p := &progress{o: o, what: "delta of web 1.1.0 against 1.0.0", total: 100, on: true, now: func() time.Time { return now }, start: start}
	now = start.Add(time.Second)
	p.Set(100)
	p.Step("writing web.zbundle", 1000)
	if n := strings.Count(stderr.String(), "\r"); n != 1 {
		t.Fatalf("Step drew at once: %q", stderr.String())
	}
	now = now.Add(2 * time.Second)
	p.Set(500)
	want := "\rwriting web.zbundle  500 B / 1000 B (50%)  250 B/s  2s left\x1b[K"
	if !strings.HasSuffix(stderr.String(), want) {
		t.Fatalf("drew %q, want it to end %q", stderr.String(), want)
	}
}
