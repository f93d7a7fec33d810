package rpc

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// Unlocked accounts are what a development node offers, as geth --dev, anvil
// and Hardhat do: eth_accounts lists them, and eth_sendTransaction,
// eth_signTransaction and eth_sign sign with them. A node serves none unless
// configured (Config.DevAccounts).

// errUnknownAccount is go-ethereum's accounts.ErrUnknownAccount text.
var errUnknownAccount = accounts.ErrUnknownAccount

// Accounts is eth_accounts: the node's unlocked accounts, if any.
func (api *ethAPI) Accounts() []common.Address {
	out := make([]common.Address, len(api.accounts))
	for i, k := range api.accounts {
		out[i] = crypto.PubkeyToAddress(k.PublicKey)
	}
	return out
}

func (api *ethAPI) key(addr common.Address) (*ecdsa.PrivateKey, error) {
	for _, k := range api.accounts {
		if crypto.PubkeyToAddress(k.PublicKey) == addr {
			return k, nil
		}
	}
	return nil, errUnknownAccount
}

// SendTransaction is eth_sendTransaction: the missing fields are filled in as
// go-ethereum does (pending nonce, estimated gas, zero fees), the transaction
// is signed with the sender's unlocked key and added to the pool.
func (api *ethAPI) SendTransaction(ctx context.Context, args transactionArgs) (common.Hash, error) {
	key, err := api.key(args.from())
	if err != nil {
		return common.Hash{}, err
	}
	if err := api.sendDefaults(ctx, &args); err != nil {
		return common.Hash{}, err
	}
	tx, err := types.SignTx(args.toTransaction(), types.LatestSignerForChainID(api.chainID), key)
	if err != nil {
		return common.Hash{}, err
	}
	if err := api.b.SendTransaction(tx); err != nil {
		return common.Hash{}, err
	}
	return tx.Hash(), nil
}

// signTransactionResult is eth_signTransaction's answer.
type signTransactionResult struct {
	Raw hexutil.Bytes      `json:"raw"`
	Tx  *types.Transaction `json:"tx"`
}

// SignTransaction is eth_signTransaction: like eth_sendTransaction, but the
// gas, fees and nonce must be given and the signed transaction is returned
// instead of sent.
func (api *ethAPI) SignTransaction(ctx context.Context, args transactionArgs) (*signTransactionResult, error) {
	switch {
	case args.Gas == nil:
		return nil, errors.New("gas not specified")
	case args.GasPrice == nil && (args.MaxPriorityFeePerGas == nil || args.MaxFeePerGas == nil):
		return nil, errors.New("missing gasPrice or maxFeePerGas/maxPriorityFeePerGas")
	case args.Nonce == nil:
		return nil, errors.New("nonce not specified")
	}
	key, err := api.key(args.from())
	if err != nil {
		return nil, err
	}
	if err := api.sendDefaults(ctx, &args); err != nil {
		return nil, err
	}
	tx, err := types.SignTx(args.toTransaction(), types.LatestSignerForChainID(api.chainID), key)
	if err != nil {
		return nil, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &signTransactionResult{Raw: raw, Tx: tx}, nil
}

// Sign is eth_sign: an EIP-191 personal-message signature by an unlocked
// account, with V as 27 or 28.
func (api *ethAPI) Sign(addr common.Address, data hexutil.Bytes) (hexutil.Bytes, error) {
	key, err := api.key(addr)
	if err != nil {
		return nil, err
	}
	sig, err := crypto.Sign(accounts.TextHash(data), key)
	if err != nil {
		return nil, err
	}
	sig[crypto.RecoveryIDOffset] += 27
	return sig, nil
}

// sendDefaults is go-ethereum's TransactionArgs.setDefaults for a node whose
// base fee and suggested tip are zero.
func (api *ethAPI) sendDefaults(ctx context.Context, args *transactionArgs) error {
	if args.BlobHashes != nil || args.BlobFeeCap != nil || args.AuthorizationList != nil {
		return core.ErrTxTypeNotSupported
	}
	if args.GasPrice != nil && (args.MaxFeePerGas != nil || args.MaxPriorityFeePerGas != nil) {
		return errBothGasPrices
	}
	if args.GasPrice == nil {
		if args.MaxPriorityFeePerGas == nil {
			args.MaxPriorityFeePerGas = new(hexutil.Big)
		}
		if args.MaxFeePerGas == nil {
			args.MaxFeePerGas = (*hexutil.Big)(new(big.Int).Set(args.MaxPriorityFeePerGas.ToInt()))
		}
		if fee, tip := args.MaxFeePerGas.ToInt(), args.MaxPriorityFeePerGas.ToInt(); fee.Cmp(tip) < 0 {
			return fmt.Errorf("maxFeePerGas (%v) < maxPriorityFeePerGas (%v)", fee, tip)
		}
	}
	if args.Value == nil {
		args.Value = new(hexutil.Big)
	}
	if args.Nonce == nil {
		n := api.b.PendingNonce(args.from())
		args.Nonce = (*hexutil.Uint64)(&n)
	}
	if args.Data != nil && args.Input != nil && !bytes.Equal(*args.Data, *args.Input) {
		return errDataInputMismatch
	}
	if args.To == nil && len(args.data()) == 0 {
		return errors.New(`contract creation without any data provided`)
	}
	if args.ChainID == nil {
		args.ChainID = (*hexutil.Big)(new(big.Int).Set(api.chainID))
	} else if have := args.ChainID.ToInt(); have.Cmp(api.chainID) != 0 {
		return fmt.Errorf("chainId does not match node's (have=%v, want=%v)", have, api.chainID)
	}
	if args.Gas == nil {
		est := *args
		latest := gethrpc.BlockNumberOrHashWithNumber(gethrpc.LatestBlockNumber)
		gas, err := api.EstimateGas(ctx, est, &latest, nil, nil)
		if err != nil {
			return err
		}
		args.Gas = &gas
	}
	return nil
}

// toTransaction builds the unsigned transaction sendDefaults prepared: legacy
// when a gas price is given, EIP-2930 when an access list comes with it,
// EIP-1559 otherwise.
func (args *transactionArgs) toTransaction() *types.Transaction {
	var al types.AccessList
	if args.AccessList != nil {
		al = *args.AccessList
	}
	switch {
	case args.MaxFeePerGas != nil:
		return types.NewTx(&types.DynamicFeeTx{
			ChainID: args.ChainID.ToInt(), Nonce: uint64(*args.Nonce), To: args.To,
			Gas: uint64(*args.Gas), GasFeeCap: args.MaxFeePerGas.ToInt(), GasTipCap: args.MaxPriorityFeePerGas.ToInt(),
			Value: args.Value.ToInt(), Data: args.data(), AccessList: al,
		})
	case args.AccessList != nil:
		return types.NewTx(&types.AccessListTx{
			ChainID: args.ChainID.ToInt(), Nonce: uint64(*args.Nonce), To: args.To,
			Gas: uint64(*args.Gas), GasPrice: args.GasPrice.ToInt(),
			Value: args.Value.ToInt(), Data: args.data(), AccessList: al,
		})
	default:
		return types.NewTx(&types.LegacyTx{
			Nonce: uint64(*args.Nonce), To: args.To, Gas: uint64(*args.Gas), GasPrice: args.GasPrice.ToInt(),
			Value: args.Value.ToInt(), Data: args.data(),
		})
	}
}

// FillTransaction is eth_fillTransaction: the transaction eth_sendTransaction
// would sign, unsigned, as EIP-1559 unless a gas price is given.
func (api *ethAPI) FillTransaction(ctx context.Context, args transactionArgs) (*signTransactionResult, error) {
	if err := api.sendDefaults(ctx, &args); err != nil {
		return nil, err
	}
	tx := args.toTransaction()
	raw, err := tx.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &signTransactionResult{Raw: raw, Tx: tx}, nil
}

// PendingTransactions is eth_pendingTransactions: the pooled transactions
// sent from this node's unlocked accounts.
func (api *ethAPI) PendingTransactions() []*rpcTransaction {
	pending, queued := api.b.PoolContent()
	out := []*rpcTransaction{}
	for _, addr := range api.Accounts() {
		for _, tx := range append(pending[addr], queued[addr]...) {
			out = append(out, newRPCTransaction(tx, common.Hash{}, 0, 0, 0, nil, api.chainID))
		}
	}
	return out
}
