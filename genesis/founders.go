package genesis

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/governance"
)

// Founders describes a new network as its founders agree on it: the chain,
// each founding collective's institutions (with their accounts, leaders and
// validators) and the officers of the councils. `redmx genesis new` makes
// the network's genesis.json from it; every founder can make it again from
// the same file and compare hashes.
type Founders struct {
	Network
	Collectives []FoundingCollective `json:"collectives"`
	Officers    []Officer            `json:"officers"`
}

// Network is what the founders agree on besides who they are: the first
// fields of a founders file and of a ceremony's [Base].
type Network struct {
	ChainID     uint64    `json:"chainId"`     // EIP-155
	ChainName   string    `json:"chainName"`   // CometBFT chain-id
	GenesisTime time.Time `json:"genesisTime"` // RFC 3339
	Coin        Coin      `json:"coin"`
	// GasLimit is the block gas limit; default DefaultGasLimit.
	GasLimit uint64 `json:"gasLimit,omitempty"`
	// Params override governance parameters by name (package governance).
	Params map[string]uint64 `json:"params,omitempty"`
	// Alloc funds accounts at genesis (go-ethereum's format); the system
	// accounts of [SystemAlloc] are added.
	Alloc types.GenesisAlloc `json:"alloc,omitempty"`
}

// FoundingCollective is a collective and its founding institutions.
type FoundingCollective struct {
	Name string `json:"name"`
	// GasBudget is the collective's capital budget, gas per epoch, within
	// which its leaders grant; its institutions' and officers' gasPerEpoch
	// must fit. 0: none until a plenary sets one (the founding grants
	// stand).
	GasBudget    uint64        `json:"gasBudget,omitempty"`
	Institutions []Institution `json:"institutions"`
}

// Institution is a founding member institution of a collective.
type Institution struct {
	Label string `json:"label"` // for people; not written to the chain
	// Institution is the institution's salted commitment (see Record).
	Institution common.Hash      `json:"institution"`
	Accounts    []common.Address `json:"accounts"`
	// Leader seats the institution as a leader of its collective until
	// TermEnd (Unix seconds; it holds over after that).
	Leader      bool   `json:"leader,omitempty"`
	TermEnd     uint64 `json:"termEnd,omitempty"`
	GasPerEpoch uint64 `json:"gasPerEpoch,omitempty"` // capital
	// Validators are the institution's validator nodes.
	Validators []FoundingValidator `json:"validators,omitempty"`
}

// FoundingValidator is a validator node, as `redmx init --keys-only` prints it.
type FoundingValidator struct {
	Name   string `json:"name"`
	NodeID string `json:"nodeId"` // CometBFT p2p ID, 40 hex digits
	PubKey []byte `json:"pubKey"` // ed25519 consensus key, base64
}

// Officer is a person seated on a council from genesis (an individual
// record): secretary, projects-commission, nodes-commission or advisory.
type Officer struct {
	Role string `json:"role"`
	// Collective is the officer's collective, and the seat's for the
	// commissions, which have one seat per collective.
	Collective  string           `json:"collective"`
	Label       string           `json:"label"`
	Institution common.Hash      `json:"institution"`
	Accounts    []common.Address `json:"accounts"`
	TermEnd     uint64           `json:"termEnd"`
	GasPerEpoch uint64           `json:"gasPerEpoch,omitempty"`
}

// ErrFounders is a founders file that cannot make a genesis.
var ErrFounders = errors.New("invalid founders file")

// ParseFounders decodes a founders file, refusing unknown fields (a typo
// would otherwise drop a founder's data silently).
func ParseFounders(data []byte) (*Founders, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f Founders
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFounders, err)
	}
	return &f, nil
}

// AppState builds the app_state: records numbered in file order (each
// collective's institutions, then the officers), the leaders' and officers'
// seats, and the validators, each a governance validator node operated by
// its institution. Governance's own rules are checked when the state is
// built (see package execution); this checks the file's shape.
func (f *Founders) AppState() (*AppState, error) {
	fail := func(format string, a ...any) (*AppState, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrFounders}, a...)...)
	}
	if f.ChainName == "" {
		return fail("chainName is required")
	}
	if f.GenesisTime.IsZero() {
		return fail("genesisTime is required")
	}
	g := &governance.Founding{Params: f.Params}
	s := &AppState{
		ChainID: f.ChainID,
		Coin:    f.Coin,
		Params:  Params{GasLimit: f.GasLimit},
		Fork:    ForkOsaka,
		Alloc:   SystemAlloc(),
	}
	if s.Params.GasLimit == 0 {
		s.Params.GasLimit = DefaultGasLimit
	}
	for addr, acc := range f.Alloc {
		if _, system := s.Alloc[addr]; system {
			return fail("alloc %s: a system account", addr)
		}
		if acc.Balance == nil {
			acc.Balance = new(big.Int)
		}
		s.Alloc[addr] = acc
	}
	for ci, c := range f.Collectives {
		g.Collectives = append(g.Collectives, c.Name)
		if c.GasBudget > 0 {
			if g.Budgets == nil {
				g.Budgets = make(map[string]uint64)
			}
			g.Budgets[c.Name] = c.GasBudget
		}
		if len(c.Institutions) == 0 {
			return fail("collectives[%d] (%s): no institutions", ci, c.Name)
		}
		for ii, in := range c.Institutions {
			where := fmt.Sprintf("collectives[%d].institutions[%d] (%s)", ci, ii, in.Label)
			g.Records = append(g.Records, governance.FoundingRecord{
				Kind: governance.KindInstitution, Collective: c.Name, Label: in.Label,
				Institution: in.Institution, Accounts: in.Accounts, GasPerEpoch: in.GasPerEpoch,
			})
			id := uint64(len(g.Records))
			if in.Leader {
				if in.TermEnd == 0 {
					return fail("%s: a leader needs a termEnd", where)
				}
				g.Seats = append(g.Seats, governance.FoundingSeat{Role: governance.RoleLeader, Collective: c.Name, Record: id, TermEnd: in.TermEnd})
			}
			for vi, v := range in.Validators {
				node, err := hex.DecodeString(v.NodeID)
				if err != nil || len(node) != common.AddressLength {
					return fail("%s.validators[%d] (%s): nodeId must be 40 hex digits", where, vi, v.Name)
				}
				if len(v.PubKey) != ed25519.PublicKeySize {
					return fail("%s.validators[%d] (%s): pubKey must be a base64 ed25519 key of %d bytes", where, vi, v.Name, ed25519.PublicKeySize)
				}
				if v.Name == "" {
					return fail("%s.validators[%d]: name is required", where, vi)
				}
				s.Validators = append(s.Validators, Validator{Name: v.Name, Collective: c.Name, PubKey: v.PubKey})
				g.Nodes = append(g.Nodes, governance.FoundingNode{
					NodeID: common.BytesToAddress(node), Collective: c.Name, Operator: id,
					Role: governance.NodeValidator, KeyType: governance.KeyTypeEd25519, PubKey: v.PubKey,
				})
			}
		}
	}
	for oi, o := range f.Officers {
		role, ok := governance.Parse[governance.Role](o.Role)
		if !ok || role == governance.RoleLeader { // leaders are seated with their institution
			return fail("officers[%d] (%s): role %q is not one of %s", oi, o.Label, o.Role, strings.Join(governance.Names[governance.Role]()[1:], ", "))
		}
		if o.TermEnd == 0 {
			return fail("officers[%d] (%s): termEnd is required", oi, o.Label)
		}
		g.Records = append(g.Records, governance.FoundingRecord{
			Kind: governance.KindIndividual, Collective: o.Collective, Label: o.Label,
			Institution: o.Institution, Accounts: o.Accounts, GasPerEpoch: o.GasPerEpoch,
		})
		g.Seats = append(g.Seats, governance.FoundingSeat{Role: role, Collective: o.Collective, Record: uint64(len(g.Records)), TermEnd: o.TermEnd})
	}
	s.Governance = g
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if _, err := Parse(raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFounders, err)
	}
	return s, nil
}
