package genesis

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/governance"
)

// TestGovernanceValidators: CometBFT's genesis validators and governance's
// validator nodes must be the same keys in the same collectives.
func TestGovernanceValidators(t *testing.T) {
	k1, k2 := make([]byte, 32), make([]byte, 32)
	k1[0], k2[0] = 1, 2
	g := &governance.Founding{Nodes: []governance.FoundingNode{
		{NodeID: common.Address{1}, Collective: "public", Role: governance.NodeValidator, KeyType: "ed25519", PubKey: k1},
		{NodeID: common.Address{2}, Collective: "cso", Role: governance.NodeObserver},
	}}
	ok := []Validator{{Name: "v1", Collective: "public", PubKey: k1}}
	if err := checkGovernanceValidators(g, ok); err != nil {
		t.Fatal(err)
	}
	for name, vals := range map[string][]Validator{
		"unknown key":      {{Name: "v1", Collective: "public", PubKey: k1}, {Name: "v2", Collective: "public", PubKey: k2}},
		"other collective": {{Name: "v1", Collective: "cso", PubKey: k1}},
		"node missing":     nil,
	} {
		if err := checkGovernanceValidators(g, vals); !errors.Is(err, ErrGovernanceValidators) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
