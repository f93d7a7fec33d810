package genesis

import (
	"errors"
	"fmt"

	"github.com/redmx/redmx/governance"
)

// ErrGovernanceValidators is a genesis whose validators and governance
// validator nodes disagree: CometBFT and governance would then start with
// different validator sets.
var ErrGovernanceValidators = errors.New("genesis validators and governance nodes disagree")

// checkGovernanceValidators reports whether every genesis validator is a
// validator node of the founding governance g, of the same collective with
// the same key, and the reverse.
func checkGovernanceValidators(g *governance.Founding, vals []Validator) error {
	nodes := make(map[string]governance.FoundingNode)
	for _, n := range g.Nodes {
		if n.Role == governance.NodeValidator {
			nodes[string(n.PubKey)] = n
		}
	}
	for i, v := range vals {
		n, ok := nodes[string(v.PubKey)]
		if !ok {
			return fmt.Errorf("%w: validators[%d] (%s) is not a governance validator node", ErrGovernanceValidators, i, v.Name)
		}
		if n.Collective != v.Collective {
			return fmt.Errorf("%w: validators[%d] (%s) is in collective %q, its node in %q", ErrGovernanceValidators, i, v.Name, v.Collective, n.Collective)
		}
		delete(nodes, string(v.PubKey))
	}
	for i, n := range g.Nodes {
		if _, left := nodes[string(n.PubKey)]; left && n.Role == governance.NodeValidator {
			return fmt.Errorf("%w: nodes[%d] (%x) is not a genesis validator", ErrGovernanceValidators, i, n.NodeID)
		}
	}
	return nil
}

// GovernanceValidators are the validators as governance's power rule sees
// them.
func (s *AppState) GovernanceValidators() []governance.GenesisValidator {
	out := make([]governance.GenesisValidator, len(s.Validators))
	for i, v := range s.Validators {
		out[i] = governance.GenesisValidator{Collective: v.Collective, PubKey: v.PubKey}
	}
	return out
}

// Powers is the power of each validator by governance's one power rule
// ([governance.Powers]).
func (s *AppState) Powers() []int64 {
	return governance.Powers(s.Governance, s.GovernanceValidators())
}
