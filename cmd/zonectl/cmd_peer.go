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
	cmd.AddCommand(newPeerAddCommand(g), newPeerUpdateCommand(g), newPeerRemoveCommand(g))
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

func newPeerUpdateCommand(g *globals) *cobra.Command {
	var opts peerAddOptions
	cmd := &cobra.Command{
		Use:   "update NAME [--key FILE] [--url URL] [--accepts releases,receipts] [--commit]",
		Short: "Change a peer's key, URL, or what this Space accepts from it",
		Long: `Change the peer NAME: a new public key (when the peer replaced its key;
this Space then trusts the new key, not the old), its URL, or what this
Space accepts from it. What is not given stays as it is. The peer block is
written anew and keys/NAME.asc replaced, left in the work tree to review and
commit, or with --commit committed at once. The old and new key
fingerprints are printed: changing a peer's key is a change of trust.`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completePeers(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			o := space.UpdatePeerOptions{Name: a[0], URL: opts.url, Accepts: opts.accepts}
			if opts.key != "" {
				key, err := g.resolve(opts.key)
				if err != nil {
					return err
				}
				o.KeyFile = key
			}
			if o.KeyFile == "" && o.URL == "" && o.Accepts == nil {
				return usagef(fmt.Errorf("nothing to change: give --key, --url or --accepts"))
			}
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			ch, err := s.UpdatePeer(o)
			if err != nil {
				return err
			}
			return g.reportPeerChange(s, ch, opts.commit, fmt.Sprintf("Update peer %s", ch.Name), []string{ch.ConfigFile, ch.KeyFile})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.key, "key", "", "the peer's new armored public key `FILE`")
	f.StringVar(&opts.url, "url", "", "the peer's Git `URL`")
	f.StringSliceVar(&opts.accepts, "accepts", nil, "what this Space takes from the peer: releases, receipts or both")
	f.BoolVar(&opts.commit, "commit", false, "commit the change at once, signed by the Space")
	return cmd
}

func newPeerRemoveCommand(g *globals) *cobra.Command {
	var commit bool
	cmd := &cobra.Command{
		Use:   "remove NAME [--commit]",
		Short: "Stop trusting a peer: remove its block and its key",
		Long: `Stop trusting the peer NAME: its peer block leaves the file that declares
it and keys/NAME.asc is removed, left in the work tree to review and commit,
or with --commit committed at once. What was received from it before stays
in the history; audit reports its inbox as from a Space no longer trusted.`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completePeers(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			ch, err := s.RemovePeer(a[0])
			if err != nil {
				return err
			}
			return g.reportPeerChange(s, ch, commit, fmt.Sprintf("Stop trusting peer %s", ch.Name), []string{ch.ConfigFile, ch.KeyFile})
		},
	}
	cmd.Flags().BoolVar(&commit, "commit", false, "commit the change at once, signed by the Space")
	return cmd
}

// reportPeerChange commits a peer change when asked, and says what
// changed, the fingerprints first.
func (g *globals) reportPeerChange(s *space.Space, ch *space.PeerChange, commit bool, message string, paths []string) error {
	committed := ""
	if commit {
		var err error
		if committed, err = g.commitEdit(s, paths, message); err != nil {
			return err
		}
	}
	if g.out.json() {
		return g.out.printJSON(map[string]any{
			"peer": ch.Name, "old_fingerprint": ch.OldFingerprint, "fingerprint": ch.Fingerprint, "key_file": ch.KeyFile,
			"config_file": ch.ConfigFile, "accepts": ch.Accepts, "url": ch.URL, "commit": committed,
		})
	}
	switch {
	case ch.Fingerprint == "":
		g.out.printf("Removed peer %q (key %s) from %s and deleted %s.\n", ch.Name, ch.OldFingerprint, ch.ConfigFile, ch.KeyFile)
	case ch.Fingerprint != ch.OldFingerprint:
		g.out.printf("Updated peer %q in %s: its key is now %s (was %s), at %s.\n", ch.Name, ch.ConfigFile, ch.Fingerprint, ch.OldFingerprint, ch.KeyFile)
	default:
		g.out.printf("Updated peer %q in %s (key %s unchanged).\n", ch.Name, ch.ConfigFile, ch.Fingerprint)
	}
	g.printEditCommitted(committed, fmt.Sprintf("git add -A %s && git commit", strings.Join(paths, " ")))
	return nil
}
