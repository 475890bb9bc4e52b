package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
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

// TestDashboardInBrowser opens the HTML dashboard in headless Chromium and
// checks what a person would see: the DOM the browser built (cells in
// lifecycle order, their states, the remote badge, a hostile tenant shown
// as text), and screenshots of a phone-sized and a desktop-sized window,
// in which it finds each cell by its colour and checks where it is drawn:
// side by side on the desktop, stacked on the phone, the badge inside
// the remote cell.
func TestDashboardInBrowser(t *testing.T) {
	chrome := findChromium(t)
	dir := t.TempDir()
	m := &dashboard.Model{Space: "devtest", Projects: []dashboard.Project{{
		Name: "acme-web", Lifecycle: "Default", Cells: []dashboard.Cell{
			{Environment: "Development", Phase: "Development", Current: &dashboard.Deployment{Version: "1.5.0", State: "Success", Finished: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), ID: "D-1"}},
			{Environment: "Test", Phase: "Test", Current: &dashboard.Deployment{Version: "1.5.0", State: "Failed", Tenant: "<script>alert(1)</script>", Finished: time.Date(2025, 3, 14, 9, 5, 0, 0, time.UTC), ID: "D-2"},
				Previous: &dashboard.Deployment{Version: "1.4.0", State: "Success"}},
			{Environment: "UAT", Phase: "UAT", Current: &dashboard.Deployment{Version: "1.4.0", State: "Waiting", Finished: time.Date(2025, 3, 14, 9, 10, 0, 0, time.UTC)}},
			{Environment: "Production", Phase: "Production", Remote: true, Space: "prod"},
		},
	}}}
	var b bytes.Buffer
	if err := m.HTML(&b, time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	t.Run("dom", func(t *testing.T) {
		dom := runChromium(t, chrome, dir, "--dump-dom", url)
		var order []int
		for _, want := range []string{
			`<li class="cell success" data-environment="Development" data-state="Success"`,
			`<li class="cell failed" data-environment="Test" data-state="Failed"`,
			`<li class="cell waiting" data-environment="UAT" data-state="Waiting"`,
			`<li class="cell none" data-environment="Production" data-state="none">`,
		} {
			i := strings.Index(dom, want)
			if i < 0 {
				t.Errorf("the browser's DOM lacks %s", want)
			}
			order = append(order, i)
		}
		for i := 1; i < len(order); i++ {
			if order[i] < order[i-1] {
				t.Errorf("cells out of lifecycle order in the DOM: %v", order)
			}
		}
		for _, want := range []string{
			`<span class="badge" title="remote environment, owned by Space prod">@prod</span>`,
			`<div class="version">1.5.0</div>`,
			`<span class="state">Failed</span>`,
			`<span class="tenant">&lt;script&gt;alert(1)&lt;/script&gt;</span>`,
			`<dt>Deployment</dt><dd>D-2</dd>`,
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("the browser's DOM lacks %s", want)
			}
		}
		if strings.Contains(dom, "<script") {
			t.Errorf("the browser built a script element from the page")
		}
		if t.Failed() {
			t.Logf("DOM:\n%s", dom)
		}
	})

	t.Run("desktop", func(t *testing.T) {
		img := screenshot(t, chrome, dir, "desktop", 1280, 800, url)
		boxes := findCells(t, img)
		for i := 1; i < len(cellColours); i++ {
			a, b := boxes[cellColours[i-1].name], boxes[cellColours[i].name]
			if a.Max.X > b.Min.X || a.Max.Y <= b.Min.Y || b.Max.Y <= a.Min.Y {
				t.Errorf("on a desktop the %s cell %v should sit left of the %s cell %v, on the same line", cellColours[i-1].name, a, cellColours[i].name, b)
			}
		}
	})

	t.Run("phone", func(t *testing.T) {
		img := screenshot(t, chrome, dir, "phone", 390, 844, url)
		boxes := findCells(t, img)
		for i, c := range cellColours {
			r := boxes[c.name]
			if r.Dx() < img.Bounds().Dx()*2/3 {
				t.Errorf("on a phone the %s cell %v should span the screen (%d px wide)", c.name, r, img.Bounds().Dx())
			}
			if i > 0 && boxes[cellColours[i-1].name].Max.Y > r.Min.Y {
				t.Errorf("on a phone the %s cell %v should be below the %s cell %v", c.name, r, cellColours[i-1].name, boxes[cellColours[i-1].name])
			}
		}
	})
}

// cellColours are the backgrounds page.html.tmpl gives cells, in the
// lifecycle order of the test's model, and the remote badge's.
var cellColours = []struct {
	name    string
	r, g, b uint8
}{
	{"Success (green)", 0x1a, 0x7f, 0x37},
	{"Failed (red)", 0xcf, 0x22, 0x2e},
	{"Waiting (amber)", 0xd4, 0xa7, 0x2c},
	{"not deployed (grey)", 0xd0, 0xd7, 0xde},
}

var badgeColour = [3]uint8{0x82, 0x50, 0xdf}

// findCells finds each cell in a screenshot by its background colour and
// checks the remote badge is drawn inside the last one.
func findCells(t *testing.T, img image.Image) map[string]image.Rectangle {
	t.Helper()
	boxes := map[string]image.Rectangle{}
	for _, c := range cellColours {
		r, n := colourBox(img, [3]uint8{c.r, c.g, c.b}, 20)
		if n < 2000 {
			t.Fatalf("the screenshot shows too little of the %s cell: %d pixels", c.name, n)
		}
		boxes[c.name] = r
	}
	badge, n := colourBox(img, badgeColour, 5)
	remote := boxes[cellColours[len(cellColours)-1].name]
	if n < 100 || !badge.In(remote) {
		t.Errorf("the remote badge (%d pixels at %v) should be drawn inside the remote cell %v", n, badge, remote)
	}
	return boxes
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
