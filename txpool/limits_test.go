package txpool_test

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

func TestLimits(t *testing.T) {
	a, b := account(0), account(1)
	tests := []struct {
		name      string
		configure func(*txpool.Config)
		pooled    func(t *testing.T) []*types.Transaction
		tx        func(t *testing.T) *types.Transaction
		wantErr   error
	}{
		{
			name:      "sender below its slot cap",
			configure: func(c *txpool.Config) { c.AccountSlots = 3 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, a, 2) },
		},
		{
			name:      "sender at its slot cap, pending and queued together",
			configure: func(c *txpool.Config) { c.AccountSlots = 3 },
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), transfer(t, a, 1), transfer(t, a, 5)}
			},
			tx:      func(t *testing.T) *types.Transaction { return transfer(t, a, 2) },
			wantErr: txpool.ErrAccountLimitExceeded,
		},
		{
			name:      "a replacement needs no free slot",
			configure: func(c *txpool.Config) { c.AccountSlots = 2 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return legacyPriced(t, a, 1, 1) },
		},
		{
			name:      "another sender is not held back by a full one",
			configure: func(c *txpool.Config) { c.AccountSlots = 2 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, b, 0) },
		},
		{
			name:      "nonce at the edge of the queue window",
			configure: func(c *txpool.Config) { c.AccountQueue = 4 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, a, 6) },
		},
		{
			name:      "nonce past the queue window",
			configure: func(c *txpool.Config) { c.AccountQueue = 4 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, a, 7) },
			wantErr:   txpool.ErrAccountLimitExceeded,
		},
		{
			name:      "sender's queue full",
			configure: func(c *txpool.Config) { c.AccountQueue = 2 },
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 1), transfer(t, a, 2)}
			},
			tx:      func(t *testing.T) *types.Transaction { return transfer(t, a, 3) },
			wantErr: txpool.ErrAccountLimitExceeded,
		},
		{
			name:      "sender's queue full but the tx is executable",
			configure: func(c *txpool.Config) { c.AccountQueue = 2 },
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 1), transfer(t, a, 2)}
			},
			tx: func(t *testing.T) *types.Transaction { return transfer(t, a, 0) },
		},
		{
			name:      "pool's executable slots full",
			configure: func(c *txpool.Config) { c.GlobalSlots = 2 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, b, 0) },
			wantErr:   txpool.ErrTxPoolOverflow,
		},
		{
			name:      "pool's executable slots full, a future tx still queues",
			configure: func(c *txpool.Config) { c.GlobalSlots = 2 },
			pooled:    func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 2) },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, b, 1) },
		},
		{
			name:      "pool's queue full",
			configure: func(c *txpool.Config) { c.GlobalQueue = 1 },
			pooled:    func(t *testing.T) []*types.Transaction { return []*types.Transaction{transfer(t, a, 1)} },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, b, 1) },
			wantErr:   txpool.ErrTxPoolOverflow,
		},
		{
			name:      "pool's queue full, an executable tx still enters",
			configure: func(c *txpool.Config) { c.GlobalQueue = 1 },
			pooled:    func(t *testing.T) []*types.Transaction { return []*types.Transaction{transfer(t, a, 1)} },
			tx:        func(t *testing.T) *types.Transaction { return transfer(t, b, 0) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.configure)
			f.mustAdd(tt.pooled(t)...)
			if err := f.pool.Add(tt.tx(t)); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Add: got error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestDefaultConfig pins the defaults the rest of the node relies on.
func TestDefaultConfig(t *testing.T) {
	got := txpool.DefaultConfig()
	want := txpool.Config{
		AccountSlots: 1024, GlobalSlots: 10240,
		AccountQueue: 256, GlobalQueue: 1024, PriceBump: 10, GlobalBytes: 256 << 20,
		LaneBlocks: 4, LaneBytes: 256 << 10, LaneMaxData: 4096, LaneMaxGas: 5_000_000, LaneLifetime: 20,
		Lifetime: 3600, Reannounce: 5, ReannounceBytes: 1 << 20, EvictedRecords: 4096,
	}
	if got != want {
		t.Fatalf("DefaultConfig:\n got %+v\nwant %+v", got, want)
	}
}

// TestZeroConfigTakesDefaults checks that New fills in zero limits.
func TestZeroConfigTakesDefaults(t *testing.T) {
	f := newFixture(t, func(c *txpool.Config) { *c = txpool.Config{} })
	a := account(0)
	f.mustAdd(txRange(t, a, 0, 50)...)
	if err := f.pool.Add(legacyPriced(t, a, 0, 1)); err != nil {
		t.Fatalf("Add(replacement with the default bump): %v", err)
	}
	if err := f.pool.Add(transfer(t, a, 49+256)); err != nil {
		t.Fatalf("Add(nonce at the default queue window): %v", err)
	}
}
