package txpool_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
)

// FuzzAddRaw feeds arbitrary bytes to AddRaw: it must refuse or accept, never
// panic, and what it accepts must be pooled and reaped as given.
func FuzzAddRaw(f *testing.F) {
	k := account(0)
	for _, tx := range []*types.Transaction{
		transfer(f, k, 0),
		transfer(f, k, 5),
		dynamicPriced(f, k, 0, 10, 1),
		sign(f, k, &types.AccessListTx{ChainID: chainID, Gas: 30000, GasPrice: new(big.Int), To: &recipient,
			AccessList: types.AccessList{{Address: recipient}}}),
		sign(f, k, &types.LegacyTx{Gas: 100_000, GasPrice: new(big.Int), Data: []byte{0x60, 0x00}}),
		sign(f, k, &types.BlobTx{ChainID: uint256.MustFromBig(chainID), Gas: 21000, To: recipient,
			GasTipCap: new(uint256.Int), GasFeeCap: new(uint256.Int), Value: new(uint256.Int), BlobFeeCap: uint256.NewInt(1)}),
	} {
		raw, err := tx.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{})
	f.Add([]byte{0x02})
	f.Add([]byte{0xc0})
	f.Add([]byte{0x01, 0xc0})
	f.Add([]byte{0xf8, 0xff})

	f.Fuzz(func(t *testing.T, raw []byte) {
		fx := newFixture(t)
		tx, err := fx.pool.AddRaw(raw)
		if err != nil {
			return
		}
		if !fx.pool.Has(tx.Hash()) {
			t.Fatal("accepted transaction is not pooled")
		}
		if _, err := fx.pool.AddRaw(raw); err == nil {
			t.Fatal("the same bytes were accepted twice")
		}
		pending, _ := fx.pool.Stats()
		if got := fx.pool.Reap(0); len(got) != pending {
			t.Fatalf("Reap: got %d txs, want %d", len(got), pending)
		}
	})
}
