package status

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	gogotypes "github.com/cosmos/gogoproto/types"
)

func waitFor(t *testing.T, what string, cond func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, err)
		case <-tick.C:
		}
	}
}

// TestReactorGossip connects three CometBFT switches in a line, 0-1-2: each
// node's signed report reaches the node it is not connected to, through the
// middle one; a peer that sends a report that does not verify is
// disconnected.
func TestReactorGossip(t *testing.T) {
	const n = 3
	reactors := make([]*Reactor, n)
	ids := make([]string, n)
	keys := make([]ed25519.PrivateKey, n)
	for i := range reactors {
		priv, id := key(t)
		ids[i], keys[i] = id, priv
		reactors[i] = NewReactor(priv, NewBook(0, nil), slog.New(slog.DiscardHandler), nil)
		reactors[i].SetSource(func() Report {
			return Report{NodeID: id, Moniker: fmt.Sprintf("n%d", i), Network: "testing", ConsensusAlive: true}
		})
	}
	switches := p2p.MakeConnectedSwitches(config.TestP2PConfig(), n, func(i int, sw *p2p.Switch) *p2p.Switch {
		sw.AddReactor(ReactorName, reactors[i])
		return sw
	}, func(sws []*p2p.Switch, i, j int) {
		if j == i+1 {
			p2p.Connect2Switches(sws, i, j)
		}
	})
	t.Cleanup(func() {
		for _, sw := range switches {
			_ = sw.Stop()
		}
	})
	waitFor(t, "every node's report at every node", func() error {
		for i, r := range reactors {
			for j, id := range ids {
				st, ok := r.Book().State(id, time.Now())
				if !ok || st.State != Online {
					return fmt.Errorf("node %d has no fresh report of node %d", i, j)
				}
			}
		}
		return nil
	})

	peer := switches[2].Peers().Get(switches[1].NodeInfo().ID())
	if peer == nil {
		t.Fatal("node 2 is not connected to node 1")
	}
	// Node 2's key signs a report of another network: not kept, no harm.
	elsewhere, err := Sign(Report{NodeID: ids[2], Network: "elsewhere", Seq: 1 << 61}, keys[2])
	if err != nil {
		t.Fatal(err)
	}
	if !peer.Send(p2p.Envelope{ChannelID: Channel, Message: &gogotypes.BytesValue{Value: elsewhere}}) {
		t.Fatal("send failed")
	}

	// Node 2 sends node 1 a report signed by a key that is not its node's.
	other, _ := key(t)
	bad, err := Sign(Report{NodeID: ids[2], Seq: 1 << 62}, other)
	if err != nil {
		t.Fatal(err)
	}
	if !peer.Send(p2p.Envelope{ChannelID: Channel, Message: &gogotypes.BytesValue{Value: bad}}) {
		t.Fatal("send failed")
	}
	waitFor(t, "node 1 to drop node 2", func() error {
		if switches[1].Peers().Has(switches[2].NodeInfo().ID()) {
			return fmt.Errorf("still connected")
		}
		return nil
	})
	if st, _ := reactors[1].Book().State(ids[2], time.Now()); st.Report.Seq >= 1<<61 {
		t.Fatalf("a report of another network or a forged one was kept: %+v", st.Report)
	}
}
