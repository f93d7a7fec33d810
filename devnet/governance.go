package devnet

import (
	"crypto/ecdsa"
	"fmt"
	"maps"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/devkeys"
)

// Founding governance of a development network (docs/governance.md §4): the
// seed's founders as example data, so a devnet runs the whole calendar of
// the governance model in seconds.

// Founder is a founding institution of a collective.
type Founder struct {
	Collective string
	Name       string
}

// Founders are the seed's founders, by collective (docs/governance.md §4).
var Founders = []Founder{
	{"public", "Coordinación de Estrategia Digital Nacional"},
	{"public", "Unidad de Gobierno Digital (SFP)"},
	{"public", "Unidad de Innovación Tecnológica"},
	{"public", "AGESIC (Uruguay)"},
	{"academic", "UNAM"},
	{"academic", "IPN"},
	{"academic", "HCI Lab of West Virginia University"},
	{"private", "NA-AT Technologies"},
	{"private", "WiSeKey"},
	{"private", "ConsenSys"},
	{"private", "Bitso"},
	{"cso", "Codeando México"},
	{"cso", "Cívica Digital"},
}

// Role names of the devnet's role keys, as devnet prints them: governance's
// names of the seats' roles, and RoleNameMember for a plain member.
var (
	RoleNameLeader             = governance.RoleLeader.String()
	RoleNameSecretary          = governance.RoleSecretary.String()
	RoleNameProjectsCommission = governance.RoleProjectsCommission.String()
	RoleNameNodesCommission    = governance.RoleNodesCommission.String()
	RoleNameAdvisory           = governance.RoleAdvisory.String()
)

// RoleNameMember names the keys of members that hold no seat.
const RoleNameMember = "member"

// ExampleData marks every label of the founding governance: the founders
// are real institutions, their records and keys here are not.
const ExampleData = " (example data)"

// ExampleProject is the name of the devnet's approved project, whose
// accounts are the development keys.
const ExampleProject = "Devnet example project"

// ExampleProjectRepository is the example project's repository URI.
const ExampleProjectRepository = "https://github.com/redmx/redmx"

// Capital and balances of the founding governance.
const (
	// ProjectGasPerEpoch is the example project's capital: more gas per
	// epoch than blocks can hold, so the development keys never run out.
	ProjectGasPerEpoch uint64 = 1_000_000_000_000
	// RoleGasPerEpoch is the capital of every member record.
	RoleGasPerEpoch uint64 = 100_000_000
	// CollectiveGasBudget is every collective's capital budget: room for
	// the example project's capital and for its leaders to grant much more.
	CollectiveGasBudget uint64 = 10 * ProjectGasPerEpoch
)

// RoleBalance is what each role key holds at genesis: 1,000 coins.
var RoleBalance = new(big.Int).Mul(big.NewInt(1_000), new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))

// DevnetParams shorten the governance calendar so it runs in seconds on a
// devnet; the other parameters keep the seed's values.
var DevnetParams = map[string]uint64{
	"meetingNotice":      30,
	"epochLength":        3600,
	"ratificationPeriod": 300, // a provisional commission action lapses in minutes
	"candidacyPeriod":    60,
	"ballotPeriod":       60,
}

// Role terms of the genesis seats, staggered so they never all end at once.
const (
	year = 365 * 24 * time.Hour
)

// RoleKey is the account of one holder of a role in the founding governance.
type RoleKey struct {
	Role       string // one of the RoleName constants
	Collective string // the record's collective
	Label      string // the record's label
	Record     uint64 // 1-based record number
	Key        *ecdsa.PrivateKey
}

// Address is the role key's account.
func (r RoleKey) Address() common.Address { return crypto.PubkeyToAddress(r.Key.PublicKey) }

// founding is the founding governance without its nodes: the records, the
// seats and the role keys. It does not depend on the validators.
type founding struct {
	records []governance.FoundingRecord
	seats   []governance.FoundingSeat
	roles   []RoleKey
	// institutions[c] are the record numbers of collective c's founders.
	institutions map[string][]uint64
}

// institutionCommitment is a founder's salted commitment: keccak256 of a
// fixed devnet salt and the name. (A real network keeps its salts secret.)
func institutionCommitment(name string) common.Hash {
	return crypto.Keccak256Hash([]byte("redmx devnet institution salt"), []byte(name))
}

func newFounding(genesisTime time.Time) *founding {
	f := &founding{institutions: make(map[string][]uint64)}
	t0 := uint64(genesisTime.Unix())
	term := func(years int) uint64 { return t0 + uint64(years)*uint64(year/time.Second) }
	// n counts the holders of each role per collective, for the key's name.
	n := make(map[string]int)
	add := func(role string, rec governance.FoundingRecord) uint64 {
		k := role + " " + rec.Collective
		key := devkeys.RoleKey(role, rec.Collective, n[k])
		n[k]++
		rec.Accounts = []common.Address{crypto.PubkeyToAddress(key.PublicKey)}
		rec.GasPerEpoch = RoleGasPerEpoch
		f.records = append(f.records, rec)
		id := uint64(len(f.records))
		f.roles = append(f.roles, RoleKey{Role: role, Collective: rec.Collective, Label: rec.Label, Record: id, Key: key})
		return id
	}
	seat := func(role governance.Role, collective string, record uint64, termEnd uint64) {
		f.seats = append(f.seats, governance.FoundingSeat{Role: role, Collective: collective, Record: record, TermEnd: termEnd})
	}

	// Institutions: the first two of each collective lead it (different
	// institutions, terms of 1 and 2 years); the others are plain members.
	for _, fd := range Founders {
		role := RoleNameMember
		lead := len(f.institutions[fd.Collective]) < 2
		if lead {
			role = RoleNameLeader
		}
		id := add(role, governance.FoundingRecord{
			Kind:        governance.KindInstitution,
			Collective:  fd.Collective,
			Label:       fd.Name + ExampleData,
			Institution: institutionCommitment(fd.Name),
		})
		if lead {
			seat(governance.RoleLeader, fd.Collective, id, term(len(f.institutions[fd.Collective])+1))
		}
		f.institutions[fd.Collective] = append(f.institutions[fd.Collective], id)
	}

	// Executive Council: one Projects and one Nodes Commission
	// representative per collective, each a person (an individual record)
	// of one of its institutions, so no record holds two seats.
	for _, c := range Collectives {
		insts := f.institutions[c]
		for i, s := range []struct {
			role governance.Role
			term int
		}{
			{governance.RoleProjectsCommission, 2},
			{governance.RoleNodesCommission, 1},
		} {
			// Prefer the collective's plain members, then its leaders.
			from := f.records[insts[(2+i)%len(insts)]-1]
			id := add(s.role.String(), governance.FoundingRecord{
				Kind:        governance.KindIndividual,
				Collective:  c,
				Label:       fmt.Sprintf("%s representative of %s, %s", s.role.Office(), trimExample(from.Label), c) + ExampleData,
				Institution: from.Institution,
			})
			seat(s.role, c, id, term(s.term))
		}
	}
	secretary := add(RoleNameSecretary, governance.FoundingRecord{
		Kind:        governance.KindIndividual,
		Collective:  "public",
		Label:       "Executive Secretary" + ExampleData,
		Institution: institutionCommitment("Executive Secretary"),
	})
	seat(governance.RoleSecretary, "", secretary, term(2))

	// Advisory Council: three experts, terms staggered.
	for i, c := range []string{"academic", "private", "cso"} {
		name := fmt.Sprintf("Advisory Council member %d", i+1)
		id := add(RoleNameAdvisory, governance.FoundingRecord{
			Kind:        governance.KindIndividual,
			Collective:  c,
			Label:       name + ExampleData,
			Institution: institutionCommitment(name),
		})
		seat(governance.RoleAdvisory, "", id, term(1+i%2))
	}
	return f
}

func trimExample(label string) string { return label[:len(label)-len(ExampleData)] }

// exampleProject is the devnet's approved project: the development keys
// deploy its contracts, with ample capital.
func exampleProject(devKeys []common.Address) governance.FoundingRecord {
	return governance.FoundingRecord{
		Kind:          governance.KindProject,
		Collective:    "public",
		Label:         ExampleProject + ExampleData,
		Institution:   institutionCommitment(ExampleProject),
		Accounts:      devKeys,
		Name:          ExampleProject,
		RepositoryURI: ExampleProjectRepository,
		GasPerEpoch:   ProjectGasPerEpoch,
	}
}

// Roles lists the role keys of the founding governance of every
// development network, in record order.
func Roles() []RoleKey { return newFounding(time.Unix(0, 0)).roles }

// ExampleProjectRecord is the record number of the example project in the
// founding governance (it follows the role holders' records).
func ExampleProjectRecord() uint64 { return uint64(len(Roles()) + 1) }

// foundingGovernance builds the founding governance of a network of vals
// (each with its node ID) whose development keys are devKeys, and funds the
// role keys in alloc. Each validator's node is operated by one of its
// collective's founders, in turn.
func foundingGovernance(t time.Time, vals []Validator, devKeys []common.Address, alloc types.GenesisAlloc) (*governance.Founding, error) {
	f := newFounding(t)
	g := &governance.Founding{
		Params:      maps.Clone(DevnetParams),
		Collectives: append([]string(nil), Collectives...),
		Budgets:     make(map[string]uint64, len(Collectives)),
		Records:     append(f.records, exampleProject(devKeys)),
		Seats:       f.seats,
	}
	for _, c := range Collectives {
		g.Budgets[c] = CollectiveGasBudget
	}
	for _, r := range f.roles {
		alloc[r.Address()] = types.Account{Balance: new(big.Int).Set(RoleBalance)}
	}
	used := make(map[string]int)
	for _, v := range vals {
		insts := f.institutions[v.Collective]
		if len(insts) == 0 {
			return nil, fmt.Errorf("validator %s: unknown collective %q", v.Name, v.Collective)
		}
		if len(v.NodeID) != 2*common.AddressLength {
			return nil, fmt.Errorf("validator %s: node ID %q is not 40 hex digits", v.Name, v.NodeID)
		}
		g.Nodes = append(g.Nodes, governance.FoundingNode{
			NodeID:     common.HexToAddress(v.NodeID),
			Collective: v.Collective,
			Operator:   insts[used[v.Collective]%len(insts)],
			Role:       governance.NodeValidator,
			KeyType:    governance.KeyTypeEd25519,
			PubKey:     v.PubKey.Bytes(),
		})
		used[v.Collective]++
	}
	return g, nil
}
