package governance

import (
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Founding is the founding state of governance, as genesis.json's
// app_state.governance holds it (docs/governance.md §4): collectives,
// members and projects with their accounts, seats, nodes, capital and
// parameters. Records are numbered from 1 in the order listed.
// [ApplyGenesis] writes it.
type Founding struct {
	// Params override [DefaultParams] by name (e.g. "meetingNotice": 60 on
	// a devnet). gasLimit comes from app_state.params.
	Params      map[string]uint64 `json:"params,omitempty"`
	Collectives []string          `json:"collectives"`
	// Budgets are collectives' capital budgets, gas per epoch, within
	// which their leaders grant capital; the founding grants must fit. A
	// collective not listed has budget 0: its founding grants stand, and
	// its leaders grant more once a plenary sets a budget
	// (moveCapitalBudget).
	Budgets map[string]uint64 `json:"budgets,omitempty"`
	Records []FoundingRecord  `json:"records"`
	Seats   []FoundingSeat    `json:"seats"`
	Nodes   []FoundingNode    `json:"nodes"`
}

// CheckParams refuses a parameter genesis may not set: an unknown one, one
// outside its range, or gasLimit (app_state.params holds it, and must be in
// its governed range).
func (f *Founding) CheckParams(gasLimit uint64) error {
	names := make([]string, 0, len(f.Params))
	for name := range f.Params {
		names = append(names, name)
	}
	slices.Sort(names) // the first problem, always the same one
	for _, name := range names {
		if name == "gasLimit" {
			return fmt.Errorf("%w: params.gasLimit: the block gas limit is set by app_state.params.gasLimit", ErrGenesis)
		}
		if lo, hi, ok := ParamRange(name); !ok {
			return fmt.Errorf("%w: params.%s: unknown parameter %q", ErrGenesis, name, name)
		} else if v := f.Params[name]; v < lo || v > hi {
			return fmt.Errorf("%w: params.%s: must be within %d..%d, got %d", ErrGenesis, name, lo, hi, v)
		}
	}
	if lo, hi, _ := ParamRange("gasLimit"); gasLimit < lo || gasLimit > hi {
		return fmt.Errorf("%w: params.gasLimit: a governed chain's block gas limit must be within %d..%d, got %d", ErrGenesis, lo, hi, gasLimit)
	}
	return nil
}

// Accounts lists every account the records name, in record order.
func (f *Founding) Accounts() []common.Address {
	var out []common.Address
	for _, r := range f.Records {
		out = append(out, r.Accounts...)
	}
	return out
}

// FoundingRecord is a member (institution or individual) or an approved
// project.
type FoundingRecord struct {
	Kind       RecordKind `json:"kind"`
	Collective string     `json:"collective"`
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

// FoundingSeat is a seat held from genesis: a record (1-based index into
// Records) in a role, for a collective where the role is per collective.
type FoundingSeat struct {
	Role       Role   `json:"role"`
	Collective string `json:"collective,omitempty"`
	Record     uint64 `json:"record"`
	TermEnd    uint64 `json:"termEnd"` // block time; the holder holds over after it
}

// FoundingNode is a node admitted from genesis. Every genesis validator must
// appear here as a validator node with the same consensus key.
type FoundingNode struct {
	NodeID     common.Address `json:"nodeId"` // CometBFT's 20-byte p2p node ID
	Collective string         `json:"collective"`
	Operator   uint64         `json:"operator"` // 1-based index into Records
	Role       NodeRole       `json:"role"`
	KeyType    string         `json:"keyType,omitempty"` // [KeyTypeEd25519] for validators
	PubKey     []byte         `json:"pubKey,omitempty"`
}

// GenesisValidator is a validator of genesis as the power rule sees it: its
// collective and consensus key.
type GenesisValidator struct {
	Collective string
	PubKey     []byte
}
