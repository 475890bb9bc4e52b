package main

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time by the Makefile (-X main.version=...); a
// plain `go build` falls back to the module version Go records.
var version = ""

func versionInfo() map[string]string {
	info := map[string]string{"version": version, "go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info["version"] == "" {
			info["version"] = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info["commit"] = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					info["modified"] = "true"
				}
			}
		}
	}
	if info["version"] == "" || info["version"] == "(devel)" {
		info["version"] = "devel"
	}
	return info
}

func newVersionCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print zonectl's version",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := versionInfo()
			if g.out.json() {
				return g.out.printJSON(info)
			}
			g.out.printf("zonectl %s (%s, %s)\n", info["version"], info["go"], info["platform"])
			return nil
		},
	}
}
