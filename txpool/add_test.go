package txpool_test

import (
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

func TestAddAccepts(t *testing.T) {
	k := account(0)
	tests := []struct {
		name string
		tx   func(t *testing.T) *types.Transaction
	}{
		{"legacy transfer at zero price", func(t *testing.T) *types.Transaction { return transfer(t, k, 0) }},
		{"access-list transaction", func(t *testing.T) *types.Transaction {
			return sign(t, k, &types.AccessListTx{
				ChainID: chainID, Gas: 21000 + 2400 + 1900, GasPrice: new(big.Int), To: &recipient,
				AccessList: types.AccessList{{Address: recipient, StorageKeys: []common.Hash{{}}}},
			})
		}},
		{"dynamic-fee transaction at zero fees", func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 0, 0) }},
		{"contract creation at the init code limit", func(t *testing.T) *types.Transaction {
			return sign(t, k, &types.LegacyTx{Gas: 1_000_000, GasPrice: new(big.Int), Data: make([]byte, 49152)})
		}},
		{"gas exactly the block gas limit", func(t *testing.T) *types.Transaction { return withGas(t, k, 0, 1<<24) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tx := tt.tx(t)
			if err := f.pool.Add(tx); err != nil {
				t.Fatalf("Add: %v", err)
			}
			if !f.pool.Has(tx.Hash()) || f.pool.Get(tx.Hash()) != tx {
				t.Fatal("pooled transaction not found by hash")
			}
			f.wantStats(1, 0)
		})
	}
}

func TestAddRaw(t *testing.T) {
	k := account(0)
	tests := []struct {
		name    string
		raw     func(t *testing.T) []byte
		wantErr error
	}{
		{name: "canonical legacy encoding", raw: func(t *testing.T) []byte { return encode(t, transfer(t, k, 0)) }},
		{name: "canonical dynamic-fee encoding", raw: func(t *testing.T) []byte { return encode(t, dynamicPriced(t, k, 0, 1, 1)) }},
		{name: "empty input", raw: func(*testing.T) []byte { return nil }, wantErr: txpool.ErrInvalidEncoding},
		{name: "unknown type byte", raw: func(*testing.T) []byte { return []byte{0x7f, 0xc0} }, wantErr: txpool.ErrInvalidEncoding},
		{name: "truncated legacy encoding", raw: func(t *testing.T) []byte {
			b := encode(t, transfer(t, k, 0))
			return b[:len(b)-1]
		}, wantErr: txpool.ErrInvalidEncoding},
		{name: "larger than the size limit, refused before decoding", raw: func(*testing.T) []byte { return make([]byte, 131073) }, wantErr: txpool.ErrOversizedData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			raw := tt.raw(t)
			tx, err := f.pool.AddRaw(raw)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("AddRaw: got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got := f.pool.Reap(0)
			if len(got) != 1 || !slices.Equal(got[0], raw) {
				t.Fatalf("Reap after AddRaw: got %x, want the raw bytes %x", got, raw)
			}
			if f.pool.Get(tx.Hash()) == nil {
				t.Fatal("decoded transaction not pooled")
			}
		})
	}
}

func TestSender(t *testing.T) {
	f := newFixture(t)
	k := account(3)
	tx := transfer(t, k, 0)
	f.mustAdd(tx)
	// A fresh decoding of the same bytes carries no cached sender: the pool's
	// entry answers.
	var fresh types.Transaction
	if err := fresh.UnmarshalBinary(encode(t, tx)); err != nil {
		t.Fatal(err)
	}
	for name, tx := range map[string]*types.Transaction{"pooled": tx, "decoded again": &fresh, "not pooled": transfer(t, k, 1)} {
		if from, err := f.pool.Sender(tx); err != nil || from != k.addr {
			t.Errorf("Sender(%s): got %v, %v; want %v", name, from, err, k.addr)
		}
	}
	bad := types.NewTx(&types.LegacyTx{V: big.NewInt(35 + 2*7777), R: new(big.Int), S: new(big.Int)})
	if _, err := f.pool.Sender(bad); !errors.Is(err, txpool.ErrInvalidSender) {
		t.Errorf("Sender(bad signature): got %v, want %v", err, txpool.ErrInvalidSender)
	}
}

func TestCumulativeBalance(t *testing.T) {
	k := account(0)
	tests := []struct {
		name    string
		pooled  []uint64 // values of nonces 0, 1, ...
		nonce   uint64
		value   uint64
		wantErr error
	}{
		{name: "values sum to the balance", pooled: []uint64{400, 400}, nonce: 2, value: 200},
		{name: "values sum past the balance", pooled: []uint64{400, 400}, nonce: 2, value: 201, wantErr: txpool.ErrInsufficientFunds},
		{name: "queued values count too", pooled: []uint64{400}, nonce: 5, value: 601, wantErr: txpool.ErrInsufficientFunds},
		{name: "a replacement's value replaces the old one", pooled: []uint64{400, 400}, nonce: 1, value: 600},
		{name: "a replacement may not overdraw", pooled: []uint64{400, 400}, nonce: 1, value: 601, wantErr: txpool.ErrInsufficientFunds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.state.setBalance(k.addr, 1000)
			for n, v := range tt.pooled {
				f.mustAdd(valued(t, k, uint64(n), v))
			}
			// A replacement needs a higher price; value transfers here are priced 0.
			tx := sign(t, k, &types.LegacyTx{Nonce: tt.nonce, GasPrice: big.NewInt(1), Gas: 21000, To: &recipient, Value: new(big.Int).SetUint64(tt.value)})
			if err := f.pool.Add(tx); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Add: got error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestReplacement(t *testing.T) {
	k := account(0)
	tests := []struct {
		name    string
		old     func(t *testing.T) *types.Transaction
		new     func(t *testing.T) *types.Transaction
		wantErr error
	}{
		{"legacy, price up 10%", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 100) },
			func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 110) }, nil},
		{"legacy, price up 9%", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 100) },
			func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 109) }, txpool.ErrReplaceUnderpriced},
		{"legacy at zero price, price 1 wei", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 0) },
			func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 1) }, nil},
		{"legacy at zero price, same price", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 0) },
			func(t *testing.T) *types.Transaction { return valued(t, k, 0, 2) }, txpool.ErrReplaceUnderpriced},
		{"dynamic fee, both caps up 10%", func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1000, 100) },
			func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1100, 110) }, nil},
		{"dynamic fee, both caps up 9%", func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1000, 100) },
			func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1090, 109) }, txpool.ErrReplaceUnderpriced},
		{"dynamic fee, fee cap up 10%, tip up 9%", func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1000, 100) },
			func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1100, 109) }, txpool.ErrReplaceUnderpriced},
		{"dynamic fee, tip up 10%, fee cap up 9%", func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1000, 100) },
			func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 1090, 110) }, txpool.ErrReplaceUnderpriced},
		{"legacy replaced by dynamic fee, both up 10%", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 0, 100) },
			func(t *testing.T) *types.Transaction { return dynamicPriced(t, k, 0, 110, 110) }, nil},
		{"queued transaction, price up 10%", func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 3, 100) },
			func(t *testing.T) *types.Transaction { return legacyPriced(t, k, 3, 110) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			old, replacement := tt.old(t), tt.new(t)
			f.mustAdd(old)
			pending, queued := f.pool.Stats()
			err := f.pool.Add(replacement)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Add(replacement): got error %v, want %v", err, tt.wantErr)
			}
			kept, gone := replacement, old
			if err != nil {
				kept, gone = old, replacement
			}
			if !f.pool.Has(kept.Hash()) || f.pool.Has(gone.Hash()) {
				t.Fatalf("after replacement: want only %v pooled", kept.Hash())
			}
			f.wantStats(pending, queued)
		})
	}
}

func encode(t testing.TB, tx *types.Transaction) []byte {
	t.Helper()
	b, err := tx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
