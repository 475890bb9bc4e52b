package space

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The example init --example writes is a valid, formatted Space.
func TestWriteExampleIsValid(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(t.Context(), InitOptions{Name: "devtest", Dir: dir, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	written, err := WriteExample(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 {
		t.Fatalf("wrote %q", written)
	}
	sp, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := sp.Load()
	if diags.HasErrors() {
		t.Fatalf("the example does not validate: %s", diags.Error())
	}
	if cfg.Project("hello") == nil || cfg.Lifecycle("Default") == nil || len(cfg.Environments) != 2 {
		t.Errorf("the example declares %d environments, project %v", len(cfg.Environments), cfg.Project("hello"))
	}
	if _, err := WriteExample(dir); err == nil {
		t.Error("the example overwrote its own files")
	}
	if _, err := os.Stat(filepath.Join(dir, "projects", "hello", "project.hcl")); err != nil {
		t.Error(err)
	}
}
