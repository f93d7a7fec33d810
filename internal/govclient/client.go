package govclient

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/governance"
)

// receiptPoll is how often Send asks for the receipt while it waits.
const receiptPoll = 200 * time.Millisecond

// Errors of a call, each with the node's words after it.
var (
	// ErrWouldFail: the node's gas estimate failed, so the call would revert
	// or be refused (a rule, a permission or capital).
	ErrWouldFail = errors.New("would fail")
	// ErrRefused: the node refused the transaction.
	ErrRefused = errors.New("refused by the node")
	// ErrReceipt: no receipt before the deadline.
	ErrReceipt = errors.New("no receipt")
)

// Client calls the governance contract through a node's JSON-RPC.
type Client struct {
	eth *ethclient.Client
	url string
}

// Dial connects to a node's JSON-RPC (http, ws or an IPC path).
func Dial(ctx context.Context, url string) (*Client, error) {
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	return &Client{eth: ethclient.NewClient(c), url: url}, nil
}

// Close closes the connection.
func (c *Client) Close() { c.eth.Close() }

// Chain names the network a node serves: its chain ID and the hash of
// its genesis block, which no other network shares.
type Chain struct {
	URL     string
	ID      *big.Int
	Genesis common.Hash // zero if the node did not give its genesis block
}

// String is "chain 7447, genesis 0x1234…abcd, at URL".
func (ch Chain) String() string {
	g := "genesis unknown"
	if ch.Genesis != (common.Hash{}) {
		h := ch.Genesis.Hex()
		g = "genesis " + h[:10] + "…" + h[len(h)-8:]
	}
	return fmt.Sprintf("chain %s, %s, at %s", ch.ID, g, ch.URL)
}

// Chain asks the node which network it serves. A node that does not give
// its genesis block (pruned) leaves Chain.Genesis zero.
func (c *Client) Chain(ctx context.Context) (Chain, error) {
	id, err := c.eth.ChainID(ctx)
	if err != nil {
		return Chain{}, fmt.Errorf("chain ID of %s: %s", c.url, nodeError(err))
	}
	ch := Chain{URL: c.url, ID: id}
	var head struct {
		Hash common.Hash `json:"hash"`
	}
	if err := c.eth.Client().CallContext(ctx, &head, "eth_getBlockByNumber", "0x0", false); err == nil {
		ch.Genesis = head.Hash
	}
	return ch, nil
}

// Method returns the interface's function name, or an error naming it.
func Method(name string) (abi.Method, error) {
	m, ok := governance.ABI.Methods[name]
	if !ok {
		return abi.Method{}, fmt.Errorf("IGovernance has no function %q", name)
	}
	return m, nil
}

// IsView reports whether m only reads.
func IsView(m abi.Method) bool { return m.IsConstant() }

// View calls view function m with args (eth_call at the latest block) and
// returns its outputs.
func (c *Client) View(ctx context.Context, m abi.Method, args []any) ([]Field, error) {
	data, err := governance.ABI.Pack(m.Name, args...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrArgs, err)
	}
	to := governance.Address
	out, err := c.eth.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", m.Name, nodeError(err))
	}
	vals, err := m.Outputs.Unpack(out)
	if err != nil {
		return nil, fmt.Errorf("%s: decode the answer (%s): %w", m.Name, hexutil.Encode(out), err)
	}
	return Fields(m.Name, m.Outputs, vals), nil
}

// Signer signs transactions for one account.
type Signer interface {
	Address() common.Address
	SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error)
}

// KeySigner signs with a private key.
type KeySigner struct{ Key *ecdsa.PrivateKey }

func (s KeySigner) Address() common.Address { return crypto.PubkeyToAddress(s.Key.PublicKey) }

func (s KeySigner) SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	return types.SignTx(tx, types.LatestSignerForChainID(chainID), s.Key)
}

// KeystoreSigner signs with an account of an encrypted keystore.
type KeystoreSigner struct {
	Store    *keystore.KeyStore
	Account  accounts.Account
	Password string
}

func (s KeystoreSigner) Address() common.Address { return s.Account.Address }

func (s KeystoreSigner) SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	return s.Store.SignTxWithPassphrase(s.Account, s.Password, tx, chainID)
}

// gasHeadroom is added to an estimate. A governance call can cost much more
// once other transactions land first: the commission vote that makes the
// majority admits a node (about ten times a plain vote). Only gas used is
// charged to the record's allowance, so the headroom costs nothing.
const gasHeadroom = 1_500_000

// SendOptions tune [Client.Send].
type SendOptions struct {
	Gas uint64 // gas limit; 0: the node's estimate plus a headroom
}

// Result is a state-changing call's outcome.
type Result struct {
	From    common.Address
	TxHash  common.Hash
	Block   uint64
	Success bool
	Gas     uint64 // the transaction's gas limit
	GasUsed uint64
	Events  []Event
}

// Send calls state-changing function m with args in a transaction signed
// by s: it estimates the gas (a failed estimate is [ErrWouldFail] with the
// node's reason, e.g. "not a leader of collective academic"), sends the
// transaction and waits for its receipt until ctx ends.
func (c *Client) Send(ctx context.Context, s Signer, m abi.Method, args []any, o SendOptions) (*Result, error) {
	data, err := governance.ABI.Pack(m.Name, args...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrArgs, err)
	}
	from, to := s.Address(), governance.Address
	chainID, err := c.eth.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain ID: %s", nodeError(err))
	}
	gas := o.Gas
	if gas == 0 {
		if gas, err = c.eth.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &to, Data: data}); err != nil {
			return nil, fmt.Errorf("%s from %s %w: %s", m.Name, from.Hex(), ErrWouldFail, nodeError(err))
		}
		gas += gasHeadroom
	}
	nonce, err := c.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("nonce of %s: %s", from.Hex(), nodeError(err))
	}
	price, err := c.eth.SuggestGasPrice(ctx)
	if err != nil {
		return nil, fmt.Errorf("gas price: %s", nodeError(err))
	}
	tx, err := s.SignTx(types.NewTx(&types.LegacyTx{Nonce: nonce, GasPrice: price, Gas: gas, To: &to, Data: data}), chainID)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if err := c.eth.SendTransaction(ctx, tx); err != nil {
		return nil, fmt.Errorf("%s from %s %w: %s", m.Name, from.Hex(), ErrRefused, nodeError(err))
	}
	rcpt, err := c.wait(ctx, tx.Hash())
	if err != nil {
		return nil, err
	}
	res := &Result{
		From:    from,
		TxHash:  tx.Hash(),
		Block:   rcpt.BlockNumber.Uint64(),
		Success: rcpt.Status == types.ReceiptStatusSuccessful,
		Gas:     gas,
		GasUsed: rcpt.GasUsed,
	}
	for _, l := range rcpt.Logs {
		ev, ok, err := DecodeLog(l)
		if err != nil {
			return res, err
		}
		if ok {
			res.Events = append(res.Events, ev)
		}
	}
	return res, nil
}

func (c *Client) wait(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	t := time.NewTicker(receiptPoll)
	defer t.Stop()
	for {
		r, err := c.eth.TransactionReceipt(ctx, hash)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return nil, fmt.Errorf("receipt of %s: %s", hash.Hex(), nodeError(err))
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w for %s yet (%v): it may still be included; look it up with eth_getTransactionReceipt", ErrReceipt, hash.Hex(), ctx.Err())
		case <-t.C:
		}
	}
}

// nodeError is the node's error message, with a revert's reason decoded
// when the message lacks it.
func nodeError(err error) string {
	msg := err.Error()
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok {
			if b, err := hexutil.Decode(s); err == nil {
				if reason, err := abi.UnpackRevert(b); err == nil && !strings.Contains(msg, reason) {
					msg += ": " + reason
				}
			}
		}
	}
	return msg
}
