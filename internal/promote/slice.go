package promote

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonectl/zonectl/internal/snapshot"
)

// SliceOptions says who a snapshot is sliced for.
type SliceOptions struct {
	// Environments are the target Space's environments as the source
	// declares them: its remote environments owned by the target.
	Environments []string
	// Reencrypt turns a sensitive value encrypted to the source's key
	// into the same value encrypted to the target's key.
	Reencrypt func(ciphertext string) (string, error)
}

// Slice returns the snapshot the target receives:
//
//   - steps that are unscoped or scoped to at least one of the target's
//     environments, their environment lists narrowed to the target's; steps
//     scoped only to the source's environments are dropped, and so are the
//     target's environments from excluded lists that name only others;
//   - variable values that are unscoped by environment, or scoped to at
//     least one of the target's environments (narrowed to those); values
//     scoped only to other environments are dropped;
//   - sensitive values re-encrypted to the target's key, and only those
//     the target can use;
//   - every variable template, since the target fills them in;
//   - variables left with no values are dropped.
func Slice(proc *snapshot.Process, vars *snapshot.Variables, opts SliceOptions) (*snapshot.Process, *snapshot.Variables, error) {
	if len(opts.Environments) == 0 {
		return nil, nil, fmt.Errorf("the target has no environments in this Space: declare its remote environments")
	}
	out := &snapshot.Process{
		Project: proc.Project, Description: proc.Description, Lifecycle: proc.Lifecycle,
		Tenanted: proc.Tenanted, Packages: slices.Clone(proc.Packages), Steps: []snapshot.Step{},
	}
	for _, st := range proc.Steps {
		envs, keep := narrow(st.Environments, opts.Environments)
		if !keep {
			continue
		}
		st.Environments = envs
		st.ExcludedEnvironments, _ = narrow(st.ExcludedEnvironments, opts.Environments)
		if len(st.ExcludedEnvironments) == 0 {
			st.ExcludedEnvironments = nil
		}
		out.Steps = append(out.Steps, st)
	}
	steps := map[string]bool{}
	for _, st := range out.Steps {
		steps[strings.ToLower(st.Name)] = true
	}
	vout := &snapshot.Variables{Variables: []snapshot.Variable{}, Templates: slices.Clone(vars.Templates)}
	for _, v := range vars.Variables {
		nv := v
		nv.Values = []snapshot.Value{}
		for _, val := range v.Values {
			envs, keep := narrow(val.Scope.Environment, opts.Environments)
			if !keep || !stepsKept(val.Scope.Step, steps) {
				continue
			}
			val.Scope.Environment = envs
			if v.Sensitive && val.Value != "" {
				if opts.Reencrypt == nil {
					return nil, nil, fmt.Errorf("variable %q is sensitive and no key was given to re-encrypt it for the target", v.Name)
				}
				c, err := opts.Reencrypt(val.Value)
				if err != nil {
					return nil, nil, fmt.Errorf("re-encrypt a value of variable %q for the target: %w", v.Name, err)
				}
				val.Value = c
			}
			nv.Values = append(nv.Values, val)
		}
		if len(nv.Values) > 0 {
			vout.Variables = append(vout.Variables, nv)
		}
	}
	return out, vout, nil
}

// narrow keeps the names of list that are among target. An empty list
// means "everywhere" and is kept as it is; a list naming none of the
// target's environments is not kept.
func narrow(list, target []string) ([]string, bool) {
	if len(list) == 0 {
		return nil, true
	}
	var out []string
	for _, n := range list {
		if slices.ContainsFunc(target, func(t string) bool { return strings.EqualFold(t, n) }) {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// stepsKept reports whether a step-scoped value still has a step to apply
// to after slicing.
func stepsKept(scope []string, kept map[string]bool) bool {
	if len(scope) == 0 {
		return true
	}
	for _, s := range scope {
		if kept[strings.ToLower(s)] {
			return true
		}
	}
	return false
}
