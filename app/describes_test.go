package app

import (
	"errors"
	"math/big"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/redmx/redmx/execution"
)

// describes refuses a kept result that FinalizeBlock could not turn into
// one result per transaction of the decided block.
func TestDescribes(t *testing.T) {
	txs := []*types.Transaction{
		types.NewTx(&types.LegacyTx{Nonce: 0, To: &common.Address{1}}),
		types.NewTx(&types.LegacyTx{Nonce: 1, To: &common.Address{1}}),
	}
	receipts := types.Receipts{{}, {}}
	block := types.NewBlock(&types.Header{Number: big.NewInt(5)}, &types.Body{Transactions: txs}, receipts, trie.NewStackTrie(nil))
	raw := [][]byte{{0}, {1}, {2}}
	result := func(rs ...execution.TxResult) *executed {
		return &executed{result: &execution.Result{Block: block, Receipts: receipts, Txs: rs}}
	}
	skipped := execution.TxResult{Err: errors.New("invalid"), Index: -1}
	req := &abci.RequestFinalizeBlock{Height: 5, Txs: raw}
	if !result(execution.TxResult{Index: 0}, skipped, execution.TxResult{Index: 1}).describes(req) {
		t.Fatal("refused the block's own result")
	}
	for name, ex := range map[string]*executed{
		"one entry short":      result(execution.TxResult{Index: 0}, execution.TxResult{Index: 1}),
		"index past the block": result(execution.TxResult{Index: 0}, skipped, execution.TxResult{Index: 2}),
		"indexes out of order": result(execution.TxResult{Index: 1}, skipped, execution.TxResult{Index: 0}),
		"fewer than the block": result(execution.TxResult{Index: 0}, skipped, skipped),
	} {
		if ex.describes(req) {
			t.Errorf("%s: accepted", name)
		}
	}
	if result(execution.TxResult{Index: 0}, skipped, execution.TxResult{Index: 1}).describes(&abci.RequestFinalizeBlock{Height: 6, Txs: raw}) {
		t.Error("accepted another height")
	}
}
