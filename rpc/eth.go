package rpc

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// ethAPI is the eth namespace. Every exported method is an RPC method: the
// server names it eth_ + the method name with a lower-case first letter.
type ethAPI struct {
	b         Backend
	cfg       Config
	chainID   *big.Int
	expensive *gate               // eth_call, eth_estimateGas, eth_createAccessList (nil: none)
	accounts  []*ecdsa.PrivateKey // unlocked development keys
}

// ChainId is eth_chainId (the spelling makes the RPC name).
func (api *ethAPI) ChainId() *hexutil.Big {
	return (*hexutil.Big)(new(big.Int).Set(api.chainID))
}

// BlockNumber is eth_blockNumber: the head's number.
func (api *ethAPI) BlockNumber() hexutil.Uint64 {
	if h := api.b.Head(); h != nil {
		return hexutil.Uint64(h.Number.Uint64())
	}
	return 0
}

// Syncing is eth_syncing: false, or go-ethereum's progress object.
func (api *ethAPI) Syncing() (any, error) {
	syncing, current, highest := api.b.Syncing()
	if !syncing {
		return false, nil
	}
	return map[string]any{
		"startingBlock": hexutil.Uint64(0),
		"currentBlock":  hexutil.Uint64(current),
		"highestBlock":  hexutil.Uint64(highest),
	}, nil
}

// GasPrice is eth_gasPrice: always zero.
func (api *ethAPI) GasPrice() *hexutil.Big { return new(hexutil.Big) }

// MaxPriorityFeePerGas is eth_maxPriorityFeePerGas: always zero.
func (api *ethAPI) MaxPriorityFeePerGas() *hexutil.Big { return new(hexutil.Big) }

// BlobBaseFee is eth_blobBaseFee: the EIP-4844 minimum, since excess blob gas
// is always zero (blob transactions are refused); BLOBBASEFEE returns the same.
func (api *ethAPI) BlobBaseFee() *hexutil.Big {
	return (*hexutil.Big)(big.NewInt(params.BlobTxMinBlobGasprice))
}

// GetBalance is eth_getBalance.
func (api *ethAPI) GetBalance(addr common.Address, sel *gethrpc.BlockNumberOrHash) (*hexutil.Big, error) {
	st, _, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	return (*hexutil.Big)(st.GetBalance(addr).ToBig()), st.Error()
}

// GetTransactionCount is eth_getTransactionCount; "pending" counts the pool.
func (api *ethAPI) GetTransactionCount(addr common.Address, sel *gethrpc.BlockNumberOrHash) (*hexutil.Uint64, error) {
	if sel != nil {
		if n, ok := sel.Number(); ok && n == gethrpc.PendingBlockNumber {
			nonce := api.b.PendingNonce(addr)
			return (*hexutil.Uint64)(&nonce), nil
		}
	}
	st, _, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	nonce := st.GetNonce(addr)
	return (*hexutil.Uint64)(&nonce), st.Error()
}

// GetCode is eth_getCode.
func (api *ethAPI) GetCode(addr common.Address, sel *gethrpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	st, _, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	return st.GetCode(addr), st.Error()
}

// GetStorageAt is eth_getStorageAt. The key is read leniently, as go-ethereum
// does: the 0x prefix is optional and shorter keys are left-padded.
func (api *ethAPI) GetStorageAt(addr common.Address, hexKey string, sel *gethrpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	st, _, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	key, _, err := decodeStorageKey(hexKey)
	if err != nil {
		return nil, invalidParams("%v: %q", err, hexKey)
	}
	v := st.GetState(addr, key)
	return v[:], st.Error()
}

// decodeStorageKey is go-ethereum's lenient storage-key parser. It also
// returns the key's length in bytes as given, which eth_getProof echoes.
func decodeStorageKey(s string) (common.Hash, int, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
	}
	if len(s)&1 == 1 {
		s = "0" + s
	}
	if len(s) > 64 {
		return common.Hash{}, len(s) / 2, errors.New("storage key too long (want at most 32 bytes)")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return common.Hash{}, len(s) / 2, errors.New("invalid hex in storage key")
	}
	return common.BytesToHash(b), len(b), nil
}

// SendRawTransaction is eth_sendRawTransaction. Decoding errors and the pool's
// refusals are returned as they are (code -32000), as go-ethereum does.
func (api *ethAPI) SendRawTransaction(input hexutil.Bytes) (common.Hash, error) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(input); err != nil {
		return common.Hash{}, err
	}
	if err := api.b.SendTransaction(tx); err != nil {
		return common.Hash{}, err
	}
	return tx.Hash(), nil
}

// GetTransactionByHash is eth_getTransactionByHash: a mined transaction, a
// pending one (null block fields), or null.
func (api *ethAPI) GetTransactionByHash(hash common.Hash) (*rpcTransaction, error) {
	tx, blockHash, number, index := api.b.Transaction(hash)
	if tx == nil {
		if tx := api.b.PoolTransaction(hash); tx != nil {
			return newRPCTransaction(tx, common.Hash{}, 0, 0, 0, nil, api.chainID), nil
		}
		return nil, nil
	}
	h := api.b.HeaderByHash(blockHash)
	if h == nil {
		return nil, errHeaderNotFound
	}
	return newRPCTransaction(tx, blockHash, number, h.Time, index, h.BaseFee, api.chainID), nil
}

// GetRawTransactionByHash is eth_getRawTransactionByHash.
func (api *ethAPI) GetRawTransactionByHash(hash common.Hash) (hexutil.Bytes, error) {
	tx, _, _, _ := api.b.Transaction(hash)
	if tx == nil {
		if tx = api.b.PoolTransaction(hash); tx == nil {
			return nil, nil
		}
	}
	return tx.MarshalBinary()
}

// GetTransactionReceipt is eth_getTransactionReceipt: null until mined.
func (api *ethAPI) GetTransactionReceipt(hash common.Hash) (map[string]any, error) {
	tx, blockHash, number, index := api.b.Transaction(hash)
	if tx == nil {
		return nil, nil
	}
	receipts := api.b.Receipts(blockHash, number)
	if index >= uint64(len(receipts)) {
		return nil, fmt.Errorf("receipt of transaction %s not found in block %d", hash.Hex(), number)
	}
	return marshalReceipt(receipts[index], blockHash, number, tx, int(index), api.chainID), nil
}

// GetBlockByNumber is eth_getBlockByNumber; null for a block above the head.
// "pending" is the head block.
func (api *ethAPI) GetBlockByNumber(n gethrpc.BlockNumber, fullTx bool) (map[string]any, error) {
	if b := api.blockByNumber(n); b != nil {
		return marshalBlock(b, fullTx, api.chainID), nil
	}
	return nil, nil
}

// GetBlockByHash is eth_getBlockByHash; null for an unknown hash.
func (api *ethAPI) GetBlockByHash(hash common.Hash, fullTx bool) (map[string]any, error) {
	if b := api.b.BlockByHash(hash); b != nil {
		return marshalBlock(b, fullTx, api.chainID), nil
	}
	return nil, nil
}

// GetHeaderByNumber is eth_getHeaderByNumber.
func (api *ethAPI) GetHeaderByNumber(n gethrpc.BlockNumber) (map[string]any, error) {
	if h := api.headerByNumber(n); h != nil {
		return marshalHeader(h), nil
	}
	return nil, nil
}

// GetHeaderByHash is eth_getHeaderByHash.
func (api *ethAPI) GetHeaderByHash(hash common.Hash) map[string]any {
	if h := api.b.HeaderByHash(hash); h != nil {
		return marshalHeader(h)
	}
	return nil
}

// GetBlockReceipts is eth_getBlockReceipts; null for an unknown block.
func (api *ethAPI) GetBlockReceipts(sel gethrpc.BlockNumberOrHash) ([]map[string]any, error) {
	b, err := api.blockBySelector(sel)
	if b == nil || err != nil {
		return nil, err
	}
	txs := b.Transactions()
	receipts := api.b.Receipts(b.Hash(), b.NumberU64())
	if len(txs) != len(receipts) {
		return nil, fmt.Errorf("receipts length mismatch: %d vs %d", len(txs), len(receipts))
	}
	res := make([]map[string]any, len(receipts))
	for i, r := range receipts {
		res[i] = marshalReceipt(r, b.Hash(), b.NumberU64(), txs[i], i, api.chainID)
	}
	return res, nil
}

// GetBlockTransactionCountByNumber is eth_getBlockTransactionCountByNumber.
func (api *ethAPI) GetBlockTransactionCountByNumber(n gethrpc.BlockNumber) *hexutil.Uint {
	return txCount(api.blockByNumber(n))
}

// GetBlockTransactionCountByHash is eth_getBlockTransactionCountByHash.
func (api *ethAPI) GetBlockTransactionCountByHash(hash common.Hash) *hexutil.Uint {
	return txCount(api.b.BlockByHash(hash))
}

func txCount(b *types.Block) *hexutil.Uint {
	if b == nil {
		return nil
	}
	n := hexutil.Uint(len(b.Transactions()))
	return &n
}

// GetTransactionByBlockNumberAndIndex is eth_getTransactionByBlockNumberAndIndex.
func (api *ethAPI) GetTransactionByBlockNumberAndIndex(n gethrpc.BlockNumber, index hexutil.Uint) *rpcTransaction {
	return api.txAt(api.blockByNumber(n), uint64(index))
}

// GetTransactionByBlockHashAndIndex is eth_getTransactionByBlockHashAndIndex.
func (api *ethAPI) GetTransactionByBlockHashAndIndex(hash common.Hash, index hexutil.Uint) *rpcTransaction {
	return api.txAt(api.b.BlockByHash(hash), uint64(index))
}

func (api *ethAPI) txAt(b *types.Block, index uint64) *rpcTransaction {
	if b == nil || index >= uint64(len(b.Transactions())) {
		return nil
	}
	return newRPCTransaction(b.Transactions()[index], b.Hash(), b.NumberU64(), b.Time(), index, b.BaseFee(), api.chainID)
}

// GetUncleCountByBlockNumber is eth_getUncleCountByBlockNumber: 0 for a known block.
func (api *ethAPI) GetUncleCountByBlockNumber(n gethrpc.BlockNumber) *hexutil.Uint {
	return uncleCount(api.blockByNumber(n))
}

// GetUncleCountByBlockHash is eth_getUncleCountByBlockHash: 0 for a known block.
func (api *ethAPI) GetUncleCountByBlockHash(hash common.Hash) *hexutil.Uint {
	return uncleCount(api.b.BlockByHash(hash))
}

// GetUncleByBlockNumberAndIndex is eth_getUncleByBlockNumberAndIndex: blocks
// have no uncles, so null, as geth answers for an index past the uncles.
func (api *ethAPI) GetUncleByBlockNumberAndIndex(gethrpc.BlockNumber, hexutil.Uint) map[string]any {
	return nil
}

// GetUncleByBlockHashAndIndex is eth_getUncleByBlockHashAndIndex: null.
func (api *ethAPI) GetUncleByBlockHashAndIndex(common.Hash, hexutil.Uint) map[string]any {
	return nil
}

func uncleCount(b *types.Block) *hexutil.Uint {
	if b == nil {
		return nil
	}
	n := hexutil.Uint(len(b.Uncles()))
	return &n
}

// headerByNumber resolves a block number or tag; nil if there is no such block.
func (api *ethAPI) headerByNumber(n gethrpc.BlockNumber) *types.Header {
	switch {
	case n == gethrpc.EarliestBlockNumber:
		return api.b.HeaderByNumber(0)
	case n < 0: // latest, pending, safe, finalized
		return api.b.Head()
	default:
		return api.b.HeaderByNumber(uint64(n))
	}
}

// blockByNumber resolves a block number or tag; nil if there is no such block.
func (api *ethAPI) blockByNumber(n gethrpc.BlockNumber) *types.Block {
	switch {
	case n == gethrpc.EarliestBlockNumber:
		return api.b.BlockByNumber(0)
	case n < 0:
		h := api.b.Head()
		if h == nil {
			return nil
		}
		return api.b.BlockByHash(h.Hash())
	default:
		return api.b.BlockByNumber(uint64(n))
	}
}

// blockBySelector resolves a block number, tag or hash; nil if there is no such block.
func (api *ethAPI) blockBySelector(sel gethrpc.BlockNumberOrHash) (*types.Block, error) {
	if n, ok := sel.Number(); ok {
		return api.blockByNumber(n), nil
	}
	if hash, ok := sel.Hash(); ok {
		b := api.b.BlockByHash(hash)
		if b != nil && sel.RequireCanonical && !api.canonical(b.Header()) {
			return nil, errNotCanonical
		}
		return b, nil
	}
	return nil, errNoBlockSelector
}

// header resolves the block of a state query as go-ethereum's
// StateAndHeaderByNumberOrHash does, with its errors; nil selects the head.
func (api *ethAPI) header(sel *gethrpc.BlockNumberOrHash) (*types.Header, error) {
	if sel == nil {
		latest := gethrpc.BlockNumberOrHashWithNumber(gethrpc.LatestBlockNumber)
		sel = &latest
	}
	if n, ok := sel.Number(); ok {
		h := api.headerByNumber(n)
		if h == nil {
			return nil, errHeaderNotFound
		}
		return h, nil
	}
	if hash, ok := sel.Hash(); ok {
		h := api.b.HeaderByHash(hash)
		if h == nil {
			return nil, errHashNotFound
		}
		if sel.RequireCanonical && !api.canonical(h) {
			return nil, errNotCanonical
		}
		return h, nil
	}
	return nil, errNoBlockSelector
}

func (api *ethAPI) canonical(h *types.Header) bool {
	c := api.b.HeaderByNumber(h.Number.Uint64())
	return c != nil && c.Hash() == h.Hash()
}

// namesHead reports whether sel is the head by a tag, or by default: nil,
// latest, pending, safe or finalized.
func namesHead(sel *gethrpc.BlockNumberOrHash) bool {
	if sel == nil {
		return true
	}
	n, ok := sel.Number()
	return ok && n < 0 && n != gethrpc.EarliestBlockNumber
}

// state is the state after the selected block, and that block's header.
func (api *ethAPI) state(sel *gethrpc.BlockNumberOrHash) (*state.StateDB, *types.Header, error) {
	if namesHead(sel) {
		if st, h, err := api.b.HeadState(); h != nil {
			if err != nil {
				return nil, nil, stateError(h.Number.Uint64(), err)
			}
			return st, h, nil
		}
	}
	h, err := api.header(sel)
	if err != nil {
		return nil, nil, err
	}
	st, err := api.b.State(h)
	if err != nil {
		return nil, nil, stateError(h.Number.Uint64(), err)
	}
	return st, h, nil
}

// stateError names the block whose state is missing, keeping the Backend's
// detail when it gives one.
func stateError(number uint64, err error) error {
	if !errors.Is(err, ErrStateUnavailable) {
		return err
	}
	detail := "this node keeps only the state of recent blocks"
	if s := strings.TrimPrefix(err.Error(), ErrStateUnavailable.Error()+": "); s != err.Error() {
		detail = s
	}
	return fmt.Errorf("%w for block %d: %s", ErrStateUnavailable, number, detail)
}

// withTimeout bounds ctx by the configured EVM timeout, if there is one.
func (api *ethAPI) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if api.cfg.EVMTimeout > 0 {
		return context.WithTimeout(ctx, api.cfg.EVMTimeout)
	}
	return context.WithCancel(ctx)
}

// aborted is the error for an execution whose ctx (from withTimeout) ended:
// the EVM timeout, or the request's own end; nil while ctx is live.
func (api *ethAPI) aborted(ctx context.Context) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("execution aborted (timeout = %v)", api.cfg.EVMTimeout)
	default:
		return errRequestTimedOut
	}
}

// GetRawTransactionByBlockNumberAndIndex is eth_getRawTransactionByBlockNumberAndIndex.
func (api *ethAPI) GetRawTransactionByBlockNumberAndIndex(n gethrpc.BlockNumber, index hexutil.Uint) hexutil.Bytes {
	return rawTxAt(api.blockByNumber(n), uint64(index))
}

// GetRawTransactionByBlockHashAndIndex is eth_getRawTransactionByBlockHashAndIndex.
func (api *ethAPI) GetRawTransactionByBlockHashAndIndex(hash common.Hash, index hexutil.Uint) hexutil.Bytes {
	return rawTxAt(api.b.BlockByHash(hash), uint64(index))
}

func rawTxAt(b *types.Block, index uint64) hexutil.Bytes {
	if b == nil || index >= uint64(len(b.Transactions())) {
		return nil
	}
	raw, _ := b.Transactions()[index].MarshalBinary()
	return raw
}

// BaseFee is eth_baseFee: the next block's base fee, always zero.
func (api *ethAPI) BaseFee() *hexutil.Big { return new(hexutil.Big) }

// maxStorageSlots is go-ethereum's cap on the slots of one eth_getStorageValues.
const maxStorageSlots = 1024

// GetStorageValues is eth_getStorageValues: many slots of many accounts at
// one block.
func (api *ethAPI) GetStorageValues(requests map[common.Address][]common.Hash, sel *gethrpc.BlockNumberOrHash) (map[common.Address][]hexutil.Bytes, error) {
	total := 0
	for _, keys := range requests {
		if total += len(keys); total > maxStorageSlots {
			return nil, &jsonError{code: codeClientLimit, msg: fmt.Sprintf("too many slots (max %d)", maxStorageSlots)}
		}
	}
	if total == 0 {
		return nil, invalidParams("empty request")
	}
	st, _, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	out := make(map[common.Address][]hexutil.Bytes, len(requests))
	for addr, keys := range requests {
		vals := make([]hexutil.Bytes, len(keys))
		for i, key := range keys {
			v := st.GetState(addr, key)
			vals[i] = v[:]
		}
		out[addr] = vals
	}
	return out, st.Error()
}
