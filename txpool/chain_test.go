package txpool_test

import (
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

// stricterChain is the node's chain with one more rule: no transaction to
// banned, and encodings of at most maxSize bytes.
type stricterChain struct {
	txpool.Chain
	banned  common.Address
	maxSize int
}

var errBanned = errors.New("banned recipient")

func (c stricterChain) CheckTx(tx *types.Transaction) (common.Address, error) {
	if to := tx.To(); to != nil && *to == c.banned {
		return common.Address{}, errBanned
	}
	return c.Chain.CheckTx(tx)
}

func (c stricterChain) MaxTxSize() int { return c.maxSize }

// TestPoolAdmitsByTheChainsCheck: what a transaction must be is the chain's
// to say. The pool refuses what the chain's check refuses, with the check's
// own error, and its size bound before decoding is the chain's.
func TestPoolAdmitsByTheChainsCheck(t *testing.T) {
	banned := common.Address{0xba}
	chain := stricterChain{Chain: testChain, banned: banned, maxSize: 200}
	state := newTestState()
	pool := txpool.New(txpool.DefaultConfig(), chain, nil)
	pool.Reset(state)
	a := account(0)

	toBanned := sign(t, a, &types.LegacyTx{Gas: 21000, GasPrice: new(big.Int), To: &banned})
	if err := pool.Add(toBanned); !errors.Is(err, errBanned) {
		t.Fatalf("Add(to a banned address) = %v, want the chain's %v", err, errBanned)
	}
	if err := pool.Add(transfer(t, a, 0)); err != nil {
		t.Fatalf("Add(transfer) = %v", err)
	}
	large := sign(t, a, &types.LegacyTx{Nonce: 1, Gas: 100_000, GasPrice: new(big.Int), To: &recipient, Data: make([]byte, 300)})
	raw, err := large.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	_, err = pool.AddRaw(raw)
	if !errors.Is(err, txpool.ErrOversizedData) || err.Error() != fmt.Sprintf("oversized data: transaction size %d, limit 200", len(raw)) {
		t.Fatalf("AddRaw(%d bytes) = %v, want oversized data at the chain's limit of 200", len(raw), err)
	}
	if pending, _ := pool.Stats(); pending != 1 {
		t.Fatalf("pending = %d, want 1", pending)
	}
}
