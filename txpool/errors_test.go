package txpool_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/txpool"
)

// TestGethErrorStrings pins the full text of every refusal. Wallets and tools
// (ethers, Foundry, viem) recognise geth's wording, so a change here is a change
// of API, made on purpose.
func TestGethErrorStrings(t *testing.T) {
	sender := account(0)
	from := sender.addr.Hex()
	tests := []struct {
		name      string
		configure func(*txpool.Config)
		setup     func(f *fixture) // state and pool contents before the refused tx
		tx        func(f *fixture) (*types.Transaction, string)
		sentinel  error
	}{
		{
			name: "legacy without replay protection",
			tx: func(f *fixture) (*types.Transaction, string) {
				tx, _ := types.SignNewTx(sender.priv, types.HomesteadSigner{}, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &recipient})
				return tx, "only replay-protected (EIP-155) transactions allowed over RPC"
			},
			sentinel: execution.ErrUnprotected,
		},
		{
			name: "blob transaction",
			tx: func(f *fixture) (*types.Transaction, string) {
				return sign(t, sender, &types.BlobTx{
					ChainID: uint256.MustFromBig(chainID), Gas: 21000, To: recipient,
					GasTipCap: new(uint256.Int), GasFeeCap: new(uint256.Int), Value: new(uint256.Int),
					BlobFeeCap: uint256.NewInt(1), BlobHashes: []common.Hash{{0x01}},
				}), "transaction type not supported: tx type 3"
			},
			sentinel: core.ErrTxTypeNotSupported,
		},
		{
			name: "set-code transaction",
			tx: func(f *fixture) (*types.Transaction, string) {
				return sign(t, sender, &types.SetCodeTx{
					ChainID: uint256.MustFromBig(chainID), Gas: 50000, To: recipient,
					GasTipCap: new(uint256.Int), GasFeeCap: new(uint256.Int), Value: new(uint256.Int),
					AuthList: []types.SetCodeAuthorization{{Address: recipient}},
				}), "transaction type not supported: tx type 4"
			},
			sentinel: core.ErrTxTypeNotSupported,
		},
		{
			name: "encoding larger than the size limit",
			tx: func(f *fixture) (*types.Transaction, string) {
				tx := sign(t, sender, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &recipient, Data: make([]byte, 131072)})
				return tx, fmt.Sprintf("oversized data: transaction size %d, limit 131072", tx.Size())
			},
			sentinel: txpool.ErrOversizedData,
		},
		{
			name: "signed for another chain",
			tx: func(f *fixture) (*types.Transaction, string) {
				other := types.LatestSignerForChainID(big.NewInt(1))
				tx, _ := types.SignNewTx(sender.priv, other, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &recipient})
				return tx, "invalid chain id for signer: have 1 want 7777"
			},
			sentinel: types.ErrInvalidChainId,
		},
		{
			name: "gas above the Osaka cap",
			tx: func(f *fixture) (*types.Transaction, string) {
				return withGas(t, sender, 0, 1<<24+1), "transaction gas limit too high (cap: 16777216, tx: 16777217)"
			},
			sentinel: core.ErrGasLimitTooHigh,
		},
		{
			name:  "gas above the block gas limit",
			setup: func(f *fixture) { f.state.gasLimit.Store(1_000_000) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return withGas(t, sender, 0, 1_000_001), "exceeds block gas limit: tx gas 1000001, block gas limit 1000000"
			},
			sentinel: txpool.ErrGasLimit,
		},
		{
			name: "tip above fee cap",
			tx: func(f *fixture) (*types.Transaction, string) {
				return dynamicPriced(t, sender, 0, 1, 2), "max priority fee per gas higher than max fee per gas"
			},
			sentinel: txpool.ErrTipAboveFeeCap,
		},
		{
			name: "signature that recovers no key",
			tx: func(f *fixture) (*types.Transaction, string) {
				// r = s = 0, with a v that carries our chain id, so that the
				// signature and not the chain id is what fails.
				v := new(big.Int).Add(new(big.Int).Mul(chainID, big.NewInt(2)), big.NewInt(35))
				tx := types.NewTx(&types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &recipient, V: v, R: new(big.Int), S: new(big.Int)})
				return tx, "invalid sender: invalid transaction v, r, s values"
			},
			sentinel: txpool.ErrInvalidSender,
		},
		{
			name: "gas below intrinsic gas",
			tx: func(f *fixture) (*types.Transaction, string) {
				return withGas(t, sender, 0, 20999), "intrinsic gas too low: gas 20999, minimum needed 21000"
			},
			sentinel: txpool.ErrIntrinsicGas,
		},
		{
			name: "gas below the calldata floor",
			tx: func(f *fixture) (*types.Transaction, string) {
				// 100 non-zero bytes: intrinsic 21000+1600, floor 21000+100*4*10.
				data := bytes.Repeat([]byte{0xff}, 100)
				return sign(t, sender, &types.LegacyTx{Gas: 23000, GasPrice: new(big.Int), To: &recipient, Data: data}),
					"insufficient gas for floor data gas cost: gas 23000, minimum needed 25000"
			},
			sentinel: txpool.ErrFloorDataGas,
		},
		{
			name: "init code above the limit",
			tx: func(f *fixture) (*types.Transaction, string) {
				return sign(t, sender, &types.LegacyTx{Gas: 1_000_000, GasPrice: new(big.Int), Data: make([]byte, 49153)}),
					"max initcode size exceeded: code size 49153 limit 49152"
			},
			sentinel: txpool.ErrMaxInitCodeSizeExceeded,
		},
		{
			name:  "nonce below the state nonce",
			setup: func(f *fixture) { f.state.setNonce(sender.addr, 3) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return transfer(t, sender, 2), "nonce too low: address " + from + ", tx: 2 state: 3"
			},
			sentinel: txpool.ErrNonceTooLow,
		},
		{
			name: "value beyond 256 bits",
			tx: func(f *fixture) (*types.Transaction, string) {
				value := new(big.Int).Lsh(big.NewInt(1), 256)
				return sign(t, sender, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &recipient, Value: value}),
					"insufficient funds for gas * price + value: value does not fit in 256 bits"
			},
			sentinel: txpool.ErrInsufficientFunds,
		},
		{
			name:  "value above the balance",
			setup: func(f *fixture) { f.state.setBalance(sender.addr, 1000) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return valued(t, sender, 0, 1001), "insufficient funds for gas * price + value: balance 1000, tx cost 1001, overshot 1"
			},
			sentinel: txpool.ErrInsufficientFunds,
		},
		{
			name: "values of pooled txs above the balance",
			setup: func(f *fixture) {
				f.state.setBalance(sender.addr, 1000)
				f.mustAdd(valued(t, sender, 0, 600))
			},
			tx: func(f *fixture) (*types.Transaction, string) {
				return valued(t, sender, 1, 600), "insufficient funds for gas * price + value: balance 1000, queued cost 600, tx cost 600, overshot 200"
			},
			sentinel: txpool.ErrInsufficientFunds,
		},
		{
			name:  "same transaction twice",
			setup: func(f *fixture) { f.mustAdd(transfer(t, sender, 0)) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return transfer(t, sender, 0), "already known"
			},
			sentinel: txpool.ErrAlreadyKnown,
		},
		{
			name:  "replacement without the price bump",
			setup: func(f *fixture) { f.mustAdd(legacyPriced(t, sender, 0, 100)) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return legacyPriced(t, sender, 0, 109), "replacement transaction underpriced"
			},
			sentinel: txpool.ErrReplaceUnderpriced,
		},
		{
			name: "nonce too far ahead",
			tx: func(f *fixture) (*types.Transaction, string) {
				return transfer(t, sender, 257), "account limit exceeded: nonce 257 is 257 past the pending nonce 0, limit 256"
			},
			sentinel: txpool.ErrAccountLimitExceeded,
		},
		{
			name:      "sender at its slot limit",
			configure: func(c *txpool.Config) { c.AccountSlots = 1 },
			setup:     func(f *fixture) { f.mustAdd(transfer(t, sender, 0)) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return transfer(t, sender, 1), "account limit exceeded: pooled 1 txs"
			},
			sentinel: txpool.ErrAccountLimitExceeded,
		},
		{
			name:      "pool full",
			configure: func(c *txpool.Config) { c.GlobalSlots = 1 },
			setup:     func(f *fixture) { f.mustAdd(transfer(t, account(1), 0)) },
			tx: func(f *fixture) (*types.Transaction, string) {
				return transfer(t, sender, 0), "txpool is full: 1 executable transactions"
			},
			sentinel: txpool.ErrTxPoolOverflow,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var configure []func(*txpool.Config)
			if tt.configure != nil {
				configure = append(configure, tt.configure)
			}
			f := newFixture(t, configure...)
			if tt.setup != nil {
				tt.setup(f)
			}
			tx, want := tt.tx(f)
			err := f.pool.Add(tx)
			if err == nil || err.Error() != want {
				t.Fatalf("Add:\n got %v\nwant %s", err, want)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("Add: %v is not %v", err, tt.sentinel)
			}
		})
	}
}
