package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/devkeys"
	"github.com/redmx/redmx/node"
)

func newGenesisCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "genesis",
		Short: "Make and check a network's genesis.json",
		Long: `Make a new network's genesis.json from its founders' own keys, and check one.

A network starts from one genesis.json that every node holds, made in a
founders' ceremony (docs/ceremony.md): each founding institution makes its
keys on its own machine ('redmx genesis contribute') and sends only the
signed public parts; a coordinator checks and assembles them ('redmx genesis
assemble'); each founder checks that the genesis holds its keys as it made
them ('redmx genesis verify --contribution') and compares the printed hashes
with the others'. A founders file written by hand is made into a genesis by
'redmx genesis new'.`,
	}
	cmd.AddCommand(newGenesisNewCmd(), newGenesisVerifyCmd(), newGenesisContributeCmd(), newGenesisAssembleCmd())
	return cmd
}

func newGenesisNewCmd() *cobra.Command {
	var foundersFile, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "new --founders FILE",
		Short: "Make a new network's genesis.json from its founders file",
		Long: `Make genesis.json for a new network from --founders, a JSON file the founders
agree on:

  chainId, chainName, genesisTime (RFC 3339), coin {name, symbol, decimals},
  gasLimit and params (governance parameters; optional), alloc (balances in
  go-ethereum's format; optional),
  collectives: [{name, institutions: [{label, institution (its salted
    commitment, 0x…32 bytes), accounts, leader, termEnd, gasPerEpoch,
    validators: [{name, nodeId, pubKey}]}]}],
  officers: [{role (secretary, projects-commission, nodes-commission or
    advisory), collective, label, institution, accounts, termEnd, gasPerEpoch}]

Each validator's nodeId and pubKey are what 'redmx init --keys-only' prints on
its operator's machine; accounts are the founders' own keys (e.g. from 'redmx
keys create'). Term ends are Unix seconds. The file is checked against
governance's rules (a collective needs its leaders and a node before it has
validators), and refused if it uses the development networks' chain ID or any
public development key. 'redmx genesis assemble' writes this file from the
founders' signed contributions, which prove that each key is its
institution's (docs/ceremony.md). The same file always makes the same genesis.json:
compare the printed SHA-256 and genesis block hash.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := os.ReadFile(foundersFile)
			if err != nil {
				return err
			}
			f, err := genesis.ParseFounders(data)
			if err != nil {
				return fmt.Errorf("%s: %w", foundersFile, err)
			}
			g, err := buildFoundersGenesis(f)
			if err != nil {
				return fmt.Errorf("%s: %w", foundersFile, err)
			}
			if err := refuseExisting(force, out); err != nil {
				return err
			}
			return g.write(cmd.OutOrStdout(), out)
		},
	}
	cmd.Flags().StringVar(&foundersFile, "founders", "", "the founders file (JSON)")
	cmd.Flags().StringVar(&out, "out", "genesis.json", "where to write genesis.json")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite --out if it exists")
	_ = cmd.MarkFlagRequired("founders")
	return cmd
}

func newGenesisVerifyCmd() *cobra.Command {
	var genesisFile string
	var contributions []string
	cmd := &cobra.Command{
		Use:   "verify [FILE] [--contribution FILE]...",
		Short: "Check a genesis.json and print its hashes and contents",
		Long: `Check genesis.json FILE (or --genesis FILE) as a node would (CometBFT's
document, the app state and the founding governance, built in memory) and
print its SHA-256, its genesis block hash (the app hash every node computes
at height 0), its validators and its governance. A genesis whose accounts
include public development keys is reported: anyone can sign with them.

With --contribution, a founder's own contribution ('redmx genesis contribute'),
it also checks that the genesis holds it as it was made: the chain, the
institution's record with exactly its accounts and commitment, its validators
with their keys and node IDs and no node it did not contribute, its officers.
Compare the printed hashes with every other founder's by another channel.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && genesisFile != "":
				return errors.New("give the genesis once: FILE or --genesis FILE")
			case len(args) == 1:
				genesisFile = args[0]
			case genesisFile == "":
				return errors.New("which genesis? give FILE or --genesis FILE")
			}
			w := cmd.OutOrStdout()
			doc, gen, err := describeGenesis(w, genesisFile)
			if err != nil {
				return err
			}
			return checkContributions(w, doc, gen, contributions)
		},
	}
	cmd.Flags().StringVar(&genesisFile, "genesis", "", "the genesis.json to check")
	cmd.Flags().StringArrayVar(&contributions, "contribution", nil, "a contribution file to find in the genesis (repeatable)")
	return cmd
}

// describeGenesis checks the genesis.json at path and prints its hashes and
// a summary.
func describeGenesis(w io.Writer, path string) (*node.GenesisDoc, *genesis.AppState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	doc, gen, err := node.LoadGenesis(path)
	if err != nil {
		return nil, nil, err
	}
	block, err := node.GenesisBlock(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("genesis %s: %w", path, err)
	}
	printGenesis(w, data, doc, gen, block)
	return doc, gen, nil
}

// foundersGenesis is a genesis built from a founders file and checked as
// every node will check it.
type foundersGenesis struct {
	doc   *node.GenesisDoc
	gen   *genesis.AppState
	block common.Hash
}

// buildFoundersGenesis makes the genesis of f, refusing the development
// networks' chain ID and public development keys.
func buildFoundersGenesis(f *genesis.Founders) (*foundersGenesis, error) {
	if f.ChainID == devnet.DefaultChainID {
		return nil, fmt.Errorf("chainId %d is the development networks' chain ID; choose the network's own", f.ChainID)
	}
	doc, err := foundersDoc(f)
	if err != nil {
		return nil, err
	}
	gen, err := genesis.Parse(doc.AppState)
	if err != nil {
		return nil, err
	}
	if dev := devAccounts(gen); len(dev) > 0 {
		return nil, fmt.Errorf("%s are public development keys, which anyone can sign with; use the founders' own keys", strings.Join(dev, ", "))
	}
	block, err := node.GenesisBlock(doc)
	if err != nil {
		return nil, err
	}
	return &foundersGenesis{doc, gen, block}, nil
}

// write saves the genesis at out and prints its hashes.
func (g *foundersGenesis) write(w io.Writer, out string) error {
	if err := g.doc.SaveAs(out); err != nil {
		return err
	}
	written, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s\n", out)
	printGenesis(w, written, g.doc, g.gen, g.block)
	return nil
}

// refuseExisting refuses to overwrite any of files unless force is set.
func refuseExisting(force bool, files ...string) error {
	for _, f := range files {
		if _, err := os.Stat(f); err == nil && !force {
			return fmt.Errorf("%s exists; use --force to overwrite it", f)
		}
	}
	return nil
}

// printGenesis prints the hashes and a summary of a genesis.json: data, as
// doc and its app_state gen, whose genesis block hash is block.
func printGenesis(w io.Writer, data []byte, doc *node.GenesisDoc, gen *genesis.AppState, block common.Hash) {
	fmt.Fprintf(w, "SHA-256:             %x\n", sha256.Sum256(data))
	fmt.Fprintf(w, "genesis block hash:  %s\n", block)
	fmt.Fprintf(w, "CometBFT chain-id:   %s\n", doc.ChainID)
	fmt.Fprintf(w, "EIP-155 chain ID:    %d (%#x)\n", gen.ChainID, gen.ChainID)
	fmt.Fprintf(w, "genesis time:        %s\n", doc.GenesisTime.UTC().Format("2006-01-02T15:04:05Z07:00"))
	fmt.Fprintf(w, "coin:                %s (%s), %d decimals\n", gen.Coin.Name, gen.Coin.Symbol, gen.Coin.Decimals)
	fmt.Fprintf(w, "validators:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tCOLLECTIVE\tPOWER\tADDRESS\tNODE ID")
	for i, v := range doc.Validators {
		coll, nodeID := "", "-"
		if i < len(gen.Validators) {
			coll = gen.Validators[i].Collective
			if g := gen.Governance; g != nil {
				for _, n := range g.Nodes {
					if bytes.Equal(n.PubKey, gen.Validators[i].PubKey) {
						nodeID = hex.EncodeToString(n.NodeID[:])
					}
				}
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", v.Name, coll, v.Power, v.Address, nodeID)
	}
	tw.Flush()
	if g := gen.Governance; g != nil {
		fmt.Fprintf(w, "governance:          %d collectives (%s), %d records, %d seats, %d nodes\n",
			len(g.Collectives), strings.Join(g.Collectives, ", "), len(g.Records), len(g.Seats), len(g.Nodes))
	} else {
		fmt.Fprintf(w, "governance:          none (every account may transact and deploy)\n")
	}
	if dev := devAccounts(gen); len(dev) > 0 {
		fmt.Fprintf(w, "WARNING: %d accounts are public development keys (anyone can sign with them): a development chain, never a real network's\n", len(dev))
	}
}

// foundersDoc builds a network's genesis document from its founders file:
// the app_state of [genesis.Founders.AppState] (see [node.NewGenesisDoc]).
func foundersDoc(f *genesis.Founders) (*node.GenesisDoc, error) {
	s, err := f.AppState()
	if err != nil {
		return nil, err
	}
	doc, err := node.NewGenesisDoc(s, f.GenesisTime.UTC(), f.ChainName)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", genesis.ErrFounders, err)
	}
	return doc, nil
}

// devKeysChecked is how many development keys are looked for in a genesis:
// more than any devnet funds.
const devKeysChecked = 256

// devAccounts lists the accounts of gen (funded or named by governance) that
// are public development keys.
func devAccounts(gen *genesis.AppState) []string {
	dev := make(map[common.Address]bool)
	for _, k := range devkeys.Keys(devKeysChecked) {
		dev[crypto.PubkeyToAddress(k.PublicKey)] = true
	}
	for _, r := range devnet.Roles() {
		dev[r.Address()] = true
	}
	seen := make(map[common.Address]bool)
	var found []string
	check := func(a common.Address) {
		if dev[a] && !seen[a] {
			seen[a] = true
			found = append(found, a.Hex())
		}
	}
	if gen.Governance != nil {
		for _, a := range gen.Governance.Accounts() {
			check(a)
		}
	}
	for a := range gen.Alloc {
		check(a)
	}
	slices.Sort(found)
	return found
}
