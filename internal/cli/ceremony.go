package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/node"
)

// The founders' genesis ceremony (docs/ceremony.md): 'genesis contribute' on
// each founder's machine, 'genesis assemble' by the coordinator, 'genesis
// verify --contribution' by each founder.

type contributeOptions struct {
	home, out, collective, label, commitment, moniker, chainName string
	chainID                                                      uint64
	accounts                                                     int
	officers                                                     []string
	noValidator                                                  bool
	ks                                                           keystoreFlags
}

// institutionSalt is the institution's commitment and what it commits to,
// kept in its home: the salt proves the commitment later and is never sent.
type institutionSalt struct {
	Label      string        `json:"label"`
	Salt       hexutil.Bytes `json:"salt"`
	Commitment common.Hash   `json:"commitment"`
}

const (
	contributionFile = "contribution.json"
	saltFile         = "institution-salt.json"
)

func newGenesisContributeCmd() *cobra.Command {
	var o contributeOptions
	cmd := &cobra.Command{
		Use:   "contribute --home DIR --chain-id ID --chain-name NAME --collective NAME --institution LABEL",
		Short: "Make a founding institution's keys and its signed contribution to a new genesis",
		Long: `On a founding institution's own machine: make (or reuse) its keys in --home and
write its contribution, the public parts a coordinator assembles into the
network's genesis ('redmx genesis assemble'). No private key is in it.

In --home it makes, unless they are already there:
  config/node_key.json, config/priv_validator_key.json, data/...
                           the validator node's keys, as 'redmx init --keys-only'
                           ('redmx init --genesis' on this home later keeps them;
                           --no-validator for an institution without a node)
  keystore/                the institution's --accounts accounts and one account
                           per --officer, encrypted with the password
                           (--keystore to keep them elsewhere)
  institution-salt.json    the salt of the institution's commitment (keccak256 of
                           salt and label); keep it, it proves the commitment
                           (--commitment to give one made with 'redmx gov commitment')
and writes contribution.json (--out): chain, collective, label, commitment,
the accounts' addresses, the validator's node ID and public keys, each key's
signature over all of it and the chain, so that no key can be changed or
swapped in without the coordinator's check failing. Run again, it reuses the
keys and accounts it made and signs again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runContribute(cmd, o) },
	}
	addHomeFlag(cmd, &o.home)
	f := cmd.Flags()
	f.Uint64Var(&o.chainID, "chain-id", 0, "EIP-155 chain ID the founders agreed on")
	f.StringVar(&o.chainName, "chain-name", "", "CometBFT chain-id the founders agreed on")
	f.StringVar(&o.collective, "collective", "", "the institution's collective")
	f.StringVar(&o.label, "institution", "", "the institution's label (its name as people read it in genesis.json)")
	f.StringVar(&o.commitment, "commitment", "", "the institution's salted commitment (default: of the label, with a new salt kept in --home)")
	f.IntVar(&o.accounts, "accounts", 1, "how many accounts the institution has")
	f.StringArrayVar(&o.officers, "officer", nil, "label of a person of the institution to seat on a council (repeatable; each gets an account)")
	f.BoolVar(&o.noValidator, "no-validator", false, "the institution runs no validator from genesis")
	f.StringVar(&o.moniker, "moniker", "", "the validator's name (default: the host name)")
	f.StringVar(&o.out, "out", "", "where to write the contribution (default: <home>/"+contributionFile+")")
	f.StringVar(&o.ks.dir, "keystore", "", "the accounts' encrypted keystore (default: <home>/keystore)")
	f.StringVar(&o.ks.passwordFile, "password-file", "", "file whose first line is the keystore password (default: ask, when stdin is a terminal)")
	f.BoolVar(&o.ks.lightKDF, "lightkdf", false, "weaker but faster key encryption (for tests and rehearsals)")
	for _, name := range []string{"chain-id", "chain-name", "collective", "institution"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runContribute(cmd *cobra.Command, o contributeOptions) error {
	switch {
	case o.chainID == devnet.DefaultChainID:
		return fmt.Errorf("--chain-id %d is the development networks' chain ID; use the one the founders agreed on", o.chainID)
	case o.accounts < 1 || o.accounts > 16:
		return fmt.Errorf("--accounts: 1 to 16, got %d", o.accounts)
	}
	if o.out == "" {
		o.out = filepath.Join(o.home, contributionFile)
	}
	if o.ks.dir == "" {
		o.ks.dir = filepath.Join(o.home, "keystore")
	}
	if err := os.MkdirAll(o.home, 0o700); err != nil {
		return err
	}
	c := &genesis.Contribution{ChainID: o.chainID, ChainName: o.chainName, Collective: o.collective, Label: o.label}

	// The commitment: given, or of the label with the home's salt.
	var err error
	if o.commitment != "" {
		b, derr := hexutil.Decode(o.commitment)
		if derr != nil || len(b) != common.HashLength {
			return fmt.Errorf("--commitment: want 32 bytes of hex (from 'redmx gov commitment'), got %q", o.commitment)
		}
		c.Institution = common.BytesToHash(b)
	} else if c.Institution, err = labelCommitment(filepath.Join(o.home, saltFile), o.label); err != nil {
		return err
	}

	// The validator's keys: the home's, or new ones.
	var nodeKey, consKey ed25519.PrivateKey
	if !o.noValidator {
		var v genesis.ContributedValidator
		if v, nodeKey, consKey, err = contributedValidator(o.home, o.moniker); err != nil {
			return err
		}
		c.Validators = []genesis.ContributedValidator{v}
	}

	// The accounts: those of an earlier contribution, then new ones.
	var prev *genesis.Contribution
	if data, err := os.ReadFile(o.out); err == nil {
		if prev, err = genesis.ParseContribution(data); err != nil {
			return fmt.Errorf("%s (an earlier contribution, reused): %w", o.out, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	ks := o.ks.open()
	var reuse []common.Address
	officerAccounts := make(map[string][]genesis.SignedAccount)
	if prev != nil {
		for _, a := range prev.Accounts {
			reuse = append(reuse, a.Address)
		}
		for _, of := range prev.Officers {
			officerAccounts[of.Label] = of.Accounts
		}
		if len(reuse) > o.accounts && cmd.Flags().Changed("accounts") {
			return fmt.Errorf("%s lists %d accounts, more than --accounts %d: delete it to start over, or give --accounts %d", o.out, len(reuse), o.accounts, len(reuse))
		}
		o.accounts = max(o.accounts, len(reuse))
		for _, a := range prev.Accounts {
			if !ks.HasAddress(a.Address) {
				return fmt.Errorf("account %s of %s is not in the keystore %s: give its --keystore", a.Address.Hex(), o.out, o.ks.dir)
			}
		}
	}
	newAccounts := o.accounts - len(reuse)
	for _, l := range o.officers {
		if len(officerAccounts[l]) == 0 {
			newAccounts++
		}
	}
	pw, err := o.ks.password(cmd, newAccounts > 0)
	if err != nil {
		return err
	}
	if len(reuse) > 0 { // a mistyped password must not encrypt new accounts
		if _, err := ks.SignHashWithPassphrase(accounts.Account{Address: reuse[0]}, pw, make([]byte, 32)); err != nil {
			return fmt.Errorf("account %s: %w", reuse[0].Hex(), err)
		}
	}
	newAccount := func() (common.Address, error) {
		a, err := ks.NewAccount(pw)
		return a.Address, err
	}
	for _, a := range reuse {
		c.Accounts = append(c.Accounts, genesis.SignedAccount{Address: a})
	}
	for len(c.Accounts) < o.accounts {
		a, err := newAccount()
		if err != nil {
			return err
		}
		c.Accounts = append(c.Accounts, genesis.SignedAccount{Address: a})
	}
	for _, l := range o.officers {
		accs := officerAccounts[l]
		if len(accs) == 0 {
			a, err := newAccount()
			if err != nil {
				return err
			}
			accs = []genesis.SignedAccount{{Address: a}}
		}
		for _, a := range accs {
			if !ks.HasAddress(a.Address) {
				return fmt.Errorf("account %s of officer %q is not in the keystore %s: give its --keystore", a.Address.Hex(), l, o.ks.dir)
			}
		}
		c.Officers = append(c.Officers, genesis.ContributedOfficer{Label: l, Accounts: slices.Clone(accs)})
	}

	if err := signContribution(c, ks, pw, nodeKey, consKey); err != nil {
		return err
	}
	if err := c.Verify(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	printContribution(cmd.OutOrStdout(), c, o)
	return nil
}

// labelCommitment is keccak256(salt ‖ label) with the salt kept in path
// (made on first use, reused after).
func labelCommitment(path, label string) (common.Hash, error) {
	var s institutionSalt
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &s); err != nil || len(s.Salt) != 32 {
			return common.Hash{}, fmt.Errorf("%s: not an institution salt file (%v); move it away to make a new salt", path, err)
		}
	} else if errors.Is(err, os.ErrNotExist) {
		s.Salt = make([]byte, 32)
		if _, err := rand.Read(s.Salt); err != nil {
			return common.Hash{}, err
		}
	} else {
		return common.Hash{}, err
	}
	s.Label = label
	s.Commitment = crypto.Keccak256Hash(s.Salt, []byte(label))
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return common.Hash{}, err
	}
	return s.Commitment, os.WriteFile(path, append(data, '\n'), 0o600)
}

// contributedValidator is the validator of the node in home, whose keys are
// made first if the home has none (as 'redmx init --keys-only' does), with
// its private keys to sign.
func contributedValidator(home, moniker string) (v genesis.ContributedValidator, nodeKey, consKey ed25519.PrivateKey, err error) {
	if len(existingNodeFiles(home)) == 0 {
		ccfg := config.CometBFTDefaults()
		ccfg.SetRoot(home)
		if _, _, err := node.CreateKeys(ccfg); err != nil {
			return v, nil, nil, err
		}
	}
	if nodeKey, consKey, err = node.ReadKeys(home); err != nil {
		return v, nil, nil, err
	}
	if moniker == "" {
		moniker = config.CometBFTDefaults().Moniker
	}
	nodePub := nodeKey.Public().(ed25519.PublicKey)
	v = genesis.ContributedValidator{
		Name: moniker, NodeID: node.NodeID(nodePub),
		NodeKey: nodePub, PubKey: consKey.Public().(ed25519.PublicKey),
	}
	return v, nodeKey, consKey, nil
}

// signContribution signs c with each of its accounts (in ks, unlocked by
// pw) and, if c has a validator, with its node and consensus keys.
func signContribution(c *genesis.Contribution, ks *keystore.KeyStore, pw string, nodeKey, consKey ed25519.PrivateKey) error {
	msg := c.Message()
	hash := genesis.AccountSigningHash(msg)
	sign := func(accs []genesis.SignedAccount) error {
		for i := range accs {
			sig, err := ks.SignHashWithPassphrase(accounts.Account{Address: accs[i].Address}, pw, hash)
			if err != nil {
				return fmt.Errorf("account %s: %w", accs[i].Address.Hex(), err)
			}
			accs[i].Signature = sig
		}
		return nil
	}
	if err := sign(c.Accounts); err != nil {
		return err
	}
	for _, o := range c.Officers {
		if err := sign(o.Accounts); err != nil {
			return err
		}
	}
	for i := range c.Validators {
		c.Validators[i].NodeSignature = genesis.SignContribution(nodeKey, msg)
		c.Validators[i].KeySignature = genesis.SignContribution(consKey, msg)
	}
	return nil
}

// printContribution says what was made and what to send.
func printContribution(w io.Writer, c *genesis.Contribution, o contributeOptions) {
	fmt.Fprintf(w, "Contribution of %s (collective %s) to chain %s (%d), written to %s\n", c.Label, c.Collective, c.ChainName, c.ChainID, o.out)
	fmt.Fprintf(w, "  contribution hash:  %s\n", c.Message())
	fmt.Fprintf(w, "  institution:        %s\n", c.Institution)
	for _, a := range c.Accounts {
		fmt.Fprintf(w, "  account:            %s\n", a.Address.Hex())
	}
	for _, of := range c.Officers {
		for _, a := range of.Accounts {
			fmt.Fprintf(w, "  officer:            %s  %s\n", a.Address.Hex(), of.Label)
		}
	}
	for _, v := range c.Validators {
		fmt.Fprintf(w, "  validator:          %s, node ID %s, consensus key %s\n", v.Name, v.NodeID, base64.StdEncoding.EncodeToString(v.PubKey))
	}
	fmt.Fprintf(w, "Send %s to the coordinator and tell them its contribution hash by another channel.\n", o.out)
	fmt.Fprintf(w, "Never send %s (the node's private keys), %s (the accounts' keys) or %s (the commitment's salt).\n",
		filepath.Join(o.home, "config"), o.ks.dir, filepath.Join(o.home, saltFile))
}

func newGenesisAssembleCmd() *cobra.Command {
	var baseFile, out, foundersOut string
	var force bool
	cmd := &cobra.Command{
		Use:   "assemble --base base.json CONTRIBUTION...",
		Short: "Assemble the founders' contributions into the network's genesis.json",
		Long: `The coordinator's step of the founders' ceremony: check every CONTRIBUTION
(each written by 'redmx genesis contribute' on a founder's machine) and make
the network's founders file and genesis.json from them and --base, a JSON file
the founders agreed on:

  chainId, chainName, genesisTime (RFC 3339), coin {name, symbol, decimals},
  gasLimit, params and alloc (optional, as in 'redmx genesis new'),
  collectives: [{name, institutions: [{label (a contribution's), leader,
    termEnd, gasPerEpoch}]}],
  officers: [{role (secretary, projects-commission, nodes-commission or
    advisory), officer (an officer label of a contribution), termEnd,
    gasPerEpoch}]

Every signature in every contribution must verify, every contribution be
placed in the base and every place filled, and no key or commitment appear
twice; the development networks' chain ID and public development keys are
refused, and the genesis is checked against governance's rules. It prints
the genesis SHA-256 and block hash, which every founder compares with what
'redmx genesis verify --contribution' prints on their own machine.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(baseFile)
			if err != nil {
				return err
			}
			base, err := genesis.ParseBase(data)
			if err != nil {
				return fmt.Errorf("%s: %w", baseFile, err)
			}
			var contribs []*genesis.Contribution
			for _, path := range args {
				c, err := readContribution(path)
				if err != nil {
					return err
				}
				contribs = append(contribs, c)
			}
			f, err := genesis.Assemble(base, contribs)
			if err != nil {
				return err
			}
			g, err := buildFoundersGenesis(f)
			if err != nil {
				return err
			}
			if err := refuseExisting(force, out, foundersOut); err != nil {
				return err
			}
			fdata, err := json.MarshalIndent(f, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(foundersOut, append(fdata, '\n'), 0o644); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Checked %d contributions:\n", len(contribs))
			for i, c := range contribs {
				fmt.Fprintf(w, "  %s (%s): contribution hash %s\n", c.Label, args[i], c.Message())
			}
			fmt.Fprintf(w, "Wrote %s ('redmx genesis new --founders %s' makes the same genesis)\n", foundersOut, foundersOut)
			return g.write(w, out)
		},
	}
	cmd.Flags().StringVar(&baseFile, "base", "", "the base file the founders agreed on (JSON)")
	cmd.Flags().StringVar(&out, "out", "genesis.json", "where to write genesis.json")
	cmd.Flags().StringVar(&foundersOut, "founders-out", "founders.json", "where to write the founders file")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite --out and --founders-out if they exist")
	_ = cmd.MarkFlagRequired("base")
	return cmd
}

// maxContributionFile bounds what is read of a contribution file: a real one
// is a few kilobytes.
const maxContributionFile = 1 << 20

func readContribution(path string) (*genesis.Contribution, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxContributionFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxContributionFile {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a contribution", path, maxContributionFile)
	}
	c, err := genesis.ParseContribution(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.Verify(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// checkContributions reports, for each contribution file, whether the
// genesis (doc, gen) holds it as it was made.
func checkContributions(w io.Writer, doc *node.GenesisDoc, gen *genesis.AppState, paths []string) error {
	for _, path := range paths {
		c, err := readContribution(path)
		if err != nil {
			return err
		}
		lines, err := c.CheckIn(doc.ChainID, gen)
		if err != nil {
			return fmt.Errorf("%s is not in this genesis as contributed: %w; do not start a node from it, tell the coordinator and the other founders", path, err)
		}
		fmt.Fprintf(w, "contribution %s (%s, hash %s): in the genesis as contributed\n", c.Label, path, c.Message())
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	return nil
}
