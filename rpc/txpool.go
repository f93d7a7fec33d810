package rpc

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// txpoolAPI is go-ethereum's txpool namespace: what waits in this node's pool,
// as executable ("pending") and future-nonce ("queued") transactions.
type txpoolAPI struct {
	b       Backend
	chainID *big.Int
}

// Status is txpool_status.
func (api *txpoolAPI) Status() map[string]hexutil.Uint {
	pending, queued := api.b.PoolStats()
	return map[string]hexutil.Uint{"pending": hexutil.Uint(pending), "queued": hexutil.Uint(queued)}
}

// Content is txpool_content: transactions by status, sender and nonce.
func (api *txpoolAPI) Content() map[string]map[string]map[string]*rpcTransaction {
	pending, queued := api.b.PoolContent()
	return map[string]map[string]map[string]*rpcTransaction{
		"pending": api.bySender(pending),
		"queued":  api.bySender(queued),
	}
}

// ContentFrom is txpool_contentFrom: one sender's transactions by status and nonce.
func (api *txpoolAPI) ContentFrom(addr common.Address) map[string]map[string]*rpcTransaction {
	pending, queued := api.b.PoolContent()
	return map[string]map[string]*rpcTransaction{
		"pending": api.byNonce(pending[addr]),
		"queued":  api.byNonce(queued[addr]),
	}
}

// Inspect is txpool_inspect: a one-line summary of each transaction.
func (api *txpoolAPI) Inspect() map[string]map[string]map[string]string {
	pending, queued := api.b.PoolContent()
	return map[string]map[string]map[string]string{
		"pending": inspect(pending),
		"queued":  inspect(queued),
	}
}

// Evicted is txpool_evicted, redmx's own: why this node's pool let a
// transaction go without its being mined, among its recent evictions, or
// null. eth_getTransactionByHash answers null for such a transaction, as
// go-ethereum does for any it does not know.
func (api *txpoolAPI) Evicted(hash common.Hash) *rpcEviction {
	reason, height, ok := api.b.PoolEvicted(hash)
	if !ok {
		return nil
	}
	return &rpcEviction{Hash: hash, Reason: reason, BlockNumber: hexutil.Uint64(height)}
}

// rpcEviction is txpool_evicted's answer.
type rpcEviction struct {
	Hash        common.Hash    `json:"hash"`
	Reason      string         `json:"reason"`
	BlockNumber hexutil.Uint64 `json:"blockNumber"` // the head when it was evicted
}

func (api *txpoolAPI) bySender(txs map[common.Address][]*types.Transaction) map[string]map[string]*rpcTransaction {
	out := make(map[string]map[string]*rpcTransaction, len(txs))
	for addr, list := range txs {
		out[addr.Hex()] = api.byNonce(list)
	}
	return out
}

func (api *txpoolAPI) byNonce(txs []*types.Transaction) map[string]*rpcTransaction {
	out := make(map[string]*rpcTransaction, len(txs))
	for _, tx := range txs {
		out[strconv.FormatUint(tx.Nonce(), 10)] = newRPCTransaction(tx, common.Hash{}, 0, 0, 0, nil, api.chainID)
	}
	return out
}

// inspect formats transactions as go-ethereum's txpool_inspect does.
func inspect(txs map[common.Address][]*types.Transaction) map[string]map[string]string {
	out := make(map[string]map[string]string, len(txs))
	for addr, list := range txs {
		m := make(map[string]string, len(list))
		for _, tx := range list {
			var s string
			if to := tx.To(); to != nil {
				s = fmt.Sprintf("%s: %v wei + %v gas × %v wei", to.Hex(), tx.Value(), tx.Gas(), tx.GasPrice())
			} else {
				s = fmt.Sprintf("contract creation: %v wei + %v gas × %v wei", tx.Value(), tx.Gas(), tx.GasPrice())
			}
			m[strconv.FormatUint(tx.Nonce(), 10)] = s
		}
		out[addr.Hex()] = m
	}
	return out
}
