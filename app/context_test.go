package app_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
)

// TestBlockContextOpcodes runs every block-context opcode inside a transaction
// and checks each against the header of the block that holds it.
func TestBlockContextOpcodes(t *testing.T) {
	h := newHarness(t, memStore())
	key := ethtest.DevKey(0)
	from := ethtest.Address(key)
	c := contracts.BlockContext()

	deploy := ethtest.Deploy(key, chainID, 0, c.DeployData(), 1_000_000)
	mustAdd(t, h, deploy)
	h.block()
	addr := crypto.CreateAddress(from, 0)
	mustAdd(t, h, ethtest.Call(key, chainID, 1, addr, c.Pack("record"), 500_000))
	fin := h.block()
	if fin.TxResults[0].Code != 0 {
		t.Fatalf("record: code %d %s", fin.TxResults[0].Code, fin.TxResults[0].Log)
	}
	head := h.app.chain.Head()
	rs := h.app.chain.Receipts(head.Hash(), head.Number.Uint64())
	if rs[0].Status != 1 {
		t.Fatalf("record() failed")
	}
	parent := h.app.chain.HeaderByNumber(head.Number.Uint64() - 1)

	st, err := h.app.StateAt(head)
	if err != nil {
		t.Fatal(err)
	}
	msg := &core.Message{From: from, To: &addr, Data: c.Pack("seen"), GasLimit: 1_000_000, Value: new(uint256.Int)}
	res, err := h.app.exec.Call(context.Background(), msg.SkipNonceCheck(), head, st)
	if err != nil || res.Failed() {
		t.Fatalf("seen(): %v %v", err, res)
	}
	out, err := c.ABI.Unpack("seen", res.ReturnData)
	if err != nil {
		t.Fatal(err)
	}
	word := func(i int) common.Hash {
		switch v := out[i].(type) {
		case [32]byte:
			return v
		case common.Address:
			return common.BytesToHash(v.Bytes())
		case *big.Int:
			return common.BigToHash(v)
		}
		t.Fatalf("field %d: unexpected %T", i, out[i])
		return common.Hash{}
	}
	want := []struct {
		name string
		got  common.Hash
		want common.Hash
	}{
		{"BLOCKHASH(n-1)", word(0), parent.Hash()},
		{"COINBASE", word(1), common.BytesToHash(head.Coinbase.Bytes())},
		{"TIMESTAMP", word(2), common.BigToHash(new(big.Int).SetUint64(head.Time))},
		{"NUMBER", word(3), common.BigToHash(head.Number)},
		{"PREVRANDAO", word(4), head.MixDigest},
		{"GASLIMIT", word(5), common.BigToHash(new(big.Int).SetUint64(head.GasLimit))},
		{"CHAINID", word(6), common.BigToHash(big.NewInt(chainID))},
		{"BASEFEE", word(7), common.Hash{}},
		{"BLOBBASEFEE", word(8), common.BigToHash(big.NewInt(1))}, // the EIP-4844 minimum at zero excess blob gas
		{"BLOBHASH(0)", word(9), common.Hash{}},
		{"GASPRICE", word(10), common.Hash{}}, // zero fees, whatever the tx declared
		{"ORIGIN", word(11), common.BytesToHash(from.Bytes())},
		{"SELFBALANCE", word(12), common.Hash{}},
	}
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("%s = %s, want %s", w.name, w.got, w.want)
		}
	}
	if head.MixDigest == (common.Hash{}) {
		t.Errorf("PREVRANDAO is zero")
	}
}
