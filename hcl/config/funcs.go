package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// evalContext is the context one file's expressions are evaluated in. There
// are no variables: configuration is data, and everything a deployment
// resolves (#{Var} substitution) happens later, in the Space that deploys.
func evalContext(fsys fs.FS, filename string) *hcl.EvalContext {
	funcs := map[string]function.Function{
		"file":       fileFunc(fsys, path.Dir(filename)),
		"upper":      stdlib.UpperFunc,
		"lower":      stdlib.LowerFunc,
		"join":       stdlib.JoinFunc,
		"split":      stdlib.SplitFunc,
		"format":     stdlib.FormatFunc,
		"replace":    stdlib.ReplaceFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"concat":     stdlib.ConcatFunc,
		"coalesce":   stdlib.CoalesceFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"merge":      stdlib.MergeFunc,
		"distinct":   stdlib.DistinctFunc,
		"tostring":   stdlib.MakeToFunc(cty.String),
		"tolist":     stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	}
	return &hcl.EvalContext{Functions: funcs}
}

// ResolveFile turns the argument of file() in a file at filename into a
// path inside the Space, refusing one that leaves it. Paths are
// slash-separated and relative to the file that calls file(), so a project
// directory can be moved without editing its steps.
func ResolveFile(filename, p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("the path is empty")
	}
	if strings.Contains(p, `\`) {
		return "", fmt.Errorf("%q uses backslashes; write paths with forward slashes", p)
	}
	if path.IsAbs(p) {
		return "", fmt.Errorf("%q is absolute; paths are relative to the file that calls file() and must stay inside the Space repository", p)
	}
	full := path.Join(path.Dir(filename), p)
	if full == ".." || strings.HasPrefix(full, "../") {
		return "", fmt.Errorf("%q leaves the Space repository; file() reads only files inside it", p)
	}
	return full, nil
}

func fileFunc(fsys fs.FS, dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a file of the Space, relative to the file that calls it.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			full, err := ResolveFile(path.Join(dir, "_"), p)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			data, err := fs.ReadFile(fsys, full)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, fmt.Errorf("cannot read %q: %s", full, fsErrorWords(err)))
			}
			if !utf8.Valid(data) {
				return cty.NilVal, function.NewArgError(0, fmt.Errorf("%q is not UTF-8 text; file() reads text files only", full))
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

func fsErrorWords(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
