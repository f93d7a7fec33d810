package genesis

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Governance is the founding state of on-chain governance
// (docs/governance.md §4): collectives, members and projects with their
// accounts, seats, nodes, capital and parameters. Records are numbered from 1 in the order listed.
type Governance struct {
	// Params override the defaults of package governance, by name
	// (e.g. "meetingNotice": 60 on a devnet). gasLimit comes from Params above.
	Params      map[string]uint64 `json:"params,omitempty"`
	Collectives []string          `json:"collectives"`
	Records     []Record          `json:"records"`
	Seats       []Seat            `json:"seats"`
	Nodes       []Node            `json:"nodes"`
}

// Record kinds (IGovernance.sol, RecordKind).
const (
	KindInstitution uint8 = 1
	KindIndividual  uint8 = 2
	KindProject     uint8 = 3
)

// Seat roles (IGovernance.sol, Role).
const (
	RoleLeader             uint8 = 1
	RoleSecretary          uint8 = 2
	RoleProjectsCommission uint8 = 3
	RoleNodesCommission    uint8 = 4
	RoleAdvisory           uint8 = 5
)

// Node roles (IGovernance.sol, NodeRole).
const (
	NodeValidator uint8 = 1
	NodeObserver  uint8 = 2
)

// Record is a member (institution or individual) or an approved project.
type Record struct {
	Kind       uint8  `json:"kind"`
	Collective string `json:"collective"`
	// Label names the record for people reading genesis.json and the devnet's
	// output (e.g. "UNAM (example data)"); it is not written to the chain.
	Label string `json:"label,omitempty"`
	// Institution identifies the institution the record belongs to or is
	// (a salted commitment): no two leaders of a collective share one.
	Institution common.Hash      `json:"institution"`
	Accounts    []common.Address `json:"accounts"`
	// Projects only: name and repository (public data of the application).
	Name          string `json:"name,omitempty"`
	RepositoryURI string `json:"repositoryURI,omitempty"`
	// Capital granted from genesis: gas per epoch, expiry (0: none).
	GasPerEpoch uint64 `json:"gasPerEpoch,omitempty"`
	Expiry      uint64 `json:"expiry,omitempty"`
}

// Seat is a seat held from genesis: a record (1-based index into Records) in
// a role, for a collective where the role is per collective.
type Seat struct {
	Role       uint8  `json:"role"`
	Collective string `json:"collective,omitempty"`
	Record     uint64 `json:"record"`
	TermEnd    uint64 `json:"termEnd"` // block time; the holder holds over after it
}

// Node is a node admitted from genesis. Every genesis validator must appear
// here as a validator node with the same consensus key.
type Node struct {
	NodeID     common.Address `json:"nodeId"` // CometBFT's 20-byte p2p node ID
	Collective string         `json:"collective"`
	Operator   uint64         `json:"operator"` // 1-based index into Records
	Role       uint8          `json:"role"`
	KeyType    string         `json:"keyType,omitempty"` // "ed25519" for validators
	PubKey     []byte         `json:"pubKey,omitempty"`
}

// ErrGovernanceValidators is a genesis whose validators and governance
// validator nodes disagree: CometBFT and governance would then start with
// different validator sets.
var ErrGovernanceValidators = errors.New("genesis validators and governance nodes disagree")

// CheckValidators reports whether every genesis validator is a governance
// validator node of the same collective with the same key, and the reverse.
func (g *Governance) CheckValidators(vals []Validator) error {
	nodes := make(map[string]Node)
	for _, n := range g.Nodes {
		if n.Role == NodeValidator {
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
		if _, left := nodes[string(n.PubKey)]; left && n.Role == NodeValidator {
			return fmt.Errorf("%w: nodes[%d] (%x) is not a genesis validator", ErrGovernanceValidators, i, n.NodeID)
		}
	}
	return nil
}
