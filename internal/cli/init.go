package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

type initOptions struct {
	home, genesisFile, chainName, moniker, rpcAddr, peers string
	chainID                                               uint64
	force                                                 bool
}

func newInitCmd() *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a node home: keys, config.toml and genesis.json",
		Long: `Create a node home directory in CometBFT's layout:

  config/config.toml              CometBFT's settings and the [redmx] table
  config/genesis.json             the given --genesis, or a new single-validator chain
  config/node_key.json            p2p identity
  config/priv_validator_key.json  consensus key
  data/priv_validator_state.json  last signed height (double-sign protection)

Without --genesis the new chain has this node as its only validator (collective
"public") and funds the development keys, as 'redmx devnet' does. An existing
home is never overwritten unless --force is given, which deletes its config/
and data/ directories (keys and chain data) first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd, o) },
	}
	addHomeFlag(cmd, &o.home)
	f := cmd.Flags()
	f.StringVar(&o.genesisFile, "genesis", "", "genesis.json of the network to join (default: create a new single-validator chain)")
	f.Uint64Var(&o.chainID, "chain-id", testnet.DefaultChainID, "EIP-155 chain ID of a new chain")
	f.StringVar(&o.chainName, "chain-name", "redmx-local", "CometBFT chain-id string of a new chain")
	f.StringVar(&o.moniker, "moniker", "", "node name (default: the host name)")
	f.StringVar(&o.rpcAddr, "rpc.addr", config.Default().RPC.Address, "JSON-RPC listen address host:port")
	f.StringVar(&o.peers, "peers", "", "persistent peers to dial, comma-separated node-id@host:port")
	f.BoolVar(&o.force, "force", false, "delete an existing home's config/ and data/ first")
	return cmd
}

func runInit(cmd *cobra.Command, o initOptions) error {
	if o.genesisFile != "" && (cmd.Flags().Changed("chain-id") || cmd.Flags().Changed("chain-name")) {
		return errors.New("--chain-id and --chain-name describe a new chain; they cannot be used with --genesis")
	}
	ccfg := config.CometBFTDefaults()
	if o.moniker != "" {
		ccfg.Moniker = o.moniker
	}
	ccfg.P2P.PersistentPeers = o.peers
	if strings.ContainsAny(ccfg.Moniker+o.peers, "\"\\\n") {
		return errors.New("--moniker and --peers: quotes, backslashes and newlines are not allowed")
	}
	rcfg := config.Default()
	rcfg.RPC.Address = o.rpcAddr
	if err := rcfg.Validate(); err != nil {
		return fmt.Errorf("--rpc.addr: %w", err)
	}
	// Read the genesis to join before touching the home.
	var genesisJSON []byte
	if o.genesisFile != "" {
		if _, _, err := node.LoadGenesis(o.genesisFile); err != nil {
			return err
		}
		var err error
		if genesisJSON, err = os.ReadFile(o.genesisFile); err != nil {
			return err
		}
	}

	if err := prepareHome(o.home, o.force); err != nil {
		return err
	}
	ccfg.SetRoot(o.home)
	nodeKey, pv, err := node.CreateKeys(ccfg)
	if err != nil {
		return err
	}
	if genesisJSON != nil {
		err = os.WriteFile(ccfg.GenesisFile(), genesisJSON, 0o644)
	} else {
		doc, gerr := testnet.NewGenesis(testnet.GenesisParams{ChainName: o.chainName, ChainID: o.chainID},
			[]testnet.Validator{{Name: ccfg.Moniker, Collective: testnet.CollectiveFor(0), PubKey: pv.Key.PubKey, NodeID: string(nodeKey.ID())}})
		if gerr != nil {
			return gerr
		}
		err = doc.SaveAs(ccfg.GenesisFile())
	}
	if err != nil {
		return err
	}
	if err := config.Write(config.Path(o.home), ccfg, rcfg); err != nil {
		return err
	}
	doc, gen, err := node.LoadGenesis(ccfg.GenesisFile())
	if err != nil {
		return err
	}
	role := "not in this genesis: the node observes"
	for _, v := range doc.Validators {
		if v.Address.String() == pv.GetAddress().String() {
			role = "genesis validator"
		}
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Initialized node %q in %s\n", ccfg.Moniker, o.home)
	fmt.Fprintf(out, "  node ID:    %s\n", nodeKey.ID())
	fmt.Fprintf(out, "  validator:  %s (%s)\n", pv.GetAddress(), role)
	fmt.Fprintf(out, "  chain:      %s, EIP-155 chain ID %d (%#x)\n", doc.ChainID, gen.ChainID, gen.ChainID)
	fmt.Fprintf(out, "  JSON-RPC:   http://%s\n", rcfg.RPC.Address)
	fmt.Fprintf(out, "Start it with: redmx start --home %s\n", o.home)
	return nil
}

// prepareHome makes sure home holds no node, deleting config/ and data/ if
// force is set.
func prepareHome(home string, force bool) error {
	existing := existingNodeFiles(home)
	if len(existing) > 0 && !force {
		return fmt.Errorf("%s already holds a node (%s); use --force to delete its keys and data and start over",
			home, strings.Join(existing, ", "))
	}
	if force {
		for _, d := range []string{cmtcfg.DefaultConfigDir, cmtcfg.DefaultDataDir} {
			if err := os.RemoveAll(filepath.Join(home, d)); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(home, 0o700)
}

func existingNodeFiles(home string) []string {
	var found []string
	for _, d := range []string{cmtcfg.DefaultConfigDir, cmtcfg.DefaultDataDir} {
		if entries, err := os.ReadDir(filepath.Join(home, d)); err == nil && len(entries) > 0 {
			found = append(found, d+"/")
		}
	}
	return found
}
