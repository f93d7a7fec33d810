package rpc

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// marshalHeader is go-ethereum's RPCMarshalHeader: optional fields appear only
// when the header has them, and there is no totalDifficulty.
func marshalHeader(h *types.Header) map[string]any {
	m := map[string]any{
		"number":           (*hexutil.Big)(h.Number),
		"hash":             h.Hash(),
		"parentHash":       h.ParentHash,
		"nonce":            h.Nonce,
		"mixHash":          h.MixDigest,
		"sha3Uncles":       h.UncleHash,
		"logsBloom":        h.Bloom,
		"stateRoot":        h.Root,
		"miner":            h.Coinbase,
		"difficulty":       (*hexutil.Big)(h.Difficulty),
		"extraData":        hexutil.Bytes(h.Extra),
		"gasLimit":         hexutil.Uint64(h.GasLimit),
		"gasUsed":          hexutil.Uint64(h.GasUsed),
		"timestamp":        hexutil.Uint64(h.Time),
		"transactionsRoot": h.TxHash,
		"receiptsRoot":     h.ReceiptHash,
	}
	if h.BaseFee != nil {
		m["baseFeePerGas"] = (*hexutil.Big)(h.BaseFee)
	}
	if h.WithdrawalsHash != nil {
		m["withdrawalsRoot"] = h.WithdrawalsHash
	}
	if h.BlobGasUsed != nil {
		m["blobGasUsed"] = hexutil.Uint64(*h.BlobGasUsed)
	}
	if h.ExcessBlobGas != nil {
		m["excessBlobGas"] = hexutil.Uint64(*h.ExcessBlobGas)
	}
	if h.ParentBeaconRoot != nil {
		m["parentBeaconBlockRoot"] = h.ParentBeaconRoot
	}
	if h.RequestsHash != nil {
		m["requestsHash"] = h.RequestsHash
	}
	if h.BlockAccessListHash != nil {
		m["blockAccessListHash"] = h.BlockAccessListHash
	}
	if h.SlotNumber != nil {
		m["slotNumber"] = hexutil.Uint64(*h.SlotNumber)
	}
	return m
}

// marshalBlock is go-ethereum's RPCMarshalBlock with transactions included:
// hashes, or full objects when fullTx is set.
func marshalBlock(b *types.Block, fullTx bool, chainID *big.Int) map[string]any {
	m := marshalHeader(b.Header())
	m["size"] = hexutil.Uint64(b.Size())

	txs := b.Transactions()
	list := make([]any, len(txs))
	for i, tx := range txs {
		if fullTx {
			list[i] = newRPCTransaction(tx, b.Hash(), b.NumberU64(), b.Time(), uint64(i), b.BaseFee(), chainID)
		} else {
			list[i] = tx.Hash()
		}
	}
	m["transactions"] = list

	uncles := b.Uncles()
	hashes := make([]common.Hash, len(uncles))
	for i, u := range uncles {
		hashes[i] = u.Hash()
	}
	m["uncles"] = hashes

	switch {
	case b.Withdrawals() != nil:
		m["withdrawals"] = b.Withdrawals()
	case b.Header().WithdrawalsHash != nil:
		// A body stored without its (empty) withdrawals list.
		m["withdrawals"] = types.Withdrawals{}
	}
	return m
}

// rpcTransaction is go-ethereum's RPCTransaction.
type rpcTransaction struct {
	BlockHash           *common.Hash                 `json:"blockHash"`
	BlockNumber         *hexutil.Big                 `json:"blockNumber"`
	BlockTimestamp      *hexutil.Uint64              `json:"blockTimestamp"`
	From                common.Address               `json:"from"`
	Gas                 hexutil.Uint64               `json:"gas"`
	GasPrice            *hexutil.Big                 `json:"gasPrice"`
	GasFeeCap           *hexutil.Big                 `json:"maxFeePerGas,omitempty"`
	GasTipCap           *hexutil.Big                 `json:"maxPriorityFeePerGas,omitempty"`
	MaxFeePerBlobGas    *hexutil.Big                 `json:"maxFeePerBlobGas,omitempty"`
	Hash                common.Hash                  `json:"hash"`
	Input               hexutil.Bytes                `json:"input"`
	Nonce               hexutil.Uint64               `json:"nonce"`
	To                  *common.Address              `json:"to"`
	TransactionIndex    *hexutil.Uint64              `json:"transactionIndex"`
	Value               *hexutil.Big                 `json:"value"`
	Type                hexutil.Uint64               `json:"type"`
	Accesses            *types.AccessList            `json:"accessList,omitempty"`
	ChainID             *hexutil.Big                 `json:"chainId,omitempty"`
	BlobVersionedHashes []common.Hash                `json:"blobVersionedHashes,omitempty"`
	AuthorizationList   []types.SetCodeAuthorization `json:"authorizationList,omitempty"`
	V                   *hexutil.Big                 `json:"v"`
	R                   *hexutil.Big                 `json:"r"`
	S                   *hexutil.Big                 `json:"s"`
	YParity             *hexutil.Uint64              `json:"yParity,omitempty"`
}

// newRPCTransaction is go-ethereum's newRPCTransaction. A zero blockHash means
// a pending transaction: the block fields stay null and a dynamic-fee
// transaction reports its fee cap as gasPrice. Once mined it reports
// min(tip + baseFee, feeCap).
func newRPCTransaction(tx *types.Transaction, blockHash common.Hash, number, time, index uint64, baseFee, chainID *big.Int) *rpcTransaction {
	from, _ := types.Sender(types.LatestSignerForChainID(chainID), tx)
	v, r, s := tx.RawSignatureValues()
	res := &rpcTransaction{
		Type:     hexutil.Uint64(tx.Type()),
		From:     from,
		Gas:      hexutil.Uint64(tx.Gas()),
		GasPrice: (*hexutil.Big)(tx.GasPrice()),
		Hash:     tx.Hash(),
		Input:    hexutil.Bytes(tx.Data()),
		Nonce:    hexutil.Uint64(tx.Nonce()),
		To:       tx.To(),
		Value:    (*hexutil.Big)(tx.Value()),
		V:        (*hexutil.Big)(v),
		R:        (*hexutil.Big)(r),
		S:        (*hexutil.Big)(s),
	}
	mined := blockHash != (common.Hash{})
	if mined {
		res.BlockHash = &blockHash
		res.BlockNumber = (*hexutil.Big)(new(big.Int).SetUint64(number))
		res.BlockTimestamp = (*hexutil.Uint64)(&time)
		res.TransactionIndex = (*hexutil.Uint64)(&index)
	}
	if tx.Type() == types.LegacyTxType {
		if id := tx.ChainId(); id.Sign() != 0 {
			res.ChainID = (*hexutil.Big)(id)
		}
		return res
	}
	al := tx.AccessList()
	yParity := hexutil.Uint64(v.Sign())
	res.Accesses = &al
	res.ChainID = (*hexutil.Big)(tx.ChainId())
	res.YParity = &yParity
	if tx.Type() == types.AccessListTxType {
		return res
	}
	// Dynamic-fee, blob and set-code transactions.
	res.GasFeeCap = (*hexutil.Big)(tx.GasFeeCap())
	res.GasTipCap = (*hexutil.Big)(tx.GasTipCap())
	if baseFee != nil && mined {
		res.GasPrice = (*hexutil.Big)(effectiveGasPrice(tx, baseFee))
	} else {
		res.GasPrice = (*hexutil.Big)(tx.GasFeeCap())
	}
	switch tx.Type() {
	case types.BlobTxType:
		res.MaxFeePerBlobGas = (*hexutil.Big)(tx.BlobGasFeeCap())
		res.BlobVersionedHashes = tx.BlobHashes()
	case types.SetCodeTxType:
		res.AuthorizationList = tx.SetCodeAuthorizations()
	}
	return res
}

// effectiveGasPrice is min(tip + baseFee, feeCap).
func effectiveGasPrice(tx *types.Transaction, baseFee *big.Int) *big.Int {
	fee := tx.GasTipCap()
	fee.Add(fee, baseFee)
	if tx.GasFeeCapIntCmp(fee) < 0 {
		return tx.GasFeeCap()
	}
	return fee
}

// marshalReceipt is go-ethereum's MarshalReceipt, except that
// effectiveGasPrice is always 0x0: nothing is charged on this chain.
func marshalReceipt(r *types.Receipt, blockHash common.Hash, number uint64, tx *types.Transaction, index int, chainID *big.Int) map[string]any {
	from, _ := types.Sender(types.LatestSignerForChainID(chainID), tx)
	m := map[string]any{
		"blockHash":         blockHash,
		"blockNumber":       hexutil.Uint64(number),
		"transactionHash":   tx.Hash(),
		"transactionIndex":  hexutil.Uint64(index),
		"from":              from,
		"to":                tx.To(),
		"gasUsed":           hexutil.Uint64(r.GasUsed),
		"cumulativeGasUsed": hexutil.Uint64(r.CumulativeGasUsed),
		"contractAddress":   nil,
		"logs":              r.Logs,
		"logsBloom":         r.Bloom,
		"type":              hexutil.Uint(tx.Type()),
		"effectiveGasPrice": (*hexutil.Big)(new(big.Int)),
	}
	if len(r.PostState) > 0 {
		m["root"] = hexutil.Bytes(r.PostState)
	} else {
		m["status"] = hexutil.Uint(r.Status)
	}
	if r.Logs == nil {
		m["logs"] = []*types.Log{}
	}
	if tx.Type() == types.BlobTxType {
		m["blobGasUsed"] = hexutil.Uint64(r.BlobGasUsed)
		m["blobGasPrice"] = (*hexutil.Big)(r.BlobGasPrice)
	}
	if r.ContractAddress != (common.Address{}) {
		m["contractAddress"] = r.ContractAddress
	}
	return m
}
