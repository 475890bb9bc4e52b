package config

// Scope is where a variable value applies. Values within one dimension OR
// together; dimensions AND. An empty scope applies everywhere.
type Scope struct {
	Environments []Ref
	Tenants      []Ref
	TenantTags   []Ref
	Steps        []Ref
	Channels     []Ref
}

// Dimension names, from the most specific to the least, as Octopus ranks
// them.
const (
	DimStep        = "step"
	DimTenant      = "tenant"
	DimTenantTag   = "tenant_tag"
	DimEnvironment = "environment"
	DimChannel     = "channel"
)

// Dimensions lists the dimensions from the most specific to the least.
var Dimensions = []string{DimStep, DimTenant, DimTenantTag, DimEnvironment, DimChannel}

// Dim returns the names the scope lists in one dimension.
func (s Scope) Dim(dim string) []Ref {
	switch dim {
	case DimStep:
		return s.Steps
	case DimTenant:
		return s.Tenants
	case DimTenantTag:
		return s.TenantTags
	case DimEnvironment:
		return s.Environments
	case DimChannel:
		return s.Channels
	}
	return nil
}

// Specificity ranks a scope: a value scoped on more dimensions beats one
// scoped on fewer, and between scopes on as many dimensions the one holding
// the more specific dimension wins (step > tenant > tenant tag >
// environment > channel). Two scopes have equal specificity exactly when
// they are scoped on the same dimensions.
type Specificity struct {
	Count int // how many dimensions are scoped
	Mask  int // one bit per dimension, the most specific the highest
}

// Less reports whether s is less specific than o.
func (s Specificity) Less(o Specificity) bool {
	if s.Count != o.Count {
		return s.Count < o.Count
	}
	return s.Mask < o.Mask
}

// Specificity returns the scope's rank.
func (s Scope) Specificity() Specificity {
	var sp Specificity
	for i, dim := range Dimensions {
		if len(s.Dim(dim)) > 0 {
			sp.Count++
			sp.Mask |= 1 << (len(Dimensions) - 1 - i)
		}
	}
	return sp
}

// Overlaps reports whether one deployment could match both scopes. Scopes
// on different dimensions never tie (their specificity differs), so this
// is asked of scopes on the same dimensions: they overlap when every scoped
// dimension shares a name, or, for tenant tags, when some tenant could
// match the tags of both — tagsOverlap answers that, given both scopes
// whole, because a tenant dimension narrows which tenants can.
func (s Scope) Overlaps(o Scope, tagsOverlap func(a, b Scope) bool) bool {
	for _, dim := range Dimensions {
		a, b := s.Dim(dim), o.Dim(dim)
		if len(a) == 0 && len(b) == 0 {
			continue
		}
		if dim == DimTenantTag && tagsOverlap != nil {
			if !tagsOverlap(s, o) {
				return false
			}
			continue
		}
		if !shareName(a, b) {
			return false
		}
	}
	return true
}

func shareName(a, b []Ref) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Is(y.Name) {
				return true
			}
		}
	}
	return false
}
