package dashboard

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/internal/govclient"
)

// Bounds of a search answer.
const (
	maxQuery     = 256
	maxTxsShown  = 200
	maxEventsOut = 200
)

// EventOut is a decoded governance event.
type EventOut struct {
	Tx     string         `json:"tx"`
	Index  uint           `json:"log_index"`
	Name   string         `json:"name"`
	Text   string         `json:"text"`
	Fields map[string]any `json:"fields"`
}

// BlockOut is a block found by number or hash.
type BlockOut struct {
	Number   uint64     `json:"number"`
	Hash     string     `json:"hash"`
	TimeS    uint64     `json:"time"`
	Txs      int        `json:"tx_count"`
	TxHashes []string   `json:"txs"`
	GasUsed  uint64     `json:"gas_used"`
	Coinbase string     `json:"coinbase"`
	Events   []EventOut `json:"events"`
}

// TxOut is a transaction found by hash.
type TxOut struct {
	Hash    string     `json:"hash"`
	Block   uint64     `json:"block"`
	Index   uint64     `json:"index"`
	From    string     `json:"from"`
	To      string     `json:"to,omitempty"`
	Value   string     `json:"value"`
	Nonce   uint64     `json:"nonce"`
	Gas     uint64     `json:"gas"`
	Status  uint64     `json:"status"`
	GasUsed uint64     `json:"gas_used"`
	Method  string     `json:"method,omitempty"`
	Events  []EventOut `json:"events"`
	Pending bool       `json:"pending"`
}

// AccountOut is an address at the latest block.
type AccountOut struct {
	Address  string `json:"address"`
	Block    uint64 `json:"block"`
	Balance  string `json:"balance"`
	Nonce    uint64 `json:"nonce"`
	CodeSize int    `json:"code_size"`
}

// SearchOut is the answer of /dashboard/api/search.
type SearchOut struct {
	Query   string      `json:"query"`
	Kind    string      `json:"kind"` // block, tx, address or none
	Block   *BlockOut   `json:"block,omitempty"`
	Tx      *TxOut      `json:"tx,omitempty"`
	Account *AccountOut `json:"account,omitempty"`
	Error   string      `json:"error,omitempty"`
}

// search finds a block by number or hash, a transaction by hash, or an
// address.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	out := SearchOut{Query: q, Kind: "none"}
	b := s.cfg.Backend
	switch {
	case q == "":
		out.Error = "type a block number, a transaction or block hash, or an address"
	case isDecimal(q):
		n, err := strconv.ParseUint(q, 10, 64)
		if err != nil {
			out.Error = "block number too large"
			break
		}
		if blk := b.BlockByNumber(n); blk != nil {
			out.Kind, out.Block = "block", s.blockOut(blk)
		} else {
			out.Error = "no block " + q + " on this node"
		}
	case len(q) == 66 && isHex(q):
		h := common.HexToHash(q)
		if tx, blockHash, number, index := b.Transaction(h); tx != nil {
			out.Kind, out.Tx = "tx", s.txOut(tx, blockHash, number, index)
		} else if tx := b.PoolTransaction(h); tx != nil {
			out.Kind, out.Tx = "tx", s.txOut(tx, common.Hash{}, 0, 0)
		} else if blk := b.BlockByHash(h); blk != nil {
			out.Kind, out.Block = "block", s.blockOut(blk)
		} else {
			out.Error = "no transaction or block with hash " + q
		}
	case len(q) == 42 && isHex(q):
		acc, err := s.account(common.HexToAddress(q))
		if err != nil {
			out.Error = err.Error()
		} else {
			out.Kind, out.Account = "address", acc
		}
	default:
		out.Error = "not a block number, a 32-byte hash or a 20-byte address (0x…)"
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) blockOut(blk *types.Block) *BlockOut {
	out := &BlockOut{Number: blk.NumberU64(), Hash: blk.Hash().Hex(), TimeS: blk.Time(), Txs: len(blk.Transactions()),
		GasUsed: blk.GasUsed(), Coinbase: blk.Coinbase().Hex()}
	for i, tx := range blk.Transactions() {
		if i >= maxTxsShown {
			break
		}
		out.TxHashes = append(out.TxHashes, tx.Hash().Hex())
	}
	for _, rc := range s.cfg.Backend.Receipts(blk.Hash(), blk.NumberU64()) {
		out.Events = appendEvents(out.Events, rc.Logs)
	}
	return out
}

func (s *Server) txOut(tx *types.Transaction, blockHash common.Hash, number, index uint64) *TxOut {
	b := s.cfg.Backend
	out := &TxOut{Hash: tx.Hash().Hex(), Block: number, Index: index, Value: tx.Value().String(), Nonce: tx.Nonce(), Gas: tx.Gas(),
		Pending: blockHash == (common.Hash{})}
	signer := types.LatestSignerForChainID(tx.ChainId())
	if from, err := types.Sender(signer, tx); err == nil {
		out.From = from.Hex()
	}
	if to := tx.To(); to != nil {
		out.To = to.Hex()
		if *to == governanceAddress && len(tx.Data()) >= 4 {
			if m, err := governanceABI.MethodById(tx.Data()[:4]); err == nil {
				out.Method = m.Name
			}
		}
	}
	if out.Pending {
		return out
	}
	rcs := b.Receipts(blockHash, number)
	if index < uint64(len(rcs)) {
		rc := rcs[index]
		out.Status, out.GasUsed = rc.Status, rc.GasUsed
		out.Events = appendEvents(out.Events, rc.Logs)
	}
	return out
}

func appendEvents(out []EventOut, logs []*types.Log) []EventOut {
	for _, l := range logs {
		if len(out) >= maxEventsOut {
			return out
		}
		ev, ok, err := govclient.DecodeLog(l)
		if !ok || err != nil {
			continue
		}
		out = append(out, EventOut{Tx: l.TxHash.Hex(), Index: l.Index, Name: ev.Name, Text: ev.String(), Fields: govclient.JSONObject(ev.Fields)})
	}
	return out
}

func (s *Server) account(addr common.Address) (*AccountOut, error) {
	st, head, err := s.cfg.Backend.HeadState()
	if head == nil {
		return nil, errNoState
	}
	if err != nil {
		return nil, err
	}
	return &AccountOut{Address: addr.Hex(), Block: head.Number.Uint64(), Balance: st.GetBalance(addr).ToBig().String(),
		Nonce: st.GetNonce(addr), CodeSize: st.GetCodeSize(addr)}, nil
}

func isDecimal(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func isHex(s string) bool {
	_, err := hexutil.Decode(s)
	return err == nil
}
