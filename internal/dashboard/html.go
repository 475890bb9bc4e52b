package dashboard

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/receipt"
)

// pageTemplate is the HTML view: one self-contained page with inline CSS
// and one inline script, and no fonts, images or links, so it opens the
// same offline, from a file, or attached to a ticket. Its
// Content-Security-Policy lets it load nothing and run nothing but that
// script, named by its hash.
//
//go:embed page.html.tmpl
var pageTemplate string

// filterScript hides the rows and columns the page's filters leave out.
// A link can carry the filters: page.html#project=web&environment=Test.
// Without the script (scripts off) the page shows everything.
const filterScript = `(function () {
  var p = document.getElementById("f-project"), e = document.getElementById("f-environment"), s = document.getElementById("f-space");
  function apply() {
    var q = p.value.toLowerCase(), env = e.value, space = s.value;
    document.querySelectorAll("tbody tr").forEach(function (r) {
      r.hidden = q !== "" && r.dataset.project.toLowerCase().indexOf(q) < 0;
    });
    document.querySelectorAll("[data-environment]").forEach(function (c) {
      c.hidden = (env !== "" && c.dataset.environment !== env) || (space !== "" && c.dataset.space !== space);
    });
  }
  var given = new URLSearchParams(location.hash.slice(1));
  p.value = given.get("project") || "";
  e.value = given.get("environment") || "";
  s.value = given.get("space") || "";
  p.addEventListener("input", apply);
  e.addEventListener("change", apply);
  s.addEventListener("change", apply);
  apply();
})();`

// scriptHash is filterScript's CSP source.
var scriptHash = func() string {
	sum := sha256.Sum256([]byte(filterScript))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"stateClass": stateClass,
	"stateName":  stateName,
	"mark":       Mark,
	"short":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"rfc3339":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(pageTemplate))

// HTML writes the dashboard as one self-contained page: a grid of
// projects by environments, as Octopus shows its dashboard, each cell the
// release deployed there, coloured by its state, with what is on its way
// beside it and the details a click away; a legend; and filters by
// project, environment and Space. On a screen narrower than 600px each
// project's environments stack.
//
// generated is the time printed at the foot of the page; the output
// depends only on the model and that time, so it can be compared with a
// golden file.
func (m *Model) HTML(w io.Writer, generated time.Time) error {
	v := m.view()
	v.Generated = generated
	return page.Execute(w, v)
}

// view is the page's model: the columns every project shares, a row per
// project with a cell (or none) per column.
type view struct {
	Space      string
	Columns    []column
	Rows       []row
	Spaces     []string // the other Spaces whose environments are shown
	Generated  time.Time
	Script     template.JS
	ScriptHash string
}

type column struct {
	Name, Space string
	Remote      bool
	Owner       string // the Space the environment belongs to, this one or a peer, for the filter
}

type row struct {
	Name, Lifecycle string
	Cells           []rowCell
}

type rowCell struct {
	Column column
	Cell   *Cell // nil where the project's lifecycle has no such environment
}

func (m *Model) view() *view {
	v := &view{Space: m.Space, Script: template.JS(filterScript), ScriptHash: scriptHash}
	index := map[string]int{}
	for _, p := range m.Projects {
		for _, c := range p.Cells {
			key := strings.ToLower(c.Environment + "\x00" + c.Space)
			if _, ok := index[key]; !ok {
				index[key] = len(v.Columns)
				owner := m.Space
				if c.Remote {
					owner = c.Space
				}
				v.Columns = append(v.Columns, column{Name: c.Environment, Space: c.Space, Remote: c.Remote, Owner: owner})
				if c.Remote && !config.HasName(v.Spaces, c.Space) {
					v.Spaces = append(v.Spaces, c.Space)
				}
			}
		}
	}
	for _, p := range m.Projects {
		r := row{Name: p.Name, Lifecycle: p.Lifecycle, Cells: make([]rowCell, len(v.Columns))}
		for i, col := range v.Columns {
			r.Cells[i].Column = col
		}
		for i := range p.Cells {
			c := &p.Cells[i]
			r.Cells[index[strings.ToLower(c.Environment+"\x00"+c.Space)]].Cell = c
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// stateClass is the CSS class that colours a state: success, failed,
// waiting, promoted, accepted, rejected, or other (a state this page does
// not know).
func stateClass(d *Deployment) string {
	if d == nil {
		return "none"
	}
	switch d.State {
	case ledger.StateSuccess:
		return "success"
	case ledger.StateFailed:
		return "failed"
	case ledger.StateWaiting:
		return "waiting"
	case StatePromoted:
		return "promoted"
	case receipt.StateAccepted:
		return "accepted"
	case receipt.StateRejected:
		return "rejected"
	}
	return "other"
}

// Mark is a state's sign, in the page and in the text dashboard alike;
// "?" for a state neither knows.
func Mark(state string) string {
	switch state {
	case ledger.StateSuccess:
		return "✓"
	case ledger.StateFailed, receipt.StateRejected:
		return "✗"
	case ledger.StateWaiting:
		return "…"
	case StatePromoted:
		return "→"
	case receipt.StateAccepted:
		return "+"
	}
	return "?"
}

// stateName is a cell's state for the data-state attribute: the
// deployment's state, or "none".
func stateName(d *Deployment) string {
	if d == nil {
		return "none"
	}
	return d.State
}
