package governance

import (
	"crypto/ed25519"
	"errors"
	"github.com/ethereum/go-ethereum/params"
	"math/big"
	"reflect"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
)

var colls = []string{"public", "academic", "private", "cso"}

// Accounts of the test genesis: per collective two leaders, a Nodes and a
// Projects Commission seat; then the secretary, an advisory member, a plain
// member of academic and a project (academic) with two accounts.
func acct(tag byte, i int) common.Address { return common.BytesToAddress([]byte{0xAA, tag, byte(i)}) }

var (
	leaderA   = func(c int) common.Address { return acct('L', c*2) }
	leaderB   = func(c int) common.Address { return acct('L', c*2+1) }
	ncSeat    = func(c int) common.Address { return acct('N', c) }
	pcSeat    = func(c int) common.Address { return acct('P', c) }
	secretary = acct('S', 0)
	advisor   = acct('A', 0)
	plain     = acct('M', 0)
	projA     = acct('J', 0)
	projB     = acct('J', 1)
	stranger  = acct('X', 0)
)

// record numbers in the test genesis
func recLeaderA(c int) uint64 { return uint64(c*4 + 1) }
func recNC(c int) uint64      { return uint64(c*4 + 3) }

const (
	recSecretary = 17
	recAdvisor   = 18
	recPlain     = 19
	recProject   = 20
	termEnd      = 1_000_000
)

// testKeys are the private keys of the test's node and consensus keys, by
// public key, so that applications can be signed.
var testKeys sync.Map

func testKey(tag byte, i int, kind byte) ed25519.PublicKey {
	seed := make([]byte, ed25519.SeedSize)
	seed[0], seed[1], seed[2] = tag, byte(i), kind
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	testKeys.Store(string(pub), priv)
	return pub
}

func consKey(tag byte, i int) []byte   { return testKey(tag, i, 'c') }
func nodeKey(tag byte, i int) [32]byte { return [32]byte(testKey(tag, i, 'n')) }

// nodeID is the ID of nodeKey(tag, i); nodeKeyOf finds that key again.
func nodeID(tag byte, i int) [20]byte {
	k := nodeKey(tag, i)
	id := NodeIDOf(k)
	testKeys.Store(string(id[:]), k)
	return id
}

func nodeKeyOf(id [20]byte) [32]byte {
	k, _ := testKeys.Load(string(id[:]))
	return k.([32]byte)
}
func signer(pub []byte) ed25519.PrivateKey {
	if k, ok := testKeys.Load(string(pub)); ok {
		return k.(ed25519.PrivateKey)
	}
	return nil
}

// signed completes applyNode's arguments a (collective, nodeKey, role,
// keyType, pubKey, memberKind, institution, letter, letterURI, adhesion,
// adhesionURI) from applicant with the node key's and the consensus key's
// signatures (none for a key the test does not know).
func signed(applicant common.Address, a ...any) []any {
	coll, nk, role, keyType, pub := a[0].(string), a[1].([32]byte), NodeRole(reflect.ValueOf(a[2]).Uint()), a[3].(string), a[4].([]byte)
	msg := NodeApplicationMessage(applicant, coll, nk, role, keyType, pub)
	var nodeSig, keySig []byte
	if k := signer(nk[:]); k != nil {
		nodeSig = SignNodeApplication(k, msg)
	}
	if k := signer(pub); k != nil {
		keySig = SignNodeApplication(k, msg)
	}
	return append(a, nodeSig, keySig)
}

func testGenesis() *Founding {
	g := &Founding{
		Params:      map[string]uint64{"meetingNotice": 100, "epochLength": 1000, "applyQuota": 2},
		Collectives: colls,
		Budgets:     map[string]uint64{"public": 10_000_000, "academic": 10_000_000, "private": 10_000_000, "cso": 10_000_000},
	}
	inst := func(c, i int) common.Hash { return common.BytesToHash([]byte{'I', byte(c), byte(i)}) }
	for c, name := range colls {
		g.Records = append(g.Records,
			FoundingRecord{Kind: KindInstitution, Collective: name, Institution: inst(c, 0), Accounts: []common.Address{leaderA(c)}, GasPerEpoch: 1_000_000},
			FoundingRecord{Kind: KindInstitution, Collective: name, Institution: inst(c, 1), Accounts: []common.Address{leaderB(c)}},
			FoundingRecord{Kind: KindIndividual, Collective: name, Accounts: []common.Address{ncSeat(c)}},
			FoundingRecord{Kind: KindIndividual, Collective: name, Accounts: []common.Address{pcSeat(c)}},
		)
		g.Seats = append(g.Seats,
			FoundingSeat{Role: RoleLeader, Collective: name, Record: recLeaderA(c), TermEnd: termEnd},
			FoundingSeat{Role: RoleLeader, Collective: name, Record: recLeaderA(c) + 1, TermEnd: termEnd},
			FoundingSeat{Role: RoleNodesCommission, Collective: name, Record: recNC(c), TermEnd: termEnd},
			FoundingSeat{Role: RoleProjectsCommission, Collective: name, Record: recNC(c) + 1, TermEnd: termEnd},
		)
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('V', c)), Collective: name, Operator: recLeaderA(c),
			Role: NodeValidator, KeyType: "ed25519", PubKey: consKey('V', c)})
	}
	g.Records = append(g.Records,
		FoundingRecord{Kind: KindIndividual, Collective: "public", Accounts: []common.Address{secretary}},
		FoundingRecord{Kind: KindIndividual, Collective: "academic", Accounts: []common.Address{advisor}},
		FoundingRecord{Kind: KindInstitution, Collective: "academic", Institution: inst(1, 9), Accounts: []common.Address{plain}, GasPerEpoch: 100_000},
		FoundingRecord{Kind: KindProject, Collective: "academic", Name: "example", Accounts: []common.Address{projA, projB}, GasPerEpoch: 100_000, Expiry: 5000},
	)
	g.Seats = append(g.Seats,
		FoundingSeat{Role: RoleSecretary, Record: recSecretary, TermEnd: termEnd},
		FoundingSeat{Role: RoleAdvisory, Record: recAdvisor, TermEnd: termEnd},
	)
	return g
}

type fixture struct {
	t   testing.TB
	st  *state.StateDB
	env Env
	c   *Contract
}

func newStateDB(t testing.TB) *state.StateDB {
	st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func newFixture(t testing.TB, edit ...func(*Founding)) *fixture {
	t.Helper()
	g := testGenesis()
	for _, e := range edit {
		e(g)
	}
	st := newStateDB(t)
	if err := ApplyGenesis(st, g, DefaultGasLimit); err != nil {
		t.Fatalf("ApplyGenesis: %v", err)
	}
	return &fixture{t: t, st: st, env: Env{Number: 1, Time: 10}, c: New()}
}

// call sends method from an account and returns its outputs, or the revert
// reason ("" on success).
func (f *fixture) call(from common.Address, method string, a ...any) ([]any, string) {
	f.t.Helper()
	input, err := ABI.Pack(method, a...)
	if err != nil {
		f.t.Fatalf("pack %s: %v", method, err)
	}
	ret, _, err := f.c.Call(f.env, f.st, from, input, 10_000_000)
	if errors.Is(err, vm.ErrExecutionReverted) {
		reason, uerr := abi.UnpackRevert(ret)
		if uerr != nil {
			f.t.Fatalf("%s: revert without reason: %v", method, uerr)
		}
		return nil, reason
	}
	if err != nil {
		f.t.Fatalf("%s: %v", method, err)
	}
	out, err := ABI.Methods[method].Outputs.Unpack(ret)
	if err != nil {
		f.t.Fatalf("unpack %s: %v", method, err)
	}
	return out, ""
}

// must sends method and fails the test on a revert.
func (f *fixture) must(from common.Address, method string, a ...any) []any {
	f.t.Helper()
	out, reason := f.call(from, method, a...)
	if reason != "" {
		f.t.Fatalf("%s: reverted: %s", method, reason)
	}
	return out
}

// view reads a view function.
func (f *fixture) view(method string, a ...any) []any {
	f.t.Helper()
	input, err := ABI.Pack(method, a...)
	if err != nil {
		f.t.Fatal(err)
	}
	ret, err := f.c.View(f.env, f.st, input)
	if err != nil {
		f.t.Fatalf("view %s: %v", method, err)
	}
	out, err := ABI.Methods[method].Outputs.Unpack(ret)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) power(n [20]byte) uint64 { return f.view("node", n)[6].(uint64) }

var h32 = [32]byte{1}

// applyValidator applies for a validator node of collective c from account
// from and returns the application's id.
func (f *fixture) applyValidator(from common.Address, coll string, n [20]byte, key []byte) uint64 {
	f.t.Helper()
	return f.must(from, "applyNode", signed(from, coll, nodeKeyOf(n), NodeValidator, "ed25519", key, KindInstitution,
		[32]byte{9}, h32, "https://letter", h32, "https://adhesion")...)[0].(uint64)
}

// commission has the first k Nodes (or Projects) Commission seats vote.
func (f *fixture) commission(seat func(int) common.Address, app uint64, k int) {
	f.t.Helper()
	for c := range k {
		f.must(seat(c), "commissionVote", app, true)
	}
}

// meeting convenes an ordinary meeting starting after the notice, attended
// by the secretary and the given Executive Council accounts, and moves the
// clock into it. It returns the meeting's id.
func (f *fixture) meeting(attendees ...common.Address) uint64 {
	f.t.Helper()
	start := f.env.Time + 100
	m := f.must(secretary, "convene", uint8(1), h32, start, start+50, "online", uint64(0))[0].(uint64)
	f.env.Time, f.env.Number = start, f.env.Number+1
	for _, a := range append([]common.Address{secretary}, attendees...) {
		f.must(a, "attend", m)
	}
	return m
}

// council is the Executive Council's accounts besides the secretary: the
// Nodes Commission then the Projects Commission seats.
func council() []common.Address {
	var out []common.Address
	for c := range colls {
		out = append(out, ncSeat(c))
	}
	for c := range colls {
		out = append(out, pcSeat(c))
	}
	return out
}

// pass moves the clock past meeting m's end and decides motion id.
func (f *fixture) decide(m, id uint64) string {
	f.t.Helper()
	f.env.Time = f.view("meeting", m)[2].(uint64)
	_, reason := f.call(stranger, "decide", id)
	return reason
}

func big64(v uint64) *big.Int { return new(big.Int).SetUint64(v) }

// root is the state root as of now.
func root(st *state.StateDB) common.Hash {
	return st.IntermediateRoot(params.MergedTestChainConfig.Rules(big.NewInt(1), true, 0))
}
