package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/dashboard"
)

// installChromium is how the browser test gets Chromium when the machine
// lacks it; `make browser-deps` runs the same.
const installChromium = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"

// TestDashboardInBrowser opens the HTML dashboard of a Space of twenty
// projects in headless Chromium and checks what a person would see: the
// DOM the browser built (a projects × environments grid in lifecycle
// order, states, the remote Space, pending releases, a hostile tenant
// shown as text, the filters and their one script, allowed by hash), that
// all twenty projects fit a 1280×900 screen, that each project's
// environments stack on a 390 px phone, and that every state's colours
// have WCAG AA contrast (4.5:1) and are drawn.
func TestDashboardInBrowser(t *testing.T) {
	chrome := findChromium(t)
	dir := t.TempDir()
	m := twentyProjects()
	var b bytes.Buffer
	if err := m.HTML(&b, time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	t.Run("dom", func(t *testing.T) {
		dom := runChromium(t, chrome, dir, "--dump-dom", url)
		if n := strings.Count(dom, "<tr data-project="); n != 20 {
			t.Errorf("the grid has %d project rows, want 20", n)
		}
		var order []int
		for _, env := range []string{"Development", "Test", "Staging", "Production"} {
			i := strings.Index(dom, `<th data-environment="`+env+`"`)
			if i < 0 {
				t.Errorf("the grid has no column for %s", env)
			}
			order = append(order, i)
		}
		for i := 1; i < len(order); i++ {
			if order[i] < order[i-1] {
				t.Errorf("columns out of lifecycle order: %v", order)
			}
		}
		for _, want := range []string{
			`<span class="remote">@prod</span>`,
			`<span class="chip s-success" title="svc-01 2.1.0: Success">✓ 2.1.0</span>`,
			`<span class="chip s-failed"`,
			`<span class="chip s-waiting"`,
			`<span class="chip s-promoted" title="svc-02 2.2.0: Promoted, not deployed yet">→ 2.2.0</span>`,
			`<span class="chip s-accepted"`,
			`<dt>Tenant</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>`,
			`<input type="search" id="f-project"`,
			`<select id="f-environment">`,
			`<option value="prod">prod</option>`,
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("the browser's DOM lacks %s", want)
			}
		}
		if strings.Count(dom, "<script") != 1 || strings.Contains(dom, "<script>alert") || strings.Contains(dom, "src=") {
			t.Errorf("the page should run its one filter script and nothing else")
		}
		if t.Failed() {
			t.Logf("DOM:\n%s", dom)
		}
	})

	t.Run("filters", func(t *testing.T) {
		// The script runs (its hash is the one the CSP allows): filters
		// given in the link hide the other projects and environments.
		dom := runChromium(t, chrome, dir, "--dump-dom", url+"#project=svc-1&environment=Test")
		if n := strings.Count(dom, `<tr data-project="svc-1`); n != 10 {
			t.Fatalf("%d rows for svc-1*, want 10", n)
		}
		if n := strings.Count(dom, `<tr data-project="svc-02" hidden=""`) + strings.Count(dom, `<tr data-project="svc-20" hidden=""`); n != 2 {
			t.Errorf("rows svc-02 and svc-20 should be hidden by the project filter:\n%s", dom)
		}
		if strings.Contains(dom, `<tr data-project="svc-12" hidden`) {
			t.Errorf("svc-12 matches the project filter but is hidden")
		}
		if !strings.Contains(dom, `<th data-environment="Staging" data-space="devtest" hidden="">`) || strings.Contains(dom, `<th data-environment="Test" data-space="devtest" hidden`) {
			t.Errorf("the environment filter should hide every column but Test")
		}
	})

	t.Run("contrast", func(t *testing.T) {
		for _, class := range []string{"s-success", "s-failed", "s-waiting", "s-other", "s-promoted", "s-accepted", "s-rejected", "none", "remote"} {
			fg, bg := cssColours(t, html, class)
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf(".%s: %v on %v has contrast %.2f:1, below WCAG AA's 4.5:1", class, fg, bg, r)
			}
		}
	})

	t.Run("desktop", func(t *testing.T) {
		img := screenshot(t, chrome, dir, "desktop", 1280, 900, url)
		// Every project has a Development cell deployed: a green chip per
		// row, and one in the legend.
		green := [3]uint8{0x1a, 0x7f, 0x37}
		if bands := colourBands(img, green, 8); len(bands) < 21 {
			t.Errorf("a 1280×900 screen shows %d rows of green chips, want the legend's and 20 projects'", len(bands))
		}
		for _, class := range []string{"s-success", "s-failed", "s-waiting", "s-promoted", "s-accepted"} {
			_, bg := cssColours(t, html, class)
			if _, n := colourBox(img, bg, 3); n < 200 {
				t.Errorf("the screen shows no .%s chip (%d pixels of %v)", class, n, bg)
			}
		}
	})

	t.Run("phone", func(t *testing.T) {
		img := screenshot(t, chrome, dir, "phone", 390, 844, url)
		// Stacked: a project's Development, Staging and Production chips
		// are green and start at the same x, one under the other.
		green := [3]uint8{0x1a, 0x7f, 0x37}
		bands := colourBands(img, green, 8)
		if len(bands) < 4 {
			t.Fatalf("a phone shows %d rows of green chips, want the legend's and a project's stacked", len(bands))
		}
		x0 := bands[1].Min.X
		for _, r := range bands[1:4] {
			if d := r.Min.X - x0; d < -4 || d > 4 || r.Max.X > img.Bounds().Dx() {
				t.Errorf("on a phone the chips %v should stack at x=%d, within the screen", bands[1:4], x0)
				break
			}
		}
	})
}

// twentyProjects is a Space of twenty projects in four environments, the
// last prod's, in every state the page colours.
func twentyProjects() *dashboard.Model {
	at := func(min int) time.Time { return time.Date(2025, 3, 14, 9, min, 0, 0, time.UTC) }
	m := &dashboard.Model{Space: "devtest"}
	for i := 1; i <= 20; i++ {
		name := fmt.Sprintf("svc-%02d", i)
		v := fmt.Sprintf("2.%d.0", i)
		test := &dashboard.Deployment{Version: v, State: []string{"Success", "Failed", "Waiting"}[i%3], Finished: at(i), ID: fmt.Sprintf("D-%d", i)}
		if i == 3 {
			test.Tenant = "<script>alert(1)</script>"
		}
		prod := dashboard.Cell{Environment: "Production", Phase: "Production", Remote: true, Space: "prod",
			Current: &dashboard.Deployment{Version: "1.9.0", State: "Success", Finished: at(0), ReportedBy: "prod"}}
		switch i % 3 {
		case 2:
			prod.Pending = &dashboard.Deployment{Version: v, State: dashboard.StatePromoted, Finished: at(i)}
		case 0:
			prod.Pending = &dashboard.Deployment{Version: v, State: "Accepted", Finished: at(i), ReportedBy: "prod"}
		}
		m.Projects = append(m.Projects, dashboard.Project{Name: name, Lifecycle: "Default", Cells: []dashboard.Cell{
			{Environment: "Development", Phase: "Development", Current: &dashboard.Deployment{Version: v, State: "Success", Finished: at(i)}},
			{Environment: "Test", Phase: "Test", Current: test, Previous: &dashboard.Deployment{Version: "2.0.0", State: "Success"}},
			{Environment: "Staging", Phase: "Staging", Current: &dashboard.Deployment{Version: "2.0.0", State: "Success", Finished: at(0)}},
			prod,
		}})
	}
	return m
}

// cssColours reads the text and background colours the page's CSS gives
// class (a white background when it gives none).
func cssColours(t *testing.T, html, class string) (fg, bg [3]uint8) {
	t.Helper()
	rule := "." + class + " {"
	i := strings.Index(html, rule)
	if i < 0 {
		t.Fatalf("the page has no CSS rule %s", rule)
	}
	body := html[i+len(rule):]
	body = body[:strings.Index(body, "}")]
	bg = [3]uint8{0xff, 0xff, 0xff}
	for _, decl := range strings.Split(body, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(decl), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "color":
			fg = hexColour(t, strings.TrimSpace(v))
		case "background":
			bg = hexColour(t, strings.TrimSpace(v))
		}
	}
	return fg, bg
}

func hexColour(t *testing.T, s string) [3]uint8 {
	var c [3]uint8
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &c[0], &c[1], &c[2]); err != nil {
		t.Fatalf("colour %q: %v", s, err)
	}
	return c
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b [3]uint8) float64 {
	lum := func(c [3]uint8) float64 {
		var l [3]float64
		for i, v := range c {
			s := float64(v) / 255
			if s <= 0.03928 {
				l[i] = s / 12.92
			} else {
				l[i] = math.Pow((s+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// colourBands are the horizontal bands of img holding at least least
// pixels of colour c on each line, top to bottom, each with the span of
// x it covers.
func colourBands(img image.Image, c [3]uint8, least int) []image.Rectangle {
	b := img.Bounds()
	near := func(v uint32, w uint8) bool { d := int(v>>8) - int(w); return d >= -4 && d <= 4 }
	var bands []image.Rectangle
	in := false
	for y := b.Min.Y; y < b.Max.Y; y++ {
		n, x0, x1 := 0, b.Max.X, b.Min.X
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
				x0, x1 = min(x0, x), max(x1, x+1)
			}
		}
		switch {
		case n >= least && !in:
			bands = append(bands, image.Rect(x0, y, x1, y+1))
			in = true
		case n >= least:
			last := &bands[len(bands)-1]
			last.Max.Y = y + 1
			last.Min.X, last.Max.X = min(last.Min.X, x0), max(last.Max.X, x1)
		default:
			in = false
		}
	}
	return bands
}

// colourBox is the bounding box of the rows and columns with at least min
// pixels of colour c (so stray anti-aliased pixels of text do not count),
// and how many pixels of that colour there are.
func colourBox(img image.Image, c [3]uint8, min int) (image.Rectangle, int) {
	b := img.Bounds()
	rows := make([]int, b.Dy())
	cols := make([]int, b.Dx())
	total := 0
	near := func(v uint32, w uint8) bool { d := int(v>>8) - int(w); return d >= -4 && d <= 4 }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				rows[y-b.Min.Y]++
				cols[x-b.Min.X]++
				total++
			}
		}
	}
	span := func(counts []int) (lo, hi int) {
		lo, hi = -1, -1
		for i, n := range counts {
			if n >= min {
				if lo < 0 {
					lo = i
				}
				hi = i + 1
			}
		}
		return lo, hi
	}
	x0, x1 := span(cols)
	y0, y1 := span(rows)
	if x0 < 0 || y0 < 0 {
		return image.Rectangle{}, total
	}
	return image.Rect(b.Min.X+x0, b.Min.Y+y0, b.Min.X+x1, b.Min.Y+y1), total
}

func screenshot(t *testing.T, chrome, dir, name string, w, h int, url string) image.Image {
	t.Helper()
	file := filepath.Join(dir, name+".png")
	runChromium(t, chrome, dir, "--hide-scrollbars", fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+file, url)
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("Chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	if got := img.Bounds().Size(); got.X != w {
		t.Errorf("screenshot %s is %v, want %d px wide", name, got, w)
	}
	return img
}

// runChromium runs headless Chromium with nothing of the user's and no
// network of its own, and returns its stdout.
func runChromium(t *testing.T, chrome, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	profile, err := os.MkdirTemp(dir, "profile")
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + profile}
	cmd := exec.CommandContext(ctx, chrome, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", chrome, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// findChromium finds Chromium or Chrome, installing Debian's chromium
// package when it is missing and the test can (root, apt-get). It never
// skips: a machine that cannot run the test fails it, saying how to fix
// that.
func findChromium(t *testing.T) string {
	t.Helper()
	look := func() string {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				return p
			}
		}
		return ""
	}
	if p := look(); p != "" {
		return p
	}
	if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
		t.Logf("Chromium is missing; installing it: %s", installChromium)
		out, err := exec.Command("sh", "-c", installChromium).CombinedOutput()
		if p := look(); err == nil && p != "" {
			return p
		}
		t.Fatalf("installing Chromium failed (%v):\n%s\nthe browser test needs it: run `%s` as root (make browser-deps)", err, out, installChromium)
	}
	t.Fatalf("the browser test needs Chromium: install it as root with `%s` (make browser-deps)", installChromium)
	return ""
}
