package app_test

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

// TestProxyThroughPool: a seat holder's proxy of no record gets its
// attendance through the pool and into a block, paid by the holder's
// governance allowance; the pool refuses its transfer and its motion, and a
// proxy appointed once the meeting started is refused in the block. The
// pool treats the proxy's own application as an account of no record's
// (one pooled transaction at a time), not as its holder's.
func TestProxyThroughPool(t *testing.T) {
	c := newCluster(t, 2, map[string]uint64{"meetingNotice": 0})
	holder, late := role(t, devnet.RoleNameNodesCommission, "academic"), role(t, devnet.RoleNameNodesCommission, "public")
	secretary := role(t, devnet.RoleNameSecretary, "public")
	proxy, lateProxy := strangerKey(7), strangerKey(8)
	// mine proposes a block and returns its receipts' statuses.
	mine := func(what string, want int) []uint64 {
		t.Helper()
		fin := c.propose(0)
		if len(fin.TxResults) != want {
			t.Fatalf("%s: %d transactions in the block, want %d", what, len(fin.TxResults), want)
		}
		head := c.apps[0].chain.Head()
		var status []uint64
		for i, r := range c.apps[0].chain.Receipts(head.Hash(), head.Number.Uint64()) {
			if fin.TxResults[i].Code != 0 {
				t.Fatalf("%s: code %d: %s", what, fin.TxResults[i].Code, fin.TxResults[i].Log)
			}
			status = append(status, r.Status)
		}
		return status
	}
	ok := func(what string, want int) {
		t.Helper()
		for i, s := range mine(what, want) {
			if s != types.ReceiptStatusSuccessful {
				t.Fatalf("%s: transaction %d reverted", what, i)
			}
		}
	}
	present := func() []uint64 {
		t.Helper()
		st, err := c.apps[0].StateAt(c.apps[0].chain.Head())
		if err != nil {
			t.Fatal(err)
		}
		in, _ := governance.ABI.Pack("meeting", uint64(1))
		out, err := governance.New().View(governance.Env{}, st, in)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := governance.ABI.Unpack("meeting", out)
		if err != nil {
			t.Fatal(err)
		}
		return vals[6].([]uint64)
	}

	if err := c.add(0, govCall(t, holder.Key, 0, "appointProxy", ethtest.Address(proxy))); err != nil {
		t.Fatal(err)
	}
	start := uint64(c.time.Unix()) + 3
	if err := c.add(0, govCall(t, secretary.Key, 0, "convene", uint8(governance.MeetingOrdinary), [32]byte{1}, start, start+600, "online", uint64(0))); err != nil {
		t.Fatal(err)
	}
	ok("appointment and convening", 2)
	for uint64(c.time.Unix())+1 < start { // the next block is the meeting's first
		ok("to the meeting's start", 0)
	}
	if err := c.add(0, govCall(t, late.Key, 0, "appointProxy", ethtest.Address(lateProxy))); err != nil {
		t.Fatal(err)
	}
	ok("a late appointment, at the start", 1)

	to := common.HexToAddress("0xbeef")
	if err := c.add(0, ethtest.Transfer(proxy, chainID, 0, to, big.NewInt(0))); !errors.Is(err, governance.ErrNotMember) {
		t.Fatalf("the pool admits a proxy's transfer: %v", err)
	}
	if err := c.add(0, govCall(t, proxy, 0, "moveParameter", uint64(1), "applyQuota", big.NewInt(3))); !errors.Is(err, governance.ErrNotMember) || !strings.Contains(err.Error(), "as a proxy, it may only attend and vote") {
		t.Fatalf("the pool admits a proxy's motion: %v", err)
	}
	if err := c.add(0, govCall(t, proxy, 0, "attend", uint64(1))); err != nil {
		t.Fatalf("the pool refuses the proxy's attendance: %v", err)
	}
	holderKey := holder.Record<<1 | 1 // the pool's key of the holder's governance allowance
	if got := c.apps[0].pool.PayerGas(holderKey); got != 3_000_000 {
		t.Fatalf("the holder's allowance has %d gas pooled, want the attendance's 3000000", got)
	}
	// Its application is an account of no record's, not its holder's: one
	// pooled transaction at a time.
	if err := c.add(0, application(t, proxy, 1)); err == nil || !strings.Contains(err.Error(), "an account of no record pools one transaction at a time") {
		t.Fatalf("the proxy's application beside its pooled attendance: %v", err)
	}
	if err := c.add(0, govCall(t, lateProxy, 0, "attend", uint64(1))); err != nil {
		t.Fatalf("the pool refuses the late proxy's attendance: %v", err)
	}
	if st := mine("the meeting's first block", 2); st[0] != types.ReceiptStatusSuccessful || st[1] != types.ReceiptStatusFailed {
		t.Fatalf("the proxy's and the late proxy's attendance: receipt statuses %v, want success and failure", st)
	}
	if got := present(); !slices.Equal(got, []uint64{holder.Record}) {
		t.Fatalf("present %v, want the holder %d alone (by its proxy)", got, holder.Record)
	}
	// The proxy's own application, once its attendance is mined.
	if err := c.add(0, application(t, proxy, 1)); err != nil {
		t.Fatalf("the proxy's own application: %v", err)
	}
	if got := c.apps[0].pool.PayerGas(holderKey); got != 0 {
		t.Fatalf("the proxy's application was counted against its holder's allowance: %d gas pooled", got)
	}
	ok("the proxy's application", 1)
	// The late proxy's holder attends itself.
	if err := c.add(0, govCall(t, late.Key, 1, "attend", uint64(1))); err != nil {
		t.Fatal(err)
	}
	ok("the late proxy's holder attends", 1)
	if got := present(); !slices.Equal(got, []uint64{holder.Record, late.Record}) {
		t.Fatalf("present %v", got)
	}
}
