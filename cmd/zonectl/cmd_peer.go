package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/space"
)

type peerAddOptions struct {
	key     string
	url     string
	accepts []string
	commit  bool
}

func newPeerCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "peer",
		Short: "Manage the Spaces this Space trusts",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newPeerAddCommand(g))
	return cmd
}

func newPeerAddCommand(g *globals) *cobra.Command {
	var opts peerAddOptions
	cmd := &cobra.Command{
		Use:   "add NAME --key FILE [--url URL] --accepts releases,receipts",
		Short: "Trust another Space: copy its key and add a peer block",
		Long: `Trust the Space NAME: copy its public key (as its zonectl keys export prints
it) to keys/NAME.asc and add a peer block beside the space block, keeping the
file's comments and layout. --accepts says what this Space takes from the
peer: releases (this Space is its target), receipts (this Space promotes to
it), or both. The change is left in the work tree to review and commit, or
with --commit committed at once (signed by the Space, and pushed to the
Space's remote if it has one): commands that read main do not see it before.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			key, err := g.resolve(opts.key)
			if err != nil {
				return err
			}
			o := space.AddPeerOptions{Name: a[0], KeyFile: key, URL: opts.url, Accepts: opts.accepts}
			if err := o.Validate(); err != nil {
				return usagef(err)
			}
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			res, err := s.AddPeer(o)
			if err != nil {
				return err
			}
			committed := ""
			if opts.commit {
				if committed, err = g.commitEdit(s, []string{res.ConfigFile, res.KeyFile}, fmt.Sprintf("Trust peer %s (%s)", a[0], strings.Join(opts.accepts, ", "))); err != nil {
					return err
				}
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{
					"peer": a[0], "fingerprint": res.Fingerprint, "key_file": res.KeyFile,
					"config_file": res.ConfigFile, "accepts": opts.accepts, "url": opts.url, "commit": committed,
				})
			}
			g.out.printf("Added peer %q (%s) to %s; its key is at %s.\n", a[0], res.Fingerprint, res.ConfigFile, res.KeyFile)
			g.printEditCommitted(committed, fmt.Sprintf("git add %s %s && git commit", res.ConfigFile, res.KeyFile))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.key, "key", "", "the peer's armored public key `FILE`")
	f.StringVar(&opts.url, "url", "", "the peer's Git `URL`, for connected mode (file://, ssh://, https://)")
	f.StringSliceVar(&opts.accepts, "accepts", nil, "what this Space takes from the peer: releases, receipts or both")
	f.BoolVar(&opts.commit, "commit", false, "commit the change at once, signed by the Space")
	_ = cmd.MarkFlagRequired("key")
	_ = cmd.MarkFlagRequired("accepts")
	_ = cmd.RegisterFlagCompletionFunc("accepts", cobra.FixedCompletions([]string{"releases", "receipts", "releases,receipts"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
