package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/zonectl/zonectl/internal/meter"
)

// progress reports how far a long transfer has gone — a push, a bundle
// being built — on one line of stderr, redrawn in place at most ten times
// a second and cleared when the work is done. It draws only for a person:
// when stderr is a terminal and the output is text; otherwise it is
// silent, and costs a lock and a clock read per update.
type progress struct {
	o     *output
	what  string
	total int64 // bytes expected; 0 or less when unknown
	on    bool

	mu    sync.Mutex
	now   func() time.Time
	start time.Time
	drawn time.Time // when the line was last drawn; zero if never
	done  int64
}

// progressInterval is the least time between two redraws.
const progressInterval = 100 * time.Millisecond

// newProgress starts reporting on what ("Pushing acme-web 1.4.0"), which
// will move total bytes.
func newProgress(o *output, what string, total int64) *progress {
	return &progress{o: o, what: what, total: total, on: o.progressOn(), now: time.Now, start: time.Now()}
}

// SetTotal sets the bytes expected, for work that learns it late.
func (p *progress) SetTotal(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
}

// Add records n more bytes done.
func (p *progress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.update(p.done + n)
}

// Set records that done bytes are done in all; it fits callbacks that
// count, such as store.PushOptions.Progress.
func (p *progress) Set(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.update(done)
}

func (p *progress) update(done int64) {
	p.done = done
	if !p.on {
		return
	}
	now := p.now()
	// The first draw waits one interval too, so work that is quick never
	// flashes a line.
	last := p.drawn
	if last.IsZero() {
		last = p.start
	}
	if now.Sub(last) < progressInterval {
		return
	}
	p.drawn = now
	p.o.statusLine(p.line(now))
}

// Step starts the next step of a long piece of work, named what, with
// its own total and rate. Unlike Phase it draws nothing at once: the line
// changes at the next update, so quick steps never flash.
func (p *progress) Step(what string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.done, p.total = what, 0, total
	p.start = p.now()
}

// steps returns a meter.Progress that shows on p each step a domain
// package reports, in turn.
func (p *progress) steps() meter.Progress {
	var shown string
	return func(step string, done, total int64) {
		if step != shown {
			shown = step
			p.Step(step, total)
		}
		p.Set(done)
	}
}

// Done clears the line, if one was drawn.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && !p.drawn.IsZero() {
		p.o.clearStatusLine()
	}
	p.drawn = time.Time{}
	p.on = false
}

// line is what is drawn at now: what, bytes done (of total), the average
// rate and the time left at that rate.
func (p *progress) line(now time.Time) string {
	var b strings.Builder
	b.WriteString(p.what)
	if p.done <= 0 && p.total <= 0 {
		return b.String()
	}
	b.WriteString("  ")
	b.WriteString(humanBytes(p.done))
	if p.total > 0 {
		fmt.Fprintf(&b, " / %s (%d%%)", humanBytes(p.total), p.done*100/p.total)
	}
	elapsed := now.Sub(p.start)
	if elapsed <= 0 || p.done <= 0 {
		return b.String()
	}
	rate := float64(p.done) / elapsed.Seconds()
	fmt.Fprintf(&b, "  %s/s", humanBytes(int64(rate)))
	if p.total > p.done {
		left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		fmt.Fprintf(&b, "  %s left", left.Round(time.Second))
	}
	return b.String()
}

// humanBytes writes a size for people: 512 B, 12.3 MiB.
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		if v < 1024 || unit == "TiB" {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
	}
	panic("unreachable")
}

// progressOn reports whether progress is drawn: for a person at a
// terminal reading text, never into a log or a JSON consumer.
func (o *output) progressOn() bool {
	return !o.json() && isTerminal(o.stderr) && os.Getenv("TERM") != "dumb"
}

// statusLine redraws the status line on stderr with s, cut to the
// terminal's width so that it never wraps.
func (o *output) statusLine(s string) {
	if f, ok := o.stderr.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 1 && len(s) >= w {
			s = s[:w-1]
		}
	}
	fmt.Fprintf(o.stderr, "\r%s\x1b[K", s)
}

// clearStatusLine erases the status line.
func (o *output) clearStatusLine() { fmt.Fprint(o.stderr, "\r\x1b[K") }
