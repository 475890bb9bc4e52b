package inbox

import (
	"strings"
	"testing"

	"github.com/zonectl/zonectl/hcl/config"
)

// accept needs --lifecycle only when there is a choice to make.
func TestChooseLifecycle(t *testing.T) {
	one := &config.Space{Lifecycles: []*config.Lifecycle{{Name: "Prod"}}}
	if got, err := chooseLifecycle(one, "web", "", nil); err != nil || got != "Prod" {
		t.Errorf("one lifecycle: %q, %v; want Prod", got, err)
	}
	two := &config.Space{Lifecycles: []*config.Lifecycle{{Name: "Prod"}, {Name: "Hotfix"}}}
	if _, err := chooseLifecycle(two, "web", "", nil); err == nil || !strings.Contains(err.Error(), `choose the lifecycle web follows here with --lifecycle (this Space's lifecycles: "Prod", "Hotfix")`) {
		t.Errorf("two lifecycles: %v", err)
	}
	if got, err := chooseLifecycle(two, "web", "hotfix", nil); err != nil || got != "Hotfix" {
		t.Errorf("asked for hotfix: %q, %v", got, err)
	}
	if _, err := chooseLifecycle(one, "web", "Nope", nil); err == nil || !strings.Contains(err.Error(), `lifecycle "Nope" does not exist`) {
		t.Errorf("asked for a missing one: %v", err)
	}
	if _, err := chooseLifecycle(&config.Space{}, "web", "", nil); err == nil || !strings.Contains(err.Error(), "this Space declares no lifecycle for web to follow here") {
		t.Errorf("no lifecycles: %v", err)
	}
}
