package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/node"
	"github.com/redmx/redmx/packaging"
)

type initOptions struct {
	home, genesisFile, chainName, moniker, rpcAddr, peers string
	p2pAddr, cometRPCAddr                                 string
	service, serviceUser                                  string
	stateSyncFrom                                         string
	chainID                                               uint64
	force, dev, keysOnly                                  bool
}

// errNoChain is init without a chain to run.
var errNoChain = errors.New("redmx init needs the chain this node runs: --genesis FILE to join a network " +
	"(its genesis.json; a new network's founders make one with 'redmx genesis new'), " +
	"or --dev for a single-validator development chain governed by the public development keys")

func newInitCmd() *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a node home: keys, config.toml and genesis.json",
		Long: `Create a node home directory in CometBFT's layout:

  config/config.toml              CometBFT's settings and the [redmx] table
  config/genesis.json             the given --genesis, or a new chain with --dev
  config/node_key.json            p2p identity
  config/priv_validator_key.json  consensus key
  data/priv_validator_state.json  last signed height (double-sign protection)

One of these says which chain the node runs:

  --genesis FILE  join the network of FILE, its genesis.json
  --dev           a new development chain with this node as its only validator
                  (collective "public"), governed and funded by the public
                  development keys as 'redmx devnet' is: anyone can sign with
                  them, so never for a real network
  --keys-only     only the keys, for a network not made yet: prints the
                  validator entry of the founders file ('redmx genesis new');
                  'redmx init --genesis FILE' on this home later keeps them

An existing home is never overwritten unless --force is given, which deletes
its config/ and data/ directories (keys and chain data) first; a home that
holds only the keys of --keys-only is completed by --genesis.

--service FILE also writes a systemd unit that runs this node as
--service-user (default redmx) with this binary, e.g.
/etc/systemd/system/redmx.service (docs/operations.md, "Run as a service").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInit(cmd, o) },
	}
	addHomeFlag(cmd, &o.home)
	f := cmd.Flags()
	f.StringVar(&o.genesisFile, "genesis", "", "genesis.json of the network to join")
	f.BoolVar(&o.dev, "dev", false, "create a new single-validator development chain (public development keys)")
	f.BoolVar(&o.keysOnly, "keys-only", false, "create only the node's keys and print its founders-file entry")
	f.Uint64Var(&o.chainID, "chain-id", devnet.DefaultChainID, "EIP-155 chain ID of a new --dev chain")
	f.StringVar(&o.chainName, "chain-name", "redmx-local", "CometBFT chain-id string of a new --dev chain")
	f.StringVar(&o.moniker, "moniker", "", "node name (default: the host name)")
	f.StringVar(&o.rpcAddr, "rpc.addr", config.Default().RPC.Address, "JSON-RPC listen address host:port")
	f.StringVar(&o.peers, "peers", "", "persistent peers to dial, comma-separated node-id@host:port")
	comet := config.CometBFTDefaults()
	f.StringVar(&o.p2pAddr, "p2p.laddr", strings.TrimPrefix(comet.P2P.ListenAddress, "tcp://"), "CometBFT p2p listen address host:port")
	f.StringVar(&o.cometRPCAddr, "cometbft-rpc.laddr", strings.TrimPrefix(comet.RPC.ListenAddress, "tcp://"), "CometBFT RPC listen address host:port")
	f.BoolVar(&o.force, "force", false, "delete an existing home's config/ and data/ first")
	f.StringVar(&o.service, "service", "", "also write a systemd unit running this node to FILE")
	f.StringVar(&o.serviceUser, "service-user", packaging.DefaultUnit().User, "the user the --service unit runs the node as")
	f.StringVar(&o.stateSyncFrom, "state-sync-from", "", "join by state sync: two or more CometBFT RPC servers of the network, comma-separated http://host:port, asked for a recent height and hash to trust")
	return cmd
}

func runInit(cmd *cobra.Command, o initOptions) error {
	chosen := 0
	for _, set := range []bool{o.genesisFile != "", o.dev, o.keysOnly} {
		if set {
			chosen++
		}
	}
	switch {
	case chosen == 0:
		return errNoChain
	case chosen > 1:
		return errors.New("--genesis, --dev and --keys-only exclude each other: choose one")
	case !o.dev && (cmd.Flags().Changed("chain-id") || cmd.Flags().Changed("chain-name")):
		return errors.New("--chain-id and --chain-name describe a new development chain; they need --dev")
	case o.service != "" && o.keysOnly:
		return errors.New("--service needs a node that can start: use it with --genesis (or --dev)")
	case o.service == "" && cmd.Flags().Changed("service-user"):
		return errors.New("--service-user is the user of the --service unit; it needs --service FILE")
	}
	// Check the unit, and that its file can be written, before touching the
	// home: the unit goes in place by a rename once the home is made.
	var unit []byte
	var unitTmp *os.File
	if o.service != "" {
		var err error
		if unit, err = serviceUnit(o.home, o.serviceUser); err != nil {
			return err
		}
		if unitTmp, err = os.CreateTemp(filepath.Dir(o.service), ".redmx-service-*"); err != nil {
			return fmt.Errorf("--service: %w", err)
		}
		defer os.Remove(unitTmp.Name()) // after the rename, nothing
		defer unitTmp.Close()
	}
	ccfg := config.CometBFTDefaults()
	if o.moniker != "" {
		ccfg.Moniker = o.moniker
	}
	ccfg.P2P.PersistentPeers = o.peers
	if strings.ContainsAny(ccfg.Moniker+o.peers, "\"\\\n") {
		return errors.New("--moniker and --peers: quotes, backslashes and newlines are not allowed")
	}
	// CometBFT's ports are flags so that a second node on one machine needs
	// no edit of config.toml.
	for _, a := range []struct{ flag, addr string }{{"--p2p.laddr", o.p2pAddr}, {"--cometbft-rpc.laddr", o.cometRPCAddr}} {
		if _, port, err := net.SplitHostPort(a.addr); err != nil || port == "" {
			return fmt.Errorf("%s %q: want host:port", a.flag, a.addr)
		}
	}
	ccfg.P2P.ListenAddress = "tcp://" + o.p2pAddr
	ccfg.RPC.ListenAddress = "tcp://" + o.cometRPCAddr
	rcfg := config.Default()
	rcfg.RPC.Address = o.rpcAddr
	if err := rcfg.Validate(); err != nil {
		return fmt.Errorf("--rpc.addr: %w", err)
	}
	var (
		syncServers []string
		trust       node.TrustPoint
	)
	if o.stateSyncFrom != "" {
		if o.genesisFile == "" {
			return errors.New("--state-sync-from joins an existing network: it needs --genesis")
		}
		var err error
		if syncServers, trust, err = stateSyncFrom(cmd.Context(), o.stateSyncFrom); err != nil {
			return err
		}
		node.SetStateSync(ccfg, syncServers, trust)
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

	ccfg.SetRoot(o.home)
	// A home made by --keys-only keeps its keys: the genesis names them.
	keep := genesisJSON != nil && !o.force && onlyKeys(o.home, ccfg.NodeKeyFile(), ccfg.PrivValidatorKeyFile(), ccfg.PrivValidatorStateFile())
	if !keep {
		if err := prepareHome(o.home, o.force); err != nil {
			return err
		}
	}
	load := node.CreateKeys
	if keep {
		load = node.LoadKeys
	}
	nodeKey, pv, err := load(ccfg)
	if err != nil {
		return err
	}
	if o.keysOnly {
		return printKeys(cmd.OutOrStdout(), o.home, ccfg.Moniker, string(nodeKey.ID()), pv.Key.PubKey.Bytes(), pv.Key.PubKey.Type())
	}
	if genesisJSON != nil {
		err = os.WriteFile(ccfg.GenesisFile(), genesisJSON, 0o644)
	} else {
		doc, gerr := devnet.NewGenesis(devnet.GenesisParams{ChainName: o.chainName, ChainID: o.chainID},
			[]devnet.Validator{{Name: ccfg.Moniker, Collective: devnet.CollectiveFor(0), PubKey: pv.Key.PubKey, NodeID: string(nodeKey.ID())}})
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
	if keep {
		fmt.Fprintf(out, "  keys:       kept, from %s\n", filepath.Dir(ccfg.NodeKeyFile()))
	}
	if o.stateSyncFrom != "" {
		printStateSync(out, syncServers, trust, ccfg.StateSync.TrustPeriod)
	}
	if o.dev {
		fmt.Fprintf(out, "This is a development chain: the public development keys govern and fund it, and anyone can sign with them. Never use it for a real network.\n")
	}
	if unit != nil {
		return writeService(out, unitTmp, o.service, unit, o.home, o.serviceUser)
	}
	fmt.Fprintf(out, "Start it with: redmx start --home %s\n", o.home)
	return nil
}

// serviceUnit renders the systemd unit of the node at home, run by this
// binary as user.
func serviceUnit(home, user string) ([]byte, error) {
	bin, err := os.Executable()
	if err == nil {
		bin, err = filepath.EvalSymlinks(bin)
	}
	if err != nil {
		return nil, fmt.Errorf("--service: cannot tell where this redmx binary is: %w", err)
	}
	if home, err = filepath.Abs(home); err != nil {
		return nil, err
	}
	unit, err := packaging.Unit{Binary: bin, Home: home, User: user}.Render()
	if err != nil {
		return nil, fmt.Errorf("--service: %w", err)
	}
	return unit, nil
}

// writeService writes the unit through tmp, a new file beside it, and says
// how to run it.
func writeService(out io.Writer, tmp *os.File, file string, unit []byte, home, user string) error {
	_, err := tmp.Write(unit)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("--service: %w", err)
	}
	name := filepath.Base(file)
	fmt.Fprintf(out, "Wrote the systemd unit %s: the node runs as user %s.\n", file, user)
	fmt.Fprintf(out, "The home must belong to that user: chown -R %s: %s\n", user, home)
	fmt.Fprintf(out, "Then: systemctl daemon-reload && systemctl enable --now %s; logs: journalctl -u %s\n", name, name)
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
		for _, d := range node.HomeDirs() {
			if err := os.RemoveAll(filepath.Join(home, d)); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(home, 0o700)
}

// onlyKeys reports whether the home of ccfg holds the keys of a node and
// nothing else, as --keys-only leaves it.
func onlyKeys(home string, keyFiles ...string) bool {
	want := make(map[string]bool, len(keyFiles))
	for _, f := range keyFiles {
		want[f] = true
	}
	found := 0
	for _, d := range node.HomeDirs() {
		entries, err := os.ReadDir(filepath.Join(home, d))
		if err != nil {
			return false
		}
		for _, e := range entries {
			if !want[filepath.Join(home, d, e.Name())] {
				return false
			}
			found++
		}
	}
	return found == len(want)
}

// printKeys prints the identity of a node made by --keys-only, with its
// entry of the founders file.
func printKeys(out io.Writer, home, moniker, nodeID string, pubKey []byte, keyType string) error {
	entry, err := json.Marshal(genesis.FoundingValidator{Name: moniker, NodeID: nodeID, PubKey: pubKey})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created the keys of node %q in %s\n", moniker, home)
	fmt.Fprintf(out, "  node ID:        %s\n", nodeID)
	fmt.Fprintf(out, "  consensus key:  %s (%s)\n", base64.StdEncoding.EncodeToString(pubKey), keyType)
	fmt.Fprintf(out, "Its validator entry for the founders file ('redmx genesis new'):\n  %s\n", entry)
	fmt.Fprintf(out, "Once the network's genesis.json exists: redmx init --home %s --genesis genesis.json\n", home)
	return nil
}

func existingNodeFiles(home string) []string {
	var found []string
	for _, d := range node.HomeDirs() {
		if entries, err := os.ReadDir(filepath.Join(home, d)); err == nil && len(entries) > 0 {
			found = append(found, d+"/")
		}
	}
	return found
}
