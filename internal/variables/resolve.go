package variables

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// Masked stands in for a sensitive value that was not decrypted, and for
// every sensitive value in logs and output.
const Masked = "********"

// Context is the deployment values are resolved for.
type Context struct {
	Environment string
	Tenant      string   // "" untenanted
	TenantTags  []string // the tenant's tags, "Set/Tag"
	Channel     string
}

// Options tunes Resolve.
type Options struct {
	// Decrypt turns a sensitive value's OpenPGP message into its plain
	// text. Nil: sensitive values are not decrypted and resolve to Masked.
	Decrypt func(ciphertext string) (string, error)

	// Extra holds the values the deploying Space supplies for the
	// project's templates (an imported project's template_value blocks),
	// scoped as they apply. They rank above project values of equal
	// specificity.
	Extra []snapshot.Variable
}

// Value is the resolved value of one variable.
type Value struct {
	Name      string // as first declared
	Value     string // raw: #{...} is not substituted; Masked for an undecrypted secret
	Sensitive bool

	// Source says where the value came from, for --dry-run, such as
	// `value "test-db.internal" scoped to environment "Test"` or
	// `built-in`. It never holds a sensitive value.
	Source string
}

// TieError reports two values of one variable that apply to a deployment
// equally well.
type TieError struct {
	Variable string
	Values   [2]string // the two values' sources, never a secret
}

func (e *TieError) Error() string {
	return fmt.Sprintf("variable %q has two values that apply equally well: %s and %s; make one scope more specific or the scopes disjoint", e.Variable, e.Values[0], e.Values[1])
}

// rank orders values of equal specificity.
type rank int

const (
	rankProject  rank = iota // a value of a project variable
	rankFallback             // a template's default, or "" for an optional template
	rankSpace                // a value the deploying Space supplies (Options.Extra)
)

// candidate is one value that applies to the deployment, whatever the step.
type candidate struct {
	v    *snapshot.Value // in the caller's variables, which Resolve only reads
	spec config.Specificity
	rank rank
	// fallback names the template's fallback ("template default" or the
	// optional template's empty value) for candidates of rankFallback.
	fallback string
}

// beats reports whether c outranks o.
func (c *candidate) beats(o *candidate) bool {
	if c.spec != o.spec {
		return o.spec.Less(c.spec)
	}
	return c.rank > o.rank
}

// entry gathers the candidates of one variable name.
type entry struct {
	name      string // as first declared
	sensitive bool
	cands     []candidate
	stepped   bool // some candidate is scoped by step
}

// resolver gathers the candidates of every name for one deployment.
type resolver struct {
	ctx     Context
	entries map[string]*entry // by folded name
	order   []string          // folded names, in declaration order
}

func newResolver(ctx Context) *resolver {
	return &resolver{ctx: ctx, entries: map[string]*entry{}}
}

func fold(name string) string { return strings.ToLower(name) }

func (r *resolver) entry(name string) *entry {
	key := fold(name)
	e, ok := r.entries[key]
	if !ok {
		e = &entry{name: name}
		r.entries[key] = e
		r.order = append(r.order, key)
	}
	return e
}

// add gathers the values of v that apply to the deployment in some step.
func (r *resolver) add(v snapshot.Variable, rk rank) {
	e := r.entry(v.Name)
	e.sensitive = e.sensitive || v.Sensitive
	for i := range v.Values {
		val := &v.Values[i]
		if !r.applies(val.Scope) {
			continue
		}
		e.cands = append(e.cands, candidate{v: val, spec: val.Scope.Config().Specificity(), rank: rk})
		e.stepped = e.stepped || len(val.Scope.Step) > 0
	}
}

// applies reports whether a value scoped by s applies to the deployment in
// every dimension but step, which only a step's Set decides.
func (r *resolver) applies(s snapshot.Scope) bool {
	c := r.ctx
	if len(s.Environment) > 0 && !containsFold(s.Environment, c.Environment) {
		return false
	}
	if len(s.Tenant) > 0 && (c.Tenant == "" || !containsFold(s.Tenant, c.Tenant)) {
		return false
	}
	if len(s.TenantTag) > 0 && (c.Tenant == "" || !anyFold(s.TenantTag, c.TenantTags)) {
		return false
	}
	if len(s.Channel) > 0 && !containsFold(s.Channel, c.Channel) {
		return false
	}
	return true
}

// containsFold reports whether names holds name, ignoring case; "" is in
// no list, as a deployment without a channel matches no channel scope.
func containsFold(names []string, name string) bool {
	return name != "" && config.HasName(names, name)
}

func anyFold(names, have []string) bool {
	for _, h := range have {
		if containsFold(names, h) {
			return true
		}
	}
	return false
}

// pick returns the winning candidate of e while step runs ("": outside any
// step, where step-scoped values do not apply), or nil when none applies.
func (e *entry) pick(step string) (*candidate, error) {
	var best, rival *candidate
	for i := range e.cands {
		c := &e.cands[i]
		if len(c.v.Scope.Step) > 0 && !containsFold(c.v.Scope.Step, step) {
			continue
		}
		switch {
		case best == nil || c.beats(best):
			best, rival = c, nil
		case !best.beats(c) && c.v.Value != best.v.Value && rival == nil:
			rival = c
		}
	}
	if rival != nil {
		return nil, &TieError{Variable: e.name, Values: [2]string{e.source(best), e.source(rival)}}
	}
	return best, nil
}

// source describes where c came from without quoting a secret.
func (e *entry) source(c *candidate) string {
	if c.rank == rankFallback {
		return c.fallback
	}
	var b strings.Builder
	words := scopeWords(c.v.Scope)
	if words == "" {
		b.WriteString("unscoped ")
	}
	if e.sensitive {
		b.WriteString("sensitive ")
	}
	if c.rank == rankSpace {
		b.WriteString("template ")
	}
	b.WriteString("value")
	if !e.sensitive {
		b.WriteByte(' ')
		b.WriteString(quoteShort(c.v.Value))
	}
	switch {
	case words == "":
	case c.rank == rankSpace:
		b.WriteString(" for ")
		b.WriteString(words)
	default:
		b.WriteString(" scoped to ")
		b.WriteString(words)
	}
	return b.String()
}

// quoteShort quotes a value for a source, cut at its first line break or
// after 40 characters.
func quoteShort(s string) string {
	const max = 40
	cut := false
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s, cut = s[:i], true
	}
	if len(s) > max && utf8.RuneCountInString(s) > max {
		s, cut = string([]rune(s)[:max]), true
	}
	if cut {
		s += "…"
	}
	return strconv.Quote(s)
}

// scopeWords names a scope's dimensions in Octopus's order of precedence:
// `environment "Test" or "Staging" and tenant "Contoso"`.
func scopeWords(s snapshot.Scope) string {
	dims := []struct {
		word  string
		names []string
	}{
		{"step", s.Step},
		{"tenant", s.Tenant},
		{"tenant tag", s.TenantTag},
		{"environment", s.Environment},
		{"channel", s.Channel},
	}
	var b strings.Builder
	for _, d := range dims {
		if len(d.names) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" and ")
		}
		b.WriteString(d.word)
		for i, n := range d.names {
			if i > 0 {
				b.WriteString(" or")
			}
			b.WriteByte(' ')
			b.WriteString(strconv.Quote(n))
		}
	}
	return b.String()
}
