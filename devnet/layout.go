package devnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/sysmem"
	"github.com/redmx/redmx/node"
)

// MaxNodeMemoryMB bounds each devnet node's share of the host. A
// development chain's state is small; caches sized from a share of a large
// host would only fill with time, and four of them could take the host.
const MaxNodeMemoryMB = 1024

// NodeMemoryMB is the memory, in MiB, each of n devnet nodes on a host of
// host bytes sizes its caches, pool and Go heap limit from: an equal share,
// MaxNodeMemoryMB at most.
func NodeMemoryMB(host uint64, n int) uint64 {
	return min(host>>20/uint64(max(n, 1)), MaxNodeMemoryMB)
}

// LayoutFile is the file in a network's directory that describes it.
const LayoutFile = "network.json"

// Default base ports of a development network. Node i listens on RPC+i for
// JSON-RPC (HTTP and WebSocket), P2P+2i for CometBFT's p2p and P2P+2i+1 for
// CometBFT's RPC, all on 127.0.0.1.
const (
	DefaultRPCPort = 8545
	DefaultP2PPort = 26656
)

// Ports are the base ports of a network. A zero base picks free loopback
// ports instead (for tests).
type Ports struct {
	RPC int `json:"rpc"`
	P2P int `json:"p2p"`
}

// Config describes a network to generate.
type Config struct {
	Validators int    // default DefaultValidators
	ChainID    uint64 // EIP-155; default DefaultChainID
	ChainName  string // CometBFT chain-id; default DefaultChainName
	DevKeys    int    // funded development keys; default DefaultDevKeys
	Ports      Ports
	// TimeoutCommit is CometBFT's pause between blocks, so about the block
	// time; default config.TimeoutCommit. Tests may shorten it.
	TimeoutCommit time.Duration
	// LogLevel of every node's [redmx.log]; default "info".
	LogLevel string
	// NoGovernance starts the chain without founding governance: every
	// account may transact and deploy.
	NoGovernance bool
	// GovParams override governance parameters (see [GenesisParams]).
	GovParams map[string]uint64
}

func (c Config) withDefaults() Config {
	if c.Validators <= 0 {
		c.Validators = DefaultValidators
	}
	if c.ChainID == 0 {
		c.ChainID = DefaultChainID
	}
	if c.ChainName == "" {
		c.ChainName = DefaultChainName
	}
	if c.DevKeys <= 0 {
		c.DevKeys = DefaultDevKeys
	}
	if c.TimeoutCommit <= 0 {
		c.TimeoutCommit = config.TimeoutCommit
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	return c
}

// Network is a generated network: what network.json holds.
type Network struct {
	// Dir is the network's directory (not stored in network.json).
	Dir       string       `json:"-"`
	ChainID   uint64       `json:"chainId"`
	ChainName string       `json:"chainName"`
	Coin      genesis.Coin `json:"coin"`
	DevKeys   int          `json:"devKeys"`
	// Governance: the genesis holds the founding governance (see [Roles]).
	Governance bool        `json:"governance,omitempty"`
	Ports      Ports       `json:"ports"`
	Nodes      []*NodeInfo `json:"nodes"`
}

// NodeInfo describes one validator of a network.
type NodeInfo struct {
	Name       string `json:"name"`
	Collective string `json:"collective"`
	// HomeDir is relative to the network's directory; see [Network.Home].
	HomeDir  string `json:"home"`
	NodeID   string `json:"nodeId"`
	RPC      string `json:"rpc"`      // host:port of the Ethereum JSON-RPC
	P2P      string `json:"p2p"`      // host:port of CometBFT's p2p
	CometRPC string `json:"cometRpc"` // host:port of CometBFT's RPC
}

// Home is the absolute home directory of node i.
func (n *Network) Home(i int) string { return filepath.Join(n.Dir, n.Nodes[i].HomeDir) }

// ErrExists is returned by [Generate] for a directory that is not empty.
var ErrExists = errors.New("directory is not empty")

// Generate lays out a new network in dir, which must be empty or absent:
// per validator a home with node and validator keys and config.toml, one
// genesis.json shared by all, and network.json.
func Generate(dir string, cfg Config) (_ *Network, err error) {
	cfg = cfg.withDefaults()
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrExists, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir) // it was empty: leave nothing half made
		}
	}()
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	net := &Network{
		Dir:        dir,
		ChainID:    cfg.ChainID,
		ChainName:  cfg.ChainName,
		Coin:       DevCoin,
		DevKeys:    cfg.DevKeys,
		Ports:      cfg.Ports,
		Governance: !cfg.NoGovernance,
	}
	vals := make([]Validator, cfg.Validators)
	for i := range cfg.Validators {
		info := &NodeInfo{
			Name:       fmt.Sprintf("node%d", i),
			Collective: CollectiveFor(i),
			HomeDir:    fmt.Sprintf("node%d", i),
		}
		ccfg := config.CometBFTDefaults()
		ccfg.SetRoot(filepath.Join(dir, info.HomeDir))
		nodeKey, pv, err := node.CreateKeys(ccfg)
		if err != nil {
			return nil, err
		}
		info.NodeID = string(nodeKey.ID())
		vals[i] = Validator{Name: info.Name, Collective: info.Collective, PubKey: pv.Key.PubKey, NodeID: info.NodeID}
		net.Nodes = append(net.Nodes, info)
	}
	doc, err := NewGenesis(GenesisParams{ChainName: cfg.ChainName, ChainID: cfg.ChainID, DevKeys: cfg.DevKeys, NoGovernance: cfg.NoGovernance, GovParams: cfg.GovParams}, vals)
	if err != nil {
		return nil, err
	}
	for i := range net.Nodes {
		ccfg := config.CometBFTDefaults()
		ccfg.SetRoot(net.Home(i))
		if err := doc.SaveAs(ccfg.GenesisFile()); err != nil {
			return nil, err
		}
	}
	if err := net.SetPorts(cfg.Ports, func(c *cmtcfg.Config, r *config.Config) {
		c.Consensus.TimeoutCommit = cfg.TimeoutCommit
		r.Log.Level = cfg.LogLevel
	}); err != nil {
		return nil, err
	}
	return net, nil
}

// Load reads the network laid out in dir by [Generate].
func Load(dir string) (*Network, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, LayoutFile))
	if err != nil {
		return nil, err
	}
	var net Network
	if err := json.Unmarshal(data, &net); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, LayoutFile), err)
	}
	if len(net.Nodes) == 0 {
		return nil, fmt.Errorf("%s: no nodes", filepath.Join(dir, LayoutFile))
	}
	net.Dir = dir
	return &net, nil
}

// SetPorts assigns the ports p (see [Ports]) to every node, wires every node
// to all the others as persistent peers, and writes each config.toml and
// network.json. Keys, genesis and chain data are untouched, so a network
// can resume on other ports. edit, if not nil, changes each node's config
// before it is written.
func (n *Network) SetPorts(p Ports, edit func(*cmtcfg.Config, *config.Config)) error {
	free, err := FreePorts(3 * len(n.Nodes))
	if err != nil {
		return err
	}
	for i, info := range n.Nodes {
		if p.RPC == 0 {
			info.RPC = free[3*i]
		} else {
			info.RPC = loopback(p.RPC + i)
		}
		if p.P2P == 0 {
			info.P2P, info.CometRPC = free[3*i+1], free[3*i+2]
		} else {
			info.P2P, info.CometRPC = loopback(p.P2P+2*i), loopback(p.P2P+2*i+1)
		}
	}
	n.Ports = p
	for i, info := range n.Nodes {
		home := n.Home(i)
		var ccfg *cmtcfg.Config
		var rcfg config.Config
		if f, err := config.LoadFile(home); err == nil {
			ccfg, rcfg = f.CometBFT, f.Redmx
		} else if errors.Is(err, os.ErrNotExist) {
			ccfg, rcfg = config.CometBFTDefaults(), config.Default()
			ccfg.SetRoot(home)
			// As geth --dev, anvil and Hardhat: the funded keys are unlocked.
			rcfg.RPC.DevAccounts = n.DevKeys
			rcfg.RPC.Debug = true // traces, as on geth --dev
			// The nodes share one host: each sizes its caches from its share.
			if host, ok := sysmem.Total(); ok {
				rcfg.Memory.TotalMB = NodeMemoryMB(host, len(n.Nodes))
			}
		} else {
			return err
		}
		info.Wire(ccfg, n.Peers(i))
		rcfg.RPC.Address = info.RPC
		if edit != nil {
			edit(ccfg, &rcfg)
		}
		// Addresses in the address book would point at the old ports.
		_ = os.Remove(ccfg.P2P.AddrBookFile())
		if err := config.Write(config.Path(home), ccfg, rcfg); err != nil {
			return err
		}
	}
	return n.save()
}

// Peers is the persistent_peers value of node i: every other node (all of
// them for an i that is no node of the network).
func (n *Network) Peers(i int) string {
	var peers []string
	for j, o := range n.Nodes {
		if j != i {
			peers = append(peers, p2p.IDAddressString(p2p.ID(o.NodeID), o.P2P))
		}
	}
	return strings.Join(peers, ",")
}

// Wire sets the node's CometBFT addresses on loopback and its persistent peers.
func (info *NodeInfo) Wire(ccfg *cmtcfg.Config, peers string) {
	ccfg.Moniker = info.Name
	ccfg.P2P.ListenAddress = "tcp://" + info.P2P
	ccfg.RPC.ListenAddress = "tcp://" + info.CometRPC
	ccfg.P2P.AddrBookStrict = false
	ccfg.P2P.AllowDuplicateIP = true
	ccfg.P2P.PersistentPeers = peers
	ccfg.P2P.PersistentPeersMaxDialPeriod = 2 * time.Second
	// Every node is a persistent peer of every other, so peer exchange
	// adds nothing; and its address book keeps writing addrbook.json
	// after CometBFT has stopped, which races a test's directory cleanup.
	ccfg.P2P.PexReactor = false
}

func (n *Network) save() error {
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(n.Dir, LayoutFile), append(data, '\n'), 0o600)
}

func loopback(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
