package dashboard

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/governance"
)

// TestEvents: governance's logs are decoded with the ABI, enumerations by
// name; other contracts' logs and malformed ones are left out.
func TestEvents(t *testing.T) {
	ev := governance.ABI.Events["NodeApplied"]
	var nodeID [20]byte
	nodeID[19] = 0xab
	data, err := ev.Inputs.NonIndexed().Pack("public", nodeID, uint8(governance.NodeObserver))
	if err != nil {
		t.Fatal(err)
	}
	applicant := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	tx := common.HexToHash("0x01")
	logs := []*types.Log{
		{Address: governance.Address, Topics: []common.Hash{ev.ID, common.BigToHash(common.Big3), common.BytesToHash(applicant.Bytes())}, Data: data, TxHash: tx, Index: 4},
		{Address: common.HexToAddress("0x1234"), Topics: []common.Hash{ev.ID}, Data: data},
		{Address: governance.Address, Topics: []common.Hash{ev.ID}, Data: []byte{1}},
	}
	out := appendEvents(nil, logs)
	if len(out) != 1 {
		t.Fatalf("%d events decoded, want 1: %+v", len(out), out)
	}
	e := out[0]
	if e.Name != "NodeApplied" || e.Tx != tx.Hex() || e.Index != 4 || e.Fields["collective"] != "public" || e.Fields["roleName"] != "observer" {
		t.Fatalf("decoded %+v", e)
	}
	if !strings.Contains(e.Text, "applicationId=3") {
		t.Fatalf("text %q", e.Text)
	}
	many := make([]*types.Log, maxEventsOut+10)
	for i := range many {
		many[i] = logs[0]
	}
	if n := len(appendEvents(nil, many)); n != maxEventsOut {
		t.Fatalf("%d events kept, want at most %d", n, maxEventsOut)
	}
}
