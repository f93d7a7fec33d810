package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/devkeys"
)

const (
	defaultDevnetDir = ".redmx-devnet"
	// devnetReadyTimeout bounds the wait for every node's RPC and block 1.
	devnetReadyTimeout = 90 * time.Second
	// devnetStopTimeout is how long nodes get after SIGTERM before SIGKILL.
	devnetStopTimeout = 20 * time.Second
)

type devnetOptions struct {
	validators       int
	dir              string
	reset, asJSON    bool
	rpcPort, p2pPort int
	params           []string // NAME=VALUE governance parameters at genesis
	noGovernance     bool
}

func newDevnetCmd() *cobra.Command {
	var o devnetOptions
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a local network of validators, each its own process",
		Long: `Run a development network on this machine: --validators validators, each a
'redmx start' process of its own, on 127.0.0.1. The first run lays the network
out in --dir; later runs resume the same chain with the same keys, and
--reset wipes it and starts a new one. Once every node serves JSON-RPC and has
a block, the nodes, the chain IDs and the funded development keys are printed
(--json: one JSON object on stdout). Nodes that die are reported and the
others go on. Ctrl-C stops every node.

Ports: node i serves JSON-RPC (HTTP and WebSocket) on --rpc-port + i, CometBFT
p2p on --p2p-port + 2i and CometBFT RPC on --p2p-port + 2i + 1. Each node logs
to <home>/node.log.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDevnet(cmd, o) },
	}
	f := cmd.Flags()
	f.IntVar(&o.validators, "validators", devnet.DefaultValidators, "number of validators (when creating the network)")
	f.StringVar(&o.dir, "dir", defaultDevnetDir, "directory of the network")
	f.BoolVar(&o.reset, "reset", false, "delete the network in --dir and create a new one")
	f.IntVar(&o.rpcPort, "rpc-port", devnet.DefaultRPCPort, "JSON-RPC port of the first node")
	f.IntVar(&o.p2pPort, "p2p-port", devnet.DefaultP2PPort, "CometBFT p2p port of the first node")
	f.BoolVar(&o.asJSON, "json", false, "print the network as one JSON object on stdout once ready")
	f.BoolVar(&o.noGovernance, "no-governance", false, "create the chain without its founding governance: every account may transact and deploy, with no capital (when creating the network; to compare with a governed one)")
	f.StringArrayVar(&o.params, "param", nil, "governance parameter at genesis, `NAME=VALUE` in seconds or units (repeatable; when creating the network), e.g. --param leaderTerm=300")
	return cmd
}

func runDevnet(cmd *cobra.Command, o devnetOptions) error {
	ctx := cmd.Context()
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)).With("module", "devnet")
	if o.validators < 1 || o.validators > 64 {
		return fmt.Errorf("--validators must be between 1 and 64, got %d", o.validators)
	}
	for _, p := range []struct {
		flag string
		port int
		n    int
	}{{"--rpc-port", o.rpcPort, o.validators}, {"--p2p-port", o.p2pPort, 2 * o.validators}} {
		if p.port < 1 || p.port+p.n > 65536 {
			return fmt.Errorf("%s %d: ports %d..%d must be within 1..65535", p.flag, p.port, p.port, p.port+p.n-1)
		}
	}
	binary, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the redmx binary: %w", err)
	}

	net, resumed, err := openDevnet(cmd, o)
	if err != nil {
		return err
	}
	logger.Info("devnet", "dir", net.Dir, "validators", len(net.Nodes), "resumed", resumed)
	if err := net.CheckPorts(); err != nil {
		var pe *devnet.PortInUseError
		if errors.As(err, &pe) {
			flag := "--p2p-port"
			if pe.What == "rpc" {
				flag = "--rpc-port"
			}
			return fmt.Errorf("%s %s port %s is not available (%v); choose other ports with %s",
				pe.Node, pe.What, pe.Addr, pe.Err, flag)
		}
		return err
	}

	procs, err := devnet.StartProcesses(net, binary, logger, nil)
	if err != nil {
		return err
	}
	defer procs.Stop(devnetStopTimeout)

	rctx, cancel := context.WithTimeout(ctx, devnetReadyTimeout)
	err = procs.WaitReady(rctx)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted while starting
		}
		return err
	}
	summary := newDevnetSummary(net, procs.List(), resumed)
	if o.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		if err := enc.Encode(summary); err != nil {
			return err
		}
	} else {
		summary.print(cmd.OutOrStdout())
	}
	logger.Info("devnet running; press Ctrl-C to stop")
	<-ctx.Done()
	logger.Info("stopping devnet")
	return nil
}

// openDevnet loads the network in o.dir, or creates it.
func openDevnet(cmd *cobra.Command, o devnetOptions) (*devnet.Network, bool, error) {
	layout := filepath.Join(o.dir, devnet.LayoutFile)
	_, statErr := os.Stat(layout)
	exists := statErr == nil
	if o.reset && exists {
		if err := os.RemoveAll(o.dir); err != nil {
			return nil, false, err
		}
		exists = false
	}
	ports := devnet.Ports{RPC: o.rpcPort, P2P: o.p2pPort}
	params, err := parseGovParams(o.params)
	if err != nil {
		return nil, false, err
	}
	if o.noGovernance && len(params) > 0 {
		return nil, false, errors.New("--param sets governance parameters and --no-governance leaves governance out: use one of them")
	}
	if !exists {
		if entries, err := os.ReadDir(o.dir); err == nil && len(entries) > 0 {
			return nil, false, fmt.Errorf("%s is not empty and holds no devnet (%s is missing); choose another --dir", o.dir, devnet.LayoutFile)
		}
		net, err := devnet.Generate(o.dir, devnet.Config{Validators: o.validators, Ports: ports, GovParams: params, NoGovernance: o.noGovernance})
		return net, false, err
	}
	if len(params) > 0 {
		return nil, false, fmt.Errorf("governance parameters are set at genesis and the devnet in %s exists: add --reset to create a new one with --param, or change them in plenary (moveParameter)", o.dir)
	}
	net, err := devnet.Load(o.dir)
	if err != nil {
		return nil, false, err
	}
	if o.noGovernance && net.Governance {
		return nil, false, fmt.Errorf("the devnet in %s was created with its governance: add --reset to create a new one with --no-governance", o.dir)
	}
	if cmd.Flags().Changed("validators") && o.validators != len(net.Nodes) {
		return nil, false, fmt.Errorf("the devnet in %s has %d validators; add --reset to create a new one with %d",
			o.dir, len(net.Nodes), o.validators)
	}
	if ports != net.Ports && (cmd.Flags().Changed("rpc-port") || cmd.Flags().Changed("p2p-port")) {
		if err := net.SetPorts(ports, nil); err != nil {
			return nil, false, err
		}
	}
	return net, true, nil
}

// devnetSummary is what devnet prints once ready (and, as JSON, with --json).
type devnetSummary struct {
	Dir        string          `json:"dir"`
	Resumed    bool            `json:"resumed"`
	ChainID    uint64          `json:"chainId"`
	ChainIDHex string          `json:"chainIdHex"`
	ChainName  string          `json:"cometbftChainId"`
	Coin       genesis.Coin    `json:"coin"`
	Nodes      []devnetNode    `json:"nodes"`
	Accounts   []devnetAccount `json:"accounts"`
	// Governance: the founding governance's role keys and example project
	// (absent on a network without governance).
	Roles   []devnetRole   `json:"roles,omitempty"`
	Project *devnetProject `json:"project,omitempty"`
}

// devnetRole is a role key of the founding governance (example data).
type devnetRole struct {
	Role       string `json:"role"`
	Collective string `json:"collective"`
	Label      string `json:"label"`
	Record     uint64 `json:"record"`
	Address    string `json:"address"`
	PrivateKey string `json:"privateKey"`
}

// devnetProject is the approved example project; its accounts are the
// development accounts.
type devnetProject struct {
	Name          string   `json:"name"`
	Label         string   `json:"label"`
	Collective    string   `json:"collective"`
	Record        uint64   `json:"record"`
	RepositoryURI string   `json:"repositoryURI"`
	GasPerEpoch   uint64   `json:"gasPerEpoch"`
	Accounts      []string `json:"accounts"`
}

type devnetNode struct {
	Name       string `json:"name"`
	Collective string `json:"collective"`
	RPC        string `json:"rpc"`
	WS         string `json:"ws"`
	Dashboard  string `json:"dashboard"`
	Home       string `json:"home"`
	Log        string `json:"log"`
	PID        int    `json:"pid"`
	NodeID     string `json:"nodeId"`
	P2P        string `json:"p2p"`
	CometRPC   string `json:"cometbftRpc"`
}

type devnetAccount struct {
	Address    string `json:"address"`
	PrivateKey string `json:"privateKey"`
}

func newDevnetSummary(net *devnet.Network, list []*devnet.Process, resumed bool) devnetSummary {
	s := devnetSummary{
		Dir:        net.Dir,
		Resumed:    resumed,
		ChainID:    net.ChainID,
		ChainIDHex: fmt.Sprintf("%#x", net.ChainID),
		ChainName:  net.ChainName,
		Coin:       net.Coin,
	}
	for i, info := range net.Nodes {
		s.Nodes = append(s.Nodes, devnetNode{
			Name:       info.Name,
			Collective: info.Collective,
			RPC:        "http://" + info.RPC,
			WS:         "ws://" + info.RPC,
			Dashboard:  "http://" + info.RPC + "/dashboard/",
			Home:       net.Home(i),
			Log:        list[i].LogPath,
			PID:        list[i].PID,
			NodeID:     info.NodeID,
			P2P:        info.P2P,
			CometRPC:   info.CometRPC,
		})
	}
	for _, k := range devkeys.Keys(net.DevKeys) {
		s.Accounts = append(s.Accounts, devnetAccount{
			Address:    crypto.PubkeyToAddress(k.PublicKey).Hex(),
			PrivateKey: "0x" + hex.EncodeToString(crypto.FromECDSA(k)),
		})
	}
	if net.Governance {
		for _, r := range devnet.Roles() {
			s.Roles = append(s.Roles, devnetRole{
				Role:       r.Role,
				Collective: r.Collective,
				Label:      r.Label,
				Record:     r.Record,
				Address:    r.Address().Hex(),
				PrivateKey: "0x" + hex.EncodeToString(crypto.FromECDSA(r.Key)),
			})
		}
		p := &devnetProject{
			Name:          devnet.ExampleProject,
			Label:         devnet.ExampleProject + devnet.ExampleData,
			Collective:    "public",
			Record:        devnet.ExampleProjectRecord(),
			RepositoryURI: devnet.ExampleProjectRepository,
			GasPerEpoch:   devnet.ProjectGasPerEpoch,
		}
		for _, a := range s.Accounts {
			p.Accounts = append(p.Accounts, a.Address)
		}
		s.Project = p
	}
	return s
}

func (s devnetSummary) print(w io.Writer) {
	state := "new network"
	if s.Resumed {
		state = "resumed"
	}
	fmt.Fprintf(w, "\nredmx devnet: %d validators in %s (%s)\n\n", len(s.Nodes), s.Dir, state)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tCOLLECTIVE\tRPC (HTTP)\tWEBSOCKET\tPID\tHOME")
	for _, n := range s.Nodes {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\n", n.Name, n.Collective, n.RPC, n.WS, n.PID, n.Home)
	}
	tw.Flush()
	if len(s.Nodes) > 0 {
		fmt.Fprintf(w, "\nDashboard:          %s (every node serves its own under /dashboard/)\n", s.Nodes[0].Dashboard)
	}
	fmt.Fprintf(w, "\nEIP-155 chain ID:   %d (%s)\n", s.ChainID, s.ChainIDHex)
	fmt.Fprintf(w, "CometBFT chain-id:  %s\n", s.ChainName)
	fmt.Fprintf(w, "Coin:               %s (%s), %d decimals\n", s.Coin.Name, s.Coin.Symbol, s.Coin.Decimals)
	fmt.Fprintf(w, "\nDevelopment accounts, 1,000,000 %s each (public test keys: never use them on a real network):\n", s.Coin.Symbol)
	for i, a := range s.Accounts {
		fmt.Fprintf(w, "  (%2d) %s  %s\n", i, a.Address, a.PrivateKey)
	}
	if len(s.Roles) > 0 {
		s.printGovernance(w)
	}
	fmt.Fprintf(w, "\nEach node logs to <home>/node.log. Press Ctrl-C to stop every node.\n")
}

func (s devnetSummary) printGovernance(w io.Writer) {
	fmt.Fprintf(w, "\nGovernance (example data): role keys, 1,000 %s each (public test keys):\n", s.Coin.Symbol)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tCOLLECTIVE\tRECORD\tLABEL\tADDRESS\tPRIVATE KEY")
	for _, r := range s.Roles {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\t%s\n", r.Role, r.Collective, r.Record, r.Label, r.Address, r.PrivateKey)
	}
	tw.Flush()
	if p := s.Project; p != nil {
		fmt.Fprintf(w, "\nApproved project %d %q (collective %s, %d gas per epoch): its accounts are the development accounts above, so they may deploy contracts.\n",
			p.Record, p.Label, p.Collective, p.GasPerEpoch)
	}
}

// parseGovParams reads --param NAME=VALUE flags; governance checks the
// values against their ranges when the genesis is made.
func parseGovParams(flags []string) (map[string]uint64, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	var names []string
	for _, p := range governance.DefaultParams {
		names = append(names, p.Name)
	}
	out := make(map[string]uint64, len(flags))
	for _, f := range flags {
		name, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("--param %q: want NAME=VALUE, e.g. --param leaderTerm=300", f)
		}
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("--param %s: no such governance parameter; the parameters are %s", name, strings.Join(names, ", "))
		}
		v, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--param %s=%s: the value must be a whole number", name, val)
		}
		out[name] = v
	}
	return out, nil
}
