package node_test

import (
	"bytes"
	"context"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestNetwork runs four validators with real CometBFT on loopback and uses
// them through go-ethereum's ethclient: a contract deployment, transfers,
// receipts, 50 transactions from one sender sent in random order, and
// agreement of every node on every block.
func TestNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	clients := dialAll(ctx, t, net)
	ec := clients[0]
	chainID, err := ec.ChainID(ctx)
	if err != nil || chainID.Uint64() != net.ChainID {
		t.Fatalf("eth_chainId = %v, %v; want %d", chainID, err, net.ChainID)
	}
	key := ethtest.DevKey(0)
	from := ethtest.Address(key)

	t.Run("deploy and use a contract", func(t *testing.T) {
		token := contracts.Token()
		nonce, err := ec.PendingNonceAt(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		supply := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))
		deploy := ethtest.Deploy(key, net.ChainID, nonce, token.DeployData("Peso", "PSO", supply), 2_000_000)
		r := sendAndWait(ctx, t, clients[1], deploy)
		if r.ContractAddress != crypto.CreateAddress(from, nonce) {
			t.Fatalf("contract address %s, want %s", r.ContractAddress, crypto.CreateAddress(from, nonce))
		}
		if code, err := clients[1].CodeAt(ctx, r.ContractAddress, r.BlockNumber); err != nil || len(code) == 0 {
			t.Fatalf("no code at %s: %v", r.ContractAddress, err)
		}
		to := common.HexToAddress("0x00000000000000000000000000000000000000aa")
		call := ethtest.Call(key, net.ChainID, nonce+1, r.ContractAddress, token.Pack("transfer", to, big.NewInt(1234)), 100_000)
		r2 := sendAndWait(ctx, t, clients[2], call)
		if len(r2.Logs) != 1 || r2.Logs[0].Topics[0] != token.ABI.Events["Transfer"].ID {
			t.Fatalf("transfer receipt logs %+v", r2.Logs)
		}
		out, err := clients[2].CallContract(ctx, ethereum.CallMsg{To: &r.ContractAddress, Data: token.Pack("balanceOf", to)}, r2.BlockNumber)
		if err != nil || new(big.Int).SetBytes(out).Int64() != 1234 {
			t.Fatalf("balanceOf = %x, %v; want 1234", out, err)
		}
	})

	t.Run("native transfers", func(t *testing.T) {
		to := common.HexToAddress("0x00000000000000000000000000000000000000bb")
		// The most any node counts: the node that returned the last
		// receipt has it, the others may be a block behind.
		var nonce uint64
		for _, c := range clients {
			n, err := c.PendingNonceAt(ctx, from)
			if err != nil {
				t.Fatal(err)
			}
			nonce = max(nonce, n)
		}
		before, _ := ec.BalanceAt(ctx, from, nil)
		r := sendAndWait(ctx, t, clients[3], ethtest.Transfer(key, net.ChainID, nonce, to, big.NewInt(1e18)))
		if r.EffectiveGasPrice == nil || r.EffectiveGasPrice.Sign() != 0 {
			t.Fatalf("effectiveGasPrice %v, want 0", r.EffectiveGasPrice)
		}
		if r.GasUsed != 21000 {
			t.Fatalf("gasUsed %d, want 21000", r.GasUsed)
		}
		// Ask the node that returned the receipt: the others may be a
		// block behind.
		got, err := clients[3].BalanceAt(ctx, to, r.BlockNumber)
		if err != nil || got.Cmp(big.NewInt(1e18)) != 0 {
			t.Fatalf("recipient balance %v, %v", got, err)
		}
		after, _ := clients[3].BalanceAt(ctx, from, r.BlockNumber)
		if new(big.Int).Sub(before, after).Cmp(big.NewInt(1e18)) != 0 {
			t.Fatalf("sender paid %v, want exactly the value (no fees)", new(big.Int).Sub(before, after))
		}
	})

	t.Run("50 transactions from one sender in random order", func(t *testing.T) {
		k := ethtest.DevKey(1)
		addr := ethtest.Address(k)
		base, err := ec.PendingNonceAt(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		txs := make([]*types.Transaction, 50)
		for i := range txs {
			txs[i] = ethtest.Transfer(k, net.ChainID, base+uint64(i), common.BigToAddress(big.NewInt(int64(0x10000+i))), big.NewInt(1))
		}
		order := rand.Perm(len(txs))
		var wg sync.WaitGroup
		errs := make([]error, len(txs))
		for j, i := range order {
			wg.Go(func() { errs[j] = clients[j%len(clients)].SendTransaction(ctx, txs[i]) })
		}
		wg.Wait()
		for j, err := range errs {
			if err != nil {
				t.Fatalf("send nonce %d: %v", txs[order[j]].Nonce(), err)
			}
		}
		var prev *types.Receipt
		for i, tx := range txs {
			r := waitReceipt(ctx, t, ec, tx.Hash())
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("nonce %d failed", tx.Nonce())
			}
			if prev != nil && (r.BlockNumber.Cmp(prev.BlockNumber) < 0 || r.BlockNumber.Cmp(prev.BlockNumber) == 0 && r.TransactionIndex <= prev.TransactionIndex) {
				t.Fatalf("nonce %d mined at %d/%d, before nonce %d at %d/%d", tx.Nonce(), r.BlockNumber, r.TransactionIndex, i-1, prev.BlockNumber, prev.TransactionIndex)
			}
			prev = r
		}
	})

	t.Run("every node serves the same blocks, hashed as keccak(rlp(header))", func(t *testing.T) {
		head, err := ec.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		testnet.WaitFor(ctx, t, "every node at the head", func() error {
			for _, c := range clients {
				n, err := c.BlockNumber(ctx)
				if err != nil {
					return err
				}
				if n < head {
					return errBehind
				}
			}
			return nil
		})
		for n := uint64(0); n <= head; n++ {
			var want common.Hash
			for i, c := range clients {
				h, err := c.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
				if err != nil {
					t.Fatalf("node %d block %d: %v", i, n, err)
				}
				enc, _ := rlp.EncodeToBytes(h)
				if got := crypto.Keccak256Hash(enc); got != h.Hash() {
					t.Fatalf("block %d hash mismatch", n)
				}
				if i == 0 {
					want = h.Hash()
				} else if h.Hash() != want {
					t.Fatalf("block %d: node %d has %s, node 0 has %s", n, i, h.Hash(), want)
				}
			}
		}
		// The served JSON hash is the hash of the served fields.
		var raw struct {
			Hash common.Hash `json:"hash"`
		}
		if err := ec.Client().CallContext(ctx, &raw, "eth_getBlockByNumber", "latest", false); err != nil {
			t.Fatal(err)
		}
		h, err := ec.HeaderByHash(ctx, raw.Hash)
		if err != nil || h.Hash() != raw.Hash {
			t.Fatalf("header by served hash %s: %v", raw.Hash, err)
		}
	})

	t.Run("refusals carry geth's messages", func(t *testing.T) {
		nonce, _ := ec.NonceAt(ctx, from, nil)
		for _, tc := range []struct {
			tx   *types.Transaction
			want string
		}{
			{ethtest.Transfer(key, net.ChainID, 0, from, big.NewInt(1)), "nonce too low"},
			{ethtest.Transfer(key, net.ChainID+1, nonce, from, big.NewInt(1)), "invalid chain id"},
			{ethtest.Sign(key, net.ChainID, &types.LegacyTx{Nonce: nonce, To: &from, Gas: 1 << 25, GasPrice: big.NewInt(0)}), "transaction gas limit too high"},
			{ethtest.Sign(key, net.ChainID, &types.LegacyTx{Nonce: nonce, To: &from, Gas: 20000, GasPrice: big.NewInt(0)}), "intrinsic gas too low"},
		} {
			err := ec.SendTransaction(ctx, tc.tx)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		}
	})
}

var errBehind = errString("node behind the head")

type errString string

func (e errString) Error() string { return string(e) }

func sendAndWait(ctx context.Context, t *testing.T, c *ethclient.Client, tx *types.Transaction) *types.Receipt {
	t.Helper()
	if err := c.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("send %s: %v", tx.Hash(), err)
	}
	r := waitReceipt(ctx, t, c, tx.Hash())
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("tx %s failed", tx.Hash())
	}
	return r
}

func waitReceipt(ctx context.Context, t *testing.T, c *ethclient.Client, hash common.Hash) *types.Receipt {
	t.Helper()
	var r *types.Receipt
	testnet.WaitFor(ctx, t, "receipt of "+hash.Hex(), func() error {
		var err error
		r, err = c.TransactionReceipt(ctx, hash)
		return err
	})
	return r
}
