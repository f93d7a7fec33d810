package app_test

import (
	"context"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/governance"
)

// TestPeerTopology: the peer filter by this node's role and the peer's
// (docs/governance.md §3.1): validators and observers accept admitted
// validators and observers, a node not admitted accepts admitted nodes,
// and every role refuses a node not admitted, suspended or removed, saying
// which; operator-configured peers pass whatever governance holds.
func TestPeerTopology(t *testing.T) {
	const (
		validator  = "1111111111111111111111111111111111111111"
		observer   = "2222222222222222222222222222222222222222"
		suspended  = "3333333333333333333333333333333333333333"
		removed    = "4444444444444444444444444444444444444444"
		stranger   = "5555555555555555555555555555555555555555"
		configured = "6666666666666666666666666666666666666666"
		selfVal    = "7777777777777777777777777777777777777777"
		selfObs    = "8888888888888888888888888888888888888888"
		selfNone   = "9999999999999999999999999999999999999999"
	)
	gov := newFakeGov()
	gov.nodes[validator] = fakeNode{governance.NodeValidator, governance.NodeAdmitted}
	gov.nodes[observer] = fakeNode{governance.NodeObserver, governance.NodeAdmitted}
	gov.nodes[suspended] = fakeNode{governance.NodeValidator, governance.NodeSuspended}
	gov.nodes[removed] = fakeNode{governance.NodeObserver, governance.NodeRemoved}
	gov.nodes[configured] = fakeNode{governance.NodeObserver, governance.NodeRemoved}
	gov.nodes[selfVal] = fakeNode{governance.NodeValidator, governance.NodeAdmitted}
	gov.nodes[selfObs] = fakeNode{governance.NodeObserver, governance.NodeAdmitted}
	want := map[string]string{ // peer: refusal ("" accepted)
		validator:  "",
		observer:   "",
		configured: "",
		suspended:  "node " + suspended + " is suspended by governance",
		removed:    "node " + removed + " is removed by governance",
		stranger:   "node " + stranger + " is not admitted by governance",
	}
	for _, self := range []string{selfVal, selfObs, selfNone, ""} {
		h := newHarnessWith(t, memStore(), app.Config{Governance: gov, Self: self, Peers: []string{configured}})
		for peer, refusal := range want {
			res, err := h.app.Query(context.Background(), &abci.RequestQuery{Path: "/p2p/filter/id/" + strings.ToUpper(peer)})
			if err != nil {
				t.Fatal(err)
			}
			if (res.Code == 0) != (refusal == "") || (refusal != "" && !strings.Contains(res.Log, refusal)) {
				t.Errorf("self %s, peer %s: code %d %q, want refusal %q", self, peer, res.Code, res.Log, refusal)
			}
			if ok, err := h.app.AllowedPeer(peer); peer != configured && (err != nil || ok != (refusal == "")) {
				t.Errorf("self %s: AllowedPeer(%s) = %v, %v", self, peer, ok, err)
			}
		}
	}
}
