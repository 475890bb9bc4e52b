package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/space"
)

func newKeysCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage the Space's OpenPGP key pair",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newKeysGenerateCommand(g), newKeysExportCommand(g))
	return cmd
}

func newKeysGenerateCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "generate",
		Short: "Make the key pair of a Space that has none",
		Long: `Make the OpenPGP key pair of a Space that has no public key yet (zonectl init
makes one for every Space it creates). The public key is written to
keys/NAME.asc for you to commit; the private key outside the repository, to
$ZONECTL_KEY or under the user's configuration directory, protected by the
passphrase in $ZONECTL_PASSPHRASE_FILE when that is set.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			res, err := s.GenerateKey(time.Now())
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]string{
					"fingerprint":      res.Fingerprint,
					"public_key_file":  res.PublicKeyFile,
					"private_key_path": res.PrivateKeyPath,
				})
			}
			g.out.printf("Generated key %s\n", res.Fingerprint)
			g.out.printf("  public key   %s (commit it)\n", filepath.FromSlash(res.PublicKeyFile))
			g.out.printf("  private key  %s\n", res.PrivateKeyPath)
			return nil
		},
	}
}

func newKeysExportCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "export [SPACE]",
		Short: "Print the Space's armored public key, or a peer's",
		Long: `Print the armored OpenPGP public key of this Space, for a peer to trust with
zonectl peer add; or, given the name of a peer, the key this Space holds for
it.`,
		Args:              args(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeSpaces(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			s, err := g.openSpace()
			if err != nil {
				return err
			}
			own, err := s.Name()
			if err != nil {
				return err
			}
			name := own
			if len(a) == 1 {
				name = a[0]
			}
			entity, data, err := exportKey(s, own, name)
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]string{"space": name, "fingerprint": keys.Fingerprint(entity), "public_key": string(data)})
			}
			_, err = g.out.stdout.Write(data)
			return err
		},
	}
}

// exportKey reads the public key the Space holds for name: its own, or a
// peer's from the peer block.
func exportKey(s *space.Space, own, name string) (*openpgp.Entity, []byte, error) {
	if name == own {
		return s.PublicKey()
	}
	cfg, _ := s.Load()
	p := cfg.Peer(name)
	if p == nil {
		return nil, nil, withHint(fmt.Errorf("%q is neither this Space (%q) nor one of its peers", name, own), "list the peers with: grep -n '^peer' *.hcl")
	}
	list, err := keys.ReadPublic(fmt.Sprintf("public_key of peer %q", p.Name), []byte(p.PublicKey))
	if err != nil {
		return nil, nil, err
	}
	data, err := keys.ArmorPublic(list[0])
	if err != nil {
		return nil, nil, err
	}
	return list[0], data, nil
}

// completeSpaces completes the names of this Space and its peers.
func completeSpaces(g *globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, a []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(a) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s, err := g.openSpace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, _ := s.Load()
		var names []string
		if cfg.Space != nil {
			names = append(names, cfg.Space.Name+"\tthis Space")
		}
		for _, p := range cfg.Peers {
			names = append(names, p.Name+"\tpeer")
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
