package dashboard

import (
	_ "embed"
	"html/template"
	"io"
	"time"

	"github.com/zonectl/zonectl/internal/ledger"
)

// pageTemplate is the HTML view: one self-contained page with inline CSS
// and no scripts, fonts, images or links, so it opens the same offline,
// from a file, or attached to a ticket. A Content-Security-Policy forbids
// the page from loading anything at all.
//
//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"stateClass": stateClass,
	"stateName":  stateName,
	"short":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"rfc3339":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(pageTemplate))

// HTML writes the dashboard as one self-contained HTML page: a grid per
// project with its environments in lifecycle order, each cell coloured by
// the state of the release deployed there, remote environments marked
// with the Space that owns them, and the details of each deployment in a
// <details> element. On a screen narrower than 600px the cells stack.
//
// generated is the time printed at the foot of the page; the output
// depends only on the model and that time, so it can be compared with a
// golden file.
func (m *Model) HTML(w io.Writer, generated time.Time) error {
	return page.Execute(w, struct {
		*Model
		Generated time.Time
	}{m, generated})
}

// stateClass is the CSS class that colours a cell: success, failed,
// waiting, none (nothing deployed) or other (a state this page does not
// know).
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
	}
	return "other"
}

// stateName is a cell's state for the data-state attribute: the
// deployment's state, or "none".
func stateName(d *Deployment) string {
	if d == nil {
		return "none"
	}
	return d.State
}
