package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
)

const (
	defaultRPC     = "http://127.0.0.1:8545"
	defaultTimeout = 60 * time.Second

	// RPCEnv and ChainIDEnv are the defaults of --rpc and --chain-id.
	RPCEnv     = "REDMX_RPC"
	ChainIDEnv = "REDMX_CHAIN_ID"
)

// govOptions are the flags every gov subcommand shares.
type govOptions struct {
	rpc     string
	chainID string
	asJSON  bool
	timeout time.Duration
}

// envOr is the environment variable name, else def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// dial connects to --rpc and names the chain it serves on stderr (stdout
// stays the answer's), then refuses a chain other than --chain-id: a
// signed call to the wrong network, or an answer taken for another
// network's, is a mistake an operator cannot see otherwise.
func (o *govOptions) dial(ctx context.Context, cmd *cobra.Command) (*govclient.Client, error) {
	var want *big.Int
	if o.chainID != "" {
		var ok bool
		if want, ok = new(big.Int).SetString(o.chainID, 0); !ok || want.Sign() <= 0 {
			return nil, fmt.Errorf("--chain-id (or $%s): want a positive number, got %q", ChainIDEnv, o.chainID)
		}
	}
	c, err := govclient.Dial(ctx, o.rpc)
	if err != nil {
		return nil, err
	}
	ch, err := c.Chain(ctx)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%w (is a node's JSON-RPC there? set --rpc or $%s)", err, RPCEnv)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "redmx gov: %s\n", ch)
	if want != nil && want.Cmp(ch.ID) != 0 {
		c.Close()
		return nil, fmt.Errorf("%w: --chain-id %s, but %s serves chain %s: check --rpc (or $%s) and --chain-id (or $%s)",
			errWrongChain, want, o.rpc, ch.ID, RPCEnv, ChainIDEnv)
	}
	return c, nil
}

// errWrongChain: the node serves another chain than --chain-id.
var errWrongChain = errors.New("wrong chain")

// signerOptions choose who signs a state-changing call.
type signerOptions struct {
	keystoreFlags
	from           string
	privateKeyFile string
	gas            uint64
}

func newGovCmd() *cobra.Command {
	var o govOptions
	cmd := &cobra.Command{
		Use:   "gov",
		Short: "Call the governance contract: every function of IGovernance.sol",
		Long: `Call the network's governance contract (` + governance.Address.Hex() + `) through a
node's JSON-RPC (--rpc). There is one subcommand per function of
governance/IGovernance.sol, named in kebab case (applyNode: apply-node), taking
the function's arguments in order:

  string          as is ("" for empty)
  uint<N>         decimal or 0x hex; enumerations also by name (validator, leader…)
  bool            true or false
  address         0x and 40 hex digits
  bytes20/bytes32 0x and 40/64 hex digits, or 0 for all zeros
  bytes           0x and hex digits ("" for empty)
  T[]             comma-separated

View functions are read with eth_call. State-changing functions are sent as a
transaction signed by --from (an account of --keystore, password from
--password-file or asked) or by the key in --private-key-file; the node's gas
estimate runs first, so a refusal ("not a leader of collective academic", no
capital, not a member) is reported before anything is sent. --json prints
machine-readable results.

Every command that talks to a node first names, on stderr, the chain it
serves (chain ID and genesis block hash) and the endpoint; with --chain-id
(or $REDMX_CHAIN_ID) it refuses a node of another chain before reading or
sending anything. --rpc defaults to $REDMX_RPC, else ` + defaultRPC + `.
Enumerations print by name (--json: the number, and the name under
"<field>Name").`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&o.rpc, "rpc", envOr(RPCEnv, defaultRPC), "JSON-RPC URL of a node ($"+RPCEnv+" if set)")
	pf.StringVar(&o.chainID, "chain-id", os.Getenv(ChainIDEnv), "refuse a node serving another chain ID ($"+ChainIDEnv+" if set)")
	pf.BoolVar(&o.asJSON, "json", false, "print the result as JSON")
	pf.DurationVar(&o.timeout, "timeout", defaultTimeout, "how long to wait for the node, and for a transaction's receipt")

	names := make([]string, 0, len(governance.ABI.Methods))
	for n := range governance.ABI.Methods {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		cmd.AddCommand(newGovMethodCmd(&o, governance.ABI.Methods[n]))
	}
	cmd.AddCommand(newGovNodeIDCmd(), newGovCommitmentCmd(), newGovLivenessCmd(&o), newGovShowCmd(&o))
	return cmd
}

// kebab turns a function name into a command name: applyNode → apply-node.
func kebab(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// govUse is the command's usage line: its name and arguments.
func govUse(m abi.Method) string {
	parts := []string{kebab(m.Name)}
	for _, in := range m.Inputs {
		parts = append(parts, "<"+in.Name+">")
	}
	return strings.Join(parts, " ")
}

// govLong documents a function: the interface's comment and its arguments.
func govLong(m abi.Method) string {
	var b strings.Builder
	if d := govDoc(m.Name); d != "" {
		b.WriteString(d + "\n\n")
	}
	kind := "Sent as a transaction (needs --from or --private-key-file)."
	if govclient.IsView(m) {
		kind = "A view: read with eth_call."
	}
	fmt.Fprintf(&b, "IGovernance.%s. %s\n", m.Sig, kind)
	if govclient.IsPaged(m) {
		b.WriteString("Without cursor and limit, every page is read and the lists joined.\n")
	}
	if len(m.Inputs) > 0 {
		b.WriteString("\nArguments:\n")
		for _, in := range m.Inputs {
			fmt.Fprintf(&b, "  %-24s %s", in.Name, in.Type)
			if e := govclient.EnumOf(m.Name, in.Name); e != nil {
				fmt.Fprintf(&b, " (%s)", e.Names())
			}
			b.WriteString("\n")
		}
	}
	if len(m.Outputs) > 0 {
		b.WriteString("\nReturns:\n")
		for _, out := range m.Outputs {
			fmt.Fprintf(&b, "  %-24s %s", out.Name, out.Type)
			if e := govclient.EnumOf(m.Name, out.Name); e != nil {
				fmt.Fprintf(&b, " (%s)", e.Names())
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func newGovMethodCmd(o *govOptions, m abi.Method) *cobra.Command {
	var s signerOptions
	view := govclient.IsView(m)
	cmd := &cobra.Command{
		Use:   govUse(m),
		Short: govShort(m),
		Long:  govLong(m),
		RunE: func(cmd *cobra.Command, words []string) error {
			args, err := govclient.ParseArgs(m, words)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			c, err := o.dial(ctx, cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			out := cmd.OutOrStdout()
			if view {
				view := c.View
				whole := govclient.IsPaged(m) && len(args) == len(m.Inputs)-2
				if whole {
					view = c.ViewAll // every page
				}
				fields, err := view(ctx, m, args)
				if err != nil {
					return err
				}
				if o.asJSON {
					return writeJSON(out, govclient.JSONObject(fields))
				}
				if table, ok := govTables[m.Name]; ok && whole {
					return table(ctx, c, fields, out)
				}
				govclient.Print(out, fields)
				return nil
			}
			signer, err := s.signer(cmd)
			if err != nil {
				return err
			}
			res, err := c.Send(ctx, signer, m, args, govclient.SendOptions{Gas: s.gas})
			if err != nil {
				return err
			}
			if o.asJSON {
				if err := writeJSON(out, resultJSON(m, res)); err != nil {
					return err
				}
			} else {
				printResult(out, m, res)
			}
			if !res.Success {
				return fmt.Errorf("%s: transaction %s failed in block %d", m.Name, res.TxHash.Hex(), res.Block)
			}
			return nil
		},
	}
	if !view {
		f := cmd.Flags()
		s.add(cmd, true)
		_ = f.MarkHidden("lightkdf") // signing only decrypts
		f.StringVar(&s.from, "from", "", "account that signs and sends (of --keystore)")
		f.StringVar(&s.privateKeyFile, "private-key-file", "", "file holding the hex private key that signs (development)")
		f.Uint64Var(&s.gas, "gas", 0, "gas limit (default: the node's estimate)")
	}
	return cmd
}

func govDoc(name string) string { return govclient.Doc(name) }

func govShort(m abi.Method) string {
	if d := govclient.Short(m.Name); d != "" {
		return d
	}
	if govclient.IsView(m) {
		return "View " + m.Name
	}
	return "Call " + m.Name
}

// errNoSigner: a state-changing call without a signer.
var errNoSigner = errors.New("a state-changing function needs a signer: --from ADDRESS (an account of --keystore) or --private-key-file FILE")

func (s *signerOptions) signer(cmd *cobra.Command) (govclient.Signer, error) {
	if s.privateKeyFile != "" {
		f, err := os.Open(s.privateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("--private-key-file: %w", err)
		}
		defer f.Close()
		key, err := readHexKey(f)
		if err != nil {
			return nil, fmt.Errorf("--private-key-file %s: %w", s.privateKeyFile, err)
		}
		ks := govclient.KeySigner{Key: key}
		if s.from != "" && !strings.EqualFold(s.from, ks.Address().Hex()) {
			return nil, fmt.Errorf("--from %s does not match the key in %s (%s)", s.from, s.privateKeyFile, ks.Address().Hex())
		}
		return ks, nil
	}
	if s.from == "" {
		return nil, errNoSigner
	}
	if !common.IsHexAddress(s.from) {
		return nil, fmt.Errorf("--from: want an address (0x and 40 hex digits), got %q", s.from)
	}
	store := s.open()
	acc, err := store.Find(accounts.Account{Address: common.HexToAddress(s.from)})
	if err != nil {
		return nil, fmt.Errorf("account %s is not in keystore %s (see redmx keys list --keystore %s)", s.from, s.dir, s.dir)
	}
	pw, err := s.password(cmd, false)
	if err != nil {
		return nil, err
	}
	return govclient.KeystoreSigner{Store: store, Account: acc, Password: pw}, nil
}

func printResult(w io.Writer, m abi.Method, r *govclient.Result) {
	status := "success"
	if !r.Success {
		status = "FAILED"
	}
	fmt.Fprintf(w, "%s from %s: %s in block %d, gas used %d of %d\n", m.Name, r.From.Hex(), status, r.Block, r.GasUsed, r.Gas)
	fmt.Fprintf(w, "transaction %s\n", r.TxHash.Hex())
	for _, e := range r.Events {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

func resultJSON(m abi.Method, r *govclient.Result) map[string]any {
	events := make([]map[string]any, 0, len(r.Events))
	for _, e := range r.Events {
		events = append(events, map[string]any{"event": e.Name, "fields": govclient.JSONObject(e.Fields)})
	}
	status := "success"
	if !r.Success {
		status = "failed"
	}
	return map[string]any{
		"function": m.Name,
		"from":     r.From.Hex(),
		"txHash":   r.TxHash.Hex(),
		"block":    r.Block,
		"status":   status,
		"gas":      r.Gas,
		"gasUsed":  r.GasUsed,
		"events":   events,
	}
}

// newGovCommitmentCmd makes a salted commitment (docs/governance.md §3.10) of a
// document: keccak256(salt ‖ content).
func newGovCommitmentCmd() *cobra.Command {
	var saltHex string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "commitment FILE",
		Short: "Print a salted commitment to a document: keccak256(salt ‖ content)",
		Long: `Print a salted commitment to FILE ("-" for stdin), keccak256(salt ‖ content),
for the bytes32 arguments that name documents (letters, forms, evidence,
institutions). Only the commitment goes on chain; keep the salt (random unless
--salt) with the document to prove it later. A plain hash of a name or e-mail
could be reversed by guessing: never put one on chain.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var content []byte
			var err error
			if args[0] == "-" {
				content, err = io.ReadAll(cmd.InOrStdin())
			} else {
				content, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			salt := make([]byte, 32)
			if saltHex != "" {
				if salt, err = hexutil.Decode(saltHex); err != nil || len(salt) != 32 {
					return fmt.Errorf("--salt: want 32 bytes of hex, got %q", saltHex)
				}
			} else if _, err := rand.Read(salt); err != nil {
				return err
			}
			c := crypto.Keccak256Hash(salt, content)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), map[string]string{"salt": hexutil.Encode(salt), "commitment": c.Hex()})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "commitment: %s\nsalt:       %s (keep it with the document)\n", c.Hex(), hexutil.Encode(salt))
			return nil
		},
	}
	cmd.Flags().StringVar(&saltHex, "salt", "", "32-byte hex salt (default: random)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print salt and commitment as JSON")
	return cmd
}
