package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/zonectl/zonectl/internal/parallel"
)

// Where a file lives decides which blocks it may hold.
type place int

const (
	placeRoot    place = iota // *.hcl at the top of the Space
	placeProject              // projects/<slug>/*.hcl
	placeImport               // imports/<source>/*.hcl
)

func (p place) String() string {
	switch p {
	case placeProject:
		return "in a project directory, projects/<slug>/"
	case placeImport:
		return "in an import binding, imports/<source>/"
	}
	return "at the top of the Space"
}

// blockPlaces says, for every block type of the language, where it may be
// written and the name of its label; "" for a block that takes no name.
var blockPlaces = map[string]struct {
	place place
	label string
}{
	"space":              {placeRoot, "name"},
	"peer":               {placeRoot, "name"},
	"environment":        {placeRoot, "name"},
	"remote_environment": {placeRoot, "name"},
	"lifecycle":          {placeRoot, "name"},
	"tag_set":            {placeRoot, "name"},
	"tenant":             {placeRoot, "name"},
	"feed":               {placeRoot, "name"},
	"store":              {placeRoot, ""},
	"project":            {placeProject, "name"},
	"package":            {placeProject, "id"},
	"step":               {placeProject, "name"},
	"variable":           {placeProject, "name"},
	"variable_template":  {placeProject, "name"},
	"import":             {placeImport, "project"},
	"template_value":     {placeImport, "name"},
}

// fileSchema accepts every block type anywhere, so that a block in the
// wrong place is reported with where it belongs rather than as unknown.
var fileSchema = func() *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, t := range []string{"space", "peer", "environment", "remote_environment", "lifecycle", "tag_set", "tenant", "feed", "store", "project", "package", "step", "variable", "variable_template", "import", "template_value"} {
		h := hcl.BlockHeaderSchema{Type: t}
		if label := blockPlaces[t].label; label != "" {
			h.LabelNames = []string{label}
		}
		s.Blocks = append(s.Blocks, h)
	}
	return s
}()

// Load reads the Space in fsys (its root is the Space repository's root),
// decodes every file and checks the whole. It always returns a Space,
// holding what could be decoded, alongside the diagnostics.
func Load(fsys fs.FS) (*Space, hcl.Diagnostics) {
	l := newLoader(fsys, &Space{})
	l.readRoot()
	l.readProjects(l.subdirs("projects"))
	for _, dir := range l.subdirs("imports") {
		l.readImports(dir)
	}
	l.strayFiles("projects", "projects/%s/, the project's own directory")
	l.strayFiles("imports", "imports/<source>/%s.hcl, under the directory of the Space it comes from")
	l.space.Files = l.files
	l.diags = append(l.diags, assemble(l.space)...)
	l.diags = append(l.diags, check(l.space)...)
	sortDiagnostics(l.diags)
	return l.space, l.diags
}

// LoadProject decodes what a command on one project needs: the root
// files, the import bindings and the project's own directory, found by
// its name in lower case (as zonectl and the examples name them). It
// reports false, having read nothing useful, when no directory holds the
// project under that name and no binding imports it: the caller loads the
// whole Space then. The checks that name other projects (a tenant's
// connections) are left out for the projects not read.
func LoadProject(fsys fs.FS, project string) (*Space, hcl.Diagnostics, bool) {
	l := newLoader(fsys, &Space{partial: true})
	l.readRoot()
	for _, dir := range l.subdirs("imports") {
		l.readImports(dir)
	}
	if l.space.Import(project) == nil {
		dir := path.Join("projects", strings.ToLower(project))
		if !fs.ValidPath(dir) || strings.Contains(strings.ToLower(project), "/") {
			return nil, nil, false
		}
		if info, err := fs.Stat(fsys, dir); err != nil || !info.IsDir() {
			return nil, nil, false
		}
		l.readProject(dir)
		if p := l.space.Project(project); p == nil {
			return nil, nil, false // the directory holds another project
		}
	}
	l.space.Files = l.files
	l.diags = append(l.diags, assemble(l.space)...)
	l.diags = append(l.diags, check(l.space)...)
	sortDiagnostics(l.diags)
	return l.space, l.diags, true
}

// LoadRoot decodes the Space's root files alone, not its projects: the
// Space's settings, peers, environments, lifecycles, tenants, feeds and
// store, for what needs no more (where packages come from). Nothing is
// assembled or checked across files: Load does that.
func LoadRoot(fsys fs.FS) (*Space, hcl.Diagnostics) {
	l := newLoader(fsys, &Space{})
	l.readRoot()
	l.space.Files = l.files
	return l.space, l.diags
}

type loader struct {
	fsys  fs.FS
	files map[string]*hcl.File // the bytes of each file read, for diagnostics
	space *Space
	diags hcl.Diagnostics
}

func newLoader(fsys fs.FS, space *Space) *loader {
	return &loader{fsys: fsys, files: map[string]*hcl.File{}, space: space}
}

// readProjects reads the project directories on every core, each by a
// loader of its own, and takes their projects, files and diagnostics in
// directory order: the outcome is the one of reading them one by one.
// Parsing is most of what validate and the dashboard do in a Space of
// thousands of projects. The file system must be safe for concurrent
// use, as os.DirFS, os.Root's and gitstore's TreeFS are.
func (l *loader) readProjects(dirs []string) {
	read := make([]*loader, len(dirs))
	parallel.Each(len(dirs), func(i int) {
		read[i] = newLoader(l.fsys, &Space{})
		read[i].readProject(dirs[i])
	})
	for _, one := range read {
		l.space.Projects = append(l.space.Projects, one.space.Projects...)
		l.diags = append(l.diags, one.diags...)
		maps.Copy(l.files, one.files)
	}
}

// subdirs lists the directories under dir, in name order; a missing dir
// has none.
func (l *loader) subdirs(dir string) []string {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.diags = append(l.diags, readDirError(dir, err))
		}
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out
}

// strayFiles reports *.hcl files written directly in dir, where nothing is
// read: a project's files live in its own directory below it.
func (l *loader) strayFiles(dir, where string) {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		return // reported by subdirs
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".hcl") {
			continue
		}
		name := path.Join(dir, e.Name())
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "File in no project",
			Detail:   fmt.Sprintf("%s is not read: nothing is read directly in %s/. Move it to %s.", name, dir, fmt.Sprintf(where, strings.TrimSuffix(e.Name(), ".hcl"))),
			Subject:  &hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos},
		})
	}
}

// hclFiles lists the *.hcl files directly in dir, in name order.
func (l *loader) hclFiles(dir string) []string {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		l.diags = append(l.diags, readDirError(dir, err))
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out
}

func (l *loader) readProject(dir string) {
	files := l.hclFiles(dir)
	if len(files) == 0 {
		return
	}
	p := &Project{Slug: path.Base(dir), Dir: dir}
	var decls []*Project
	unnamed := 0
	for _, name := range files {
		c := l.readFile(name, placeProject)
		decls = append(decls, c.projects...)
		unnamed += c.unnamed["project"]
		p.Packages = append(p.Packages, c.packages...)
		p.Steps = append(p.Steps, c.steps...)
		p.Variables = append(p.Variables, c.variables...)
		p.Templates = append(p.Templates, c.templates...)
	}
	if len(decls) == 0 {
		if unnamed > 0 {
			return // its project block has no name, which is reported already
		}
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Project directory without a project block",
			Detail:   fmt.Sprintf("%s/ holds configuration but no project block. Add one, such as:\n\n  project %q {\n    lifecycle = \"Default\"\n  }", dir, p.Slug),
			Subject:  &hcl.Range{Filename: files[0], Start: hcl.InitialPos, End: hcl.InitialPos},
		})
		return
	}
	first := decls[0]
	p.Name, p.Description, p.Lifecycle, p.Tenanted, p.DeclRange = first.Name, first.Description, first.Lifecycle, first.Tenanted, first.DeclRange
	for _, extra := range decls[1:] {
		rng := extra.DeclRange
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "More than one project block",
			Detail:   fmt.Sprintf("%s/ already declares project %q at %s; a project directory holds exactly one project. Give each project its own directory under projects/.", dir, first.Name, shortRange(first.DeclRange)),
			Subject:  &rng,
		})
	}
	l.space.Projects = append(l.space.Projects, p)
}

func (l *loader) readRoot() {
	for _, name := range l.hclFiles(".") {
		c := l.readFile(name, placeRoot)
		s := l.space
		if len(c.spaces) > 0 && s.Space == nil {
			s.Space = c.spaces[0]
			c.spaces = c.spaces[1:]
		}
		s.extraSpaces = append(s.extraSpaces, c.spaces...)
		s.Peers = append(s.Peers, c.peers...)
		s.Environments = append(s.Environments, c.environments...)
		s.RemoteEnvironments = append(s.RemoteEnvironments, c.remoteEnvironments...)
		s.Lifecycles = append(s.Lifecycles, c.lifecycles...)
		s.TagSets = append(s.TagSets, c.tagSets...)
		s.Tenants = append(s.Tenants, c.tenants...)
		s.Feeds = append(s.Feeds, c.feeds...)
		if len(c.stores) > 0 && s.Store == nil {
			s.Store = c.stores[0]
			c.stores = c.stores[1:]
		}
		s.extraStores = append(s.extraStores, c.stores...)
	}
}

// readImports reads imports/<source>/*.hcl: each file binds one project.
func (l *loader) readImports(dir string) {
	for _, name := range l.hclFiles(dir) {
		c := l.readFile(name, placeImport)
		if len(c.imports) == 0 {
			if c.unnamed["import"] > 0 {
				continue
			}
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Import file without an import block",
				Detail:   fmt.Sprintf("%s must hold an import block naming the project it binds, such as:\n\n  import %q {\n    from      = %q\n    lifecycle = \"Default\"\n  }", name, strings.TrimSuffix(path.Base(name), ".hcl"), path.Base(dir)),
				Subject:  &hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos},
			})
			continue
		}
		im := c.imports[0]
		im.Source, im.File = path.Base(dir), name
		im.TemplateValues = c.templateValues
		for _, extra := range c.imports[1:] {
			rng := extra.DeclRange
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "More than one import block",
				Detail:   fmt.Sprintf("%s already binds project %q; write one file per imported project, imports/<source>/<project>.hcl.", name, im.Project),
				Subject:  &rng,
			})
		}
		l.space.Imports = append(l.space.Imports, im)
	}
}

// fileContent is what one file declares.
type fileContent struct {
	spaces             []*SpaceBlock
	peers              []*Peer
	environments       []*Environment
	remoteEnvironments []*RemoteEnvironment
	lifecycles         []*Lifecycle
	tagSets            []*TagSet
	tenants            []*Tenant
	feeds              []*Feed
	stores             []*StoreBlock
	projects           []*Project
	packages           []*Package
	steps              []*Step
	variables          []*Variable
	templates          []*VariableTemplate
	imports            []*Import
	templateValues     []*TemplateValue

	unnamed map[string]int // blocks dropped for an empty name, by type
}

// readFile parses and decodes one file. Blocks that do not belong where the
// file lives are reported with where they belong, and dropped.
func (l *loader) readFile(name string, pl place) *fileContent {
	c := &fileContent{unnamed: map[string]int{}}
	src, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read file", Detail: fmt.Sprintf("Reading %q: %s.", name, fsErrorWords(err))})
		return c
	}
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	l.diags = append(l.diags, diags...)
	// Diagnostics need the bytes alone; the syntax tree, the bulk of a
	// parsed file, is garbage once the file is decoded (nothing decoded
	// keeps a part of it), so a whole Space is never held as trees.
	l.files[name] = &hcl.File{Bytes: src}
	if f == nil {
		return c
	}
	content, diags := l.withoutNamedUnlabelled(f.Body).Content(fileSchema)
	l.diags = append(l.diags, diags...)
	d := &decoder{ctx: evalContext(l.fsys, name)}
	for _, b := range content.Blocks {
		if !l.placed(b, pl) {
			continue
		}
		if !l.labelled(b) {
			c.unnamed[b.Type]++
			continue
		}
		switch b.Type {
		case "space":
			c.spaces = append(c.spaces, decodeSpace(d, b))
		case "peer":
			c.peers = append(c.peers, decodePeer(d, b))
		case "environment":
			c.environments = append(c.environments, decodeEnvironment(d, b))
		case "remote_environment":
			c.remoteEnvironments = append(c.remoteEnvironments, decodeRemoteEnvironment(d, b))
		case "lifecycle":
			c.lifecycles = append(c.lifecycles, decodeLifecycle(d, b))
		case "tag_set":
			c.tagSets = append(c.tagSets, decodeTagSet(d, b))
		case "tenant":
			c.tenants = append(c.tenants, decodeTenant(d, b))
		case "feed":
			c.feeds = append(c.feeds, decodeFeed(d, b))
		case "store":
			c.stores = append(c.stores, decodeStore(d, b))
		case "project":
			c.projects = append(c.projects, decodeProject(d, b))
		case "package":
			c.packages = append(c.packages, decodePackage(d, b))
		case "step":
			c.steps = append(c.steps, decodeStep(d, b))
		case "variable":
			c.variables = append(c.variables, decodeVariable(d, b))
		case "variable_template":
			c.templates = append(c.templates, decodeTemplate(d, b))
		case "import":
			c.imports = append(c.imports, decodeImport(d, b))
		case "template_value":
			c.templateValues = append(c.templateValues, decodeTemplateValue(d, b))
		}
	}
	l.diags = append(l.diags, d.diags...)
	return c
}

// placed reports a block written where it does not belong.
func (l *loader) placed(b *hcl.Block, pl place) bool {
	want := blockPlaces[b.Type].place
	if want == pl {
		return true
	}
	var where string
	switch want {
	case placeRoot:
		where = "a file at the top of the Space, such as space.hcl or environments.hcl"
	case placeProject:
		where = "the project's directory, projects/<slug>/"
	case placeImport:
		where = "imports/<source>/<project>.hcl, the binding of a project imported from another Space"
	}
	rng := b.DefRange
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Block in the wrong place",
		Detail:   fmt.Sprintf("%s %s block belongs in %s; this file is %s.", article(b.Type), b.Type, where, pl),
		Subject:  &rng,
	})
	return false
}

// labelled reports a block whose name is empty or blank; a block that
// takes no name passes.
func (l *loader) labelled(b *hcl.Block) bool {
	if len(b.Labels) == 0 || strings.TrimSpace(b.Labels[0]) != "" {
		return true
	}
	rng := b.LabelRanges[0]
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Empty name",
		Detail:   fmt.Sprintf("%s %s block needs a name.", article(b.Type), b.Type),
		Subject:  &rng,
	})
	return false
}

// withoutNamedUnlabelled reports each block of a type that takes no name
// (store) written with one, in words about that block rather than HCL's
// "Extraneous label", and returns the body without those blocks so that
// HCL does not report them again.
func (l *loader) withoutNamedUnlabelled(body hcl.Body) hcl.Body {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return body
	}
	kept := make(hclsyntax.Blocks, 0, len(sb.Blocks))
	for _, b := range sb.Blocks {
		bp, known := blockPlaces[b.Type]
		if !known || bp.label != "" || len(b.Labels) == 0 {
			kept = append(kept, b)
			continue
		}
		rng := b.LabelRanges[0]
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Name on a " + b.Type + " block",
			Detail:   fmt.Sprintf("%s %s block takes no name: a Space has at most one. Write it as %s { ... }, without %q.", article(b.Type), b.Type, b.Type, b.Labels[0]),
			Subject:  &rng,
		})
	}
	if len(kept) == len(sb.Blocks) {
		return body
	}
	trimmed := *sb
	trimmed.Blocks = kept
	return &trimmed
}

func readDirError(dir string, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read directory", Detail: fmt.Sprintf("Reading directory %q: %s.", dir, fsErrorWords(err))}
}

// article is "A" or "An", as the word that follows it needs.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "An"
	}
	return "A"
}

// shortRange writes a range as file:line for use inside a message.
func shortRange(r hcl.Range) string { return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line) }
