package governance

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// FuzzMachine is a state-machine fuzzer of governance: the input bytes drive
// a sequence of every state-changing call, by random actors (strangers,
// applicants, members, leaders, commission seats, the secretary, advisors,
// proxies, project accounts), with arguments drawn from what exists (the
// latest meeting, motion, application…) or hostile values, and of block
// ends that move block time so meetings are convened, held and decided.
// After every step it checks the invariants of governance:
//
//   - no call panics; a refused call changes nothing (state root and logs);
//   - a kept call's gas grows with its work (slots read and written, logs)
//     and fits in one transaction;
//   - the validator set CometBFT is told (EndBlock's updates applied to the
//     genesis set) is never empty, equals governance's own set, and its
//     powers follow the collective rule (Share, in order of admission);
//   - every formed collective keeps a node, unless an action for cause
//     (which overrides keep-alive rules) passed in plenary touched it, and
//     its least leaders (holding over counts) or an open call for its
//     vacant seats;
//   - no single office acts alone against another: no Nodes Commission call
//     (proposal or vote) and no end of block changes a seat holder's record
//     status, or leaves a collective that had validators without any; only
//     a passed plenary motion does;
//   - every action awaiting the plenary (provisional, to-plenary) is in the
//     lapse queue, and no other;
//   - the secretary's seat is never empty, and its holder active; the Nodes
//     Commission has a holder while there are nodes;
//   - every term that has not ended is queued for EndBlock, the queues are
//     in term order and hold only holders; EndBlock announces each ended
//     term once, after its end; no leader is renewed more than twice;
//   - every parameter stays in its range;
//   - every motion of a meeting is tallied on the same quorum;
//   - a record holds at most one council seat, the one it is recorded in;
//     the Advisory Council never grows past maxAdvisory, and no member is
//     renewed on it more than once;
//   - at most one open designation per Executive Council seat; an approved
//     designation seats its record for councilTerm, an admitted Advisory
//     application its applicant's record for advisoryTerm;
//   - the views show what the state holds: the latest application's,
//     motion's, action's and requests' detail views agree with their
//     summaries and with the rules (an approved application names its
//     record, an endorsed one its endorser; an answered request its meeting);
//   - per collective, the committed capital is exactly what its records'
//     grants count, and never grows while above the budget (a plenary may
//     lower a budget below it, genesis may leave one at 0); no record's
//     grant came from its own leader seat;
//   - a proxy attends and votes only if appointed before the meeting's
//     start, and never moves a motion.
//
// It runs over its seeds in go test (about a second); a longer run:
//
//	go test ./governance -run '^$' -fuzz FuzzMachine -fuzztime 10m
//
// Nearly every input reaches new code, and minimizing each is slow; add
// -fuzzminimizetime 1x to spend the time on new inputs instead.
func FuzzMachine(f *testing.F) {
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		b := make([]byte, 200*stepBytes)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b)
	}
	for seed := range uint64(12) {
		f.Add(scenarioSeed(rand.New(rand.NewPCG(seed, 0x5ce4e))))
	}
	f.Add(plenarySeed())
	f.Add(removalSeed())
	f.Add(advisorySeed())
	f.Add(lapseSeed())
	f.Fuzz(func(t *testing.T, input []byte) {
		m := newMachine(t)
		r := &reader{b: input}
		for step := 0; r.more() && step < 600; step++ {
			m.step(r.step())
		}
		if testing.Verbose() {
			t.Logf("kept: %v", m.kept)
		}
	})
}

// plenarySeed scripts a plenary: an account of no record applies to the
// Advisory Council, a meeting is convened, held by the secretary and eight
// seats, four motions (a quorum raised to 8, a Nodes Commission seat
// vacated, the applicant admitted, an upgrade) voted by five, then decided
// in turn: each must pass on the meeting's own attendance.
func plenarySeed() []byte {
	var b []byte
	step := func(bs ...byte) {
		chunk := make([]byte, stepBytes)
		copy(chunk, bs)
		b = append(b, chunk...)
	}
	call := func(method string, actor byte, args ...byte) {
		step(append([]byte{opCall, methodIndex(method), actor}, args...)...)
	}
	call("applyAdvisory", 0)
	call("convene", 0)
	step(opBlock, 1) // to the meeting's start
	for i := range byte(9) {
		call("attend", i)
	}
	call("moveParameter", 0, 0, 9, 9, 1)     // ordinaryQuorum to its top
	call("moveUnseat", 0, 0, 4, 2, 165, 200) // private's Nodes Commission seat (record 11), as drawn
	call("moveAdmitAdvisory", 0, 0, 0)
	call("moveUpgrade", 0, 0, 0, 3, 100)
	for mot := range byte(4) {
		for i := range byte(5) {
			call("vote", i, mot, 0)
		}
	}
	step(opBlock, 2) // past its end
	for mot := range byte(4) {
		call("decide", 0, 3-mot)
	}
	return b
}

// scenarioSeed writes rounds of governance as it is used, with random
// arguments and actors: applications taken through endorsement and the
// commission, actions of the Nodes Commission, and a plenary with motions
// of every kind, votes and decisions; random calls in between.
func scenarioSeed(rng *rand.Rand) []byte {
	var b []byte
	step := func(bs ...byte) {
		chunk := make([]byte, stepBytes)
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		copy(chunk, bs)
		b = append(b, chunk...)
	}
	smart := func() byte { return byte(rng.IntN(128)) }
	call := func(method string, actor byte, args ...byte) {
		step(append([]byte{opCall, methodIndex(method), actor}, args...)...)
	}
	motions := []string{"moveApproveProject", "moveProjectStatus", "moveAdmitAdvisory", "moveUnseat", "moveParameter", "moveUpgrade",
		"moveMemberAction", "moveRatifyAction", "moveRatifyAction", "moveOverturnAction", "moveElect", "moveElect", "moveCapitalBudget", "moveBallot", "moveEthicsCode", "moveSanction"}
	for range 6 {
		for range 1 + rng.IntN(6) {
			step(opCall, byte(rng.IntN(len(methods))))
		}
		coll := byte(rng.IntN(5))
		switch rng.IntN(3) {
		case 0: // a validator (or observer) node with a fresh ID and key
			call("applyNode", smart(), coll, 200, byte(rng.IntN(2)), 0, 100, 1, 1, 1, 0, 1, 0, 0, 0, 0)
		case 1:
			call("applyProject", smart(), coll, 0, 1, 0, 1, 0, 1, 1, byte(rng.IntN(256)))
		case 2: // to the Advisory Council, for moveAdmitAdvisory
			call("applyAdvisory", smart())
		}
		for i := range byte(10) { // the leaders in turn: one of them leads its collective
			call("endorse", i, 0)
		}
		for i := range byte(8) {
			call("commissionVote", i, 0, 0)
		}
		if rng.IntN(2) == 0 { // on any node, or on a seat holder
			call("proposeNodeAction", smart(), byte(rng.IntN(8)), byte(1+rng.IntN(3)), byte(rng.IntN(2)))
		} else {
			call("proposeMemberAction", smart(), byte(100+rng.IntN(60)), byte(1+rng.IntN(3)), byte(rng.IntN(2)))
		}
		for i := range byte(4) {
			call("voteAction", i, 0, 0)
		}
		// capital: a request by anyone, grants by leaders (some answering
		// it), a decline or a withdrawal
		call("requestCapital", byte(128+rng.IntN(128)), byte(rng.IntN(5)))
		for range 1 + rng.IntN(4) {
			call("grantCapital", smart(), byte(rng.IntN(256)), byte(rng.IntN(5)), byte(rng.IntN(3)), byte(rng.IntN(256)))
		}
		call([]string{"declineCapitalRequest", "withdrawCapitalRequest", "revokeCapital"}[rng.IntN(3)], smart(), 0)
		if rng.IntN(2) == 0 { // a designation to an Executive Council seat, voted by the Advisory members
			call("proposeDesignation", smart(), byte(2+rng.IntN(3)), byte(rng.IntN(5)), byte(160+rng.IntN(70)), byte(rng.IntN(256)))
			for i := range byte(1 + rng.IntN(3)) {
				call("voteDesignation", i, 0, byte(rng.IntN(3)/2))
			}
		}
		call("appointProxy", smart(), byte(rng.IntN(256))) // before the meeting: the proxy acts at it
		for range rng.IntN(4) {                            // the code of ethics: acceptances and reports
			call("acceptEthics", smart(), byte(rng.IntN(3)))
			call("reportViolation", smart(), byte(160+rng.IntN(70)), byte(rng.IntN(256)), 0)
		}
		switch rng.IntN(3) {
		case 0: // a call for leader seats and candidacies, then past its period
			call("openCall", smart(), byte(rng.IntN(5)))
			for range 1 + rng.IntN(4) {
				call("standForSeat", smart(), 0, 1, 0)
			}
		case 1: // a renewal ballot, delegated and voted, closed after its period
			call("openRenewalBallot", smart(), 0)
			for range rng.IntN(6) {
				call("delegate", smart(), byte(rng.IntN(256)), byte(rng.IntN(256)))
			}
			call("revokeDelegation", smart(), byte(rng.IntN(256)))
			if rng.IntN(2) == 0 { // and a question of a collective, by a leader
				call("openBallot", smart(), byte(rng.IntN(5)), 1, 0, byte(rng.IntN(20)), byte(rng.IntN(256)), byte(rng.IntN(5)))
			}
			for range 2 + rng.IntN(5) {
				call("castBallot", smart(), 0, byte(rng.IntN(3)/2))
				call("voteBallot", smart(), 0, byte(rng.IntN(6)))
			}
			step(opBlock, 3, 30)
			call("closeBallot", smart(), 0)
			call("delegate", smart(), byte(rng.IntN(256)), byte(rng.IntN(256)))
		case 2:
			call("resign", smart(), byte(rng.IntN(6)), byte(rng.IntN(5)))
		}
		step(opBlock, 3, 30)
		call("convene", 0, 0, 0, 0, 0, 0, 0) // an ordinary meeting, with notice
		step(opBlock, 1)
		present := 5 + rng.IntN(5)
		for i := range byte(present) {
			call("attend", i, 0)
		}
		n := 1 + rng.IntN(4)
		anyRecord := func() byte { return byte(160 + rng.IntN(70)) }
		for range n {
			var args []byte
			kind := motions[rng.IntN(len(motions))]
			switch kind {
			case "moveApproveProject":
				args = []byte{0, 0}
			case "moveProjectStatus":
				args = []byte{0, anyRecord(), byte(1 + rng.IntN(3))}
			case "moveAdmitAdvisory": // the latest Advisory application
				args = []byte{0, 0}
			case "moveUnseat":
				args = []byte{0, 0, 0, 0, 0, byte(rng.IntN(256))}
			case "moveParameter":
				args = []byte{0, byte(rng.IntN(len(DefaultParams))), 0, byte(rng.IntN(8))}
			case "moveUpgrade":
				args = []byte{0, byte(rng.IntN(2)), byte(rng.IntN(5)), byte(rng.IntN(256))}
			case "moveMemberAction": // on a seat holder or any record, mostly with a reason
				args = []byte{0, byte(100 + rng.IntN(130)), byte(1 + rng.IntN(3)), byte(rng.IntN(2)), byte(rng.IntN(256))}
			case "moveRatifyAction", "moveOverturnAction": // the latest actions
				args = []byte{0, byte(rng.IntN(4))}
			case "moveElect":
				args = []byte{0, 0, 0}
			case "moveCapitalBudget":
				args = []byte{0, byte(rng.IntN(6)), byte(rng.IntN(5))}
			case "moveBallot": // options, duration, quorum
				args = []byte{0, 1, 0, byte(rng.IntN(20)), byte(rng.IntN(4)), byte(rng.IntN(5))}
			case "moveEthicsCode":
				args = []byte{0, 1, 0}
			case "moveSanction": // the latest violations, a sanction
				args = []byte{0, byte(rng.IntN(3)), byte(rng.IntN(5))}
			}
			call(kind, byte(rng.IntN(present)), args...)
		}
		for mot := range byte(n) {
			for i := range byte(5 + rng.IntN(5)) {
				call("vote", i, mot, byte(rng.IntN(3)/2))
			}
		}
		step(opBlock, 2)
		for mot := range byte(n) {
			call("decide", smart(), byte(n)-1-mot)
		}
		step(opBlock, 0)
	}
	return b
}

// removalSeed admits a validator to the forming collective (it holds no
// power), then removes every powered validator for cause, one by one.
func removalSeed() []byte {
	var b []byte
	call := func(method string, actor byte, args ...byte) {
		chunk := make([]byte, stepBytes)
		copy(chunk, append([]byte{opCall, methodIndex(method), actor}, args...))
		b = append(b, chunk...)
	}
	call("applyNode", 0, 4, 200, 0, 0, 100, 1, 1, 1, 0, 1, 0, 0, 0, 0)
	for i := range byte(10) {
		call("endorse", i, 0)
	}
	for i := range byte(8) {
		call("commissionVote", i, 0, 0)
	}
	for n := range byte(4) {
		call("proposeNodeAction", 0, n, 2, 0)
		for i := range byte(4) {
			call("voteAction", i, 0, 0)
		}
	}
	return b
}

// advisorySeed scripts the Advisory Council: an account of no record
// applies and a plenary admits it; the clock passes the founding terms; a
// leader of public proposes its other leader for public's Nodes Commission
// seat, now holding over, and the two Advisory members approve.
func advisorySeed() []byte {
	var b []byte
	step := func(bs ...byte) {
		chunk := make([]byte, stepBytes)
		copy(chunk, bs)
		b = append(b, chunk...)
	}
	call := func(method string, actor byte, args ...byte) {
		step(append([]byte{opCall, methodIndex(method), actor}, args...)...)
	}
	call("applyAdvisory", 0)
	call("convene", 0)
	step(opBlock, 1)
	for i := range byte(9) {
		call("attend", i)
	}
	call("moveAdmitAdvisory", 0, 0, 0)
	for i := range byte(5) {
		call("vote", i, 0, 0)
	}
	step(opBlock, 2)
	call("decide", 0, 0)
	step(opBlock, 3, 255)
	step(opBlock, 3, 255)
	call("proposeDesignation", 0, byte(RoleNodesCommission), 0, 101, 7, 200) // 200: the record as drawn
	for i := range byte(2) {
		call("voteDesignation", i, 0, 0)
	}
	return b
}

// TestMachineAdvisory runs the scripted Advisory Council through the
// machine: the admission and the designation both take effect.
func TestMachineAdvisory(t *testing.T) {
	m := newMachine(t)
	r := &reader{b: advisorySeed()}
	for r.more() {
		m.step(r.step())
	}
	s := m.s()
	if st := s.appStatus(1); st != AppApproved || s.councilRole(s.recordOf(acct('U', 0))) != RoleAdvisory {
		t.Errorf("application 1 %s; refusals %v", st, m.said)
	}
	if st := s.dsgStatus(1, m.env.Time); st != DesignationApproved || s.seat(RoleNodesCommission, "public").u64s()[0] != 2 {
		t.Errorf("designation 1 %s, Nodes Commission of public %v; refusals %v", st, s.seat(RoleNodesCommission, "public").u64s(), m.said)
	}
}

// TestMachinePlenary runs the scripted plenary through the machine: every
// motion passes, so the machine drives whole meetings.
func TestMachinePlenary(t *testing.T) {
	m := newMachine(t)
	r := &reader{b: plenarySeed()}
	for r.more() {
		m.step(r.step())
	}
	for id := uint64(1); id <= 4; id++ {
		if st := m.s().u64(key("mot.status", id)); st != uint64(MotionPassed) {
			t.Errorf("motion %d: status %d, want passed; refusals %v", id, st, m.said)
		}
	}
	if q := m.s().param("ordinaryQuorum"); q != 10 { // two seats for each of 5 collectives
		t.Errorf("ordinaryQuorum %d, want 10", q)
	}
	if s := m.s(); s.councilRole(s.recordOf(acct('U', 0))) != RoleAdvisory {
		t.Errorf("the applicant was not admitted to the Advisory Council")
	}
}

// reader hands out the input's bytes; past its end, zeros.
type reader struct {
	b []byte
	i int
}

func (r *reader) more() bool { return r.i < len(r.b) }
func (r *reader) step() *reader {
	end := min(r.i+stepBytes, len(r.b))
	sub := &reader{b: r.b[r.i:end]}
	r.i = end
	return sub
}
func (r *reader) byte() byte {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return r.b[r.i-1]
}
func (r *reader) n(n int) int { return int(r.byte()) % n }
func (r *reader) u64() uint64 {
	var v uint64
	for range 8 {
		v = v<<8 | uint64(r.byte())
	}
	return v
}

// An input is a sequence of steps of stepBytes each: an op (a view when
// op%8 is 6, a block end when 7, else a call), then the method, the actor and the arguments'
// bytes of a call, or how far a block end moves the clock.
const (
	stepBytes = 24
	opCall    = 0
	opView    = 6
	opBlock   = 7
)

// methods are IGovernance's state-changing functions, in name order.
var methods = func() []string {
	var out []string
	for name, m := range ABI.Methods {
		if !m.IsConstant() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}()

// views are IGovernance's view functions, in name order.
var views = func() []string {
	var out []string
	for name, m := range ABI.Methods {
		if m.IsConstant() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}()

func methodIndex(name string) byte { return byte(slices.Index(methods, name)) }

// countingDB counts what a call does to state: slots read and written, logs.
type countingDB struct {
	*state.StateDB
	reads, writes, logs uint64
}

func (c *countingDB) GetState(a common.Address, k common.Hash) common.Hash {
	c.reads++
	return c.StateDB.GetState(a, k)
}

func (c *countingDB) SetState(a common.Address, k, v common.Hash) common.Hash {
	c.writes++
	return c.StateDB.SetState(a, k, v)
}

func (c *countingDB) AddLog(l *types.Log) {
	c.logs++
	c.StateDB.AddLog(l)
}

type machine struct {
	t   *testing.T
	st  *state.StateDB
	env Env
	c   *Contract
	cmt map[string]int64 // the validator set as CometBFT holds it
	// endedAt is the block time of the last end of a block, dueLeft how
	// many ballots past their end it should have left open (beyond
	// maxBallotClosesPerBlock)
	endedAt, dueLeft uint64
	pool             []common.Address
	// exempt: collectives an action for cause touched; keep-alive rules
	// (nodes, least leaders) do not hold there.
	exempt map[string]bool
	param  string     // the parameter name drawn last
	nodes  [][20]byte // node IDs ever named: genesis and applications
	keys   [][]byte   // consensus keys ever named
	colls  []string
	root   common.Hash      // the state root after the last step
	quorum map[uint64]bool  // meetings decided: quorate or not
	ended  map[TermEnd]bool // terms EndBlock announced
	kept   map[string]int   // calls kept, by method
	said   map[string]int   // refusals, by method and reason
	// committed is each collective's committed capital after the last step.
	committed map[string]uint64
}

func newMachine(t *testing.T) *machine {
	g := testGenesis()
	withForming(g)
	g.Params["candidacyPeriod"], g.Params["ballotPeriod"] = day, day // elections and ballots complete within a run
	st := newStateDB(t)
	if err := ApplyGenesis(st, g, DefaultGasLimit); err != nil {
		t.Fatal(err)
	}
	m := &machine{t: t, st: st, env: Env{Number: 1, Time: 10}, c: New(), cmt: map[string]int64{}, exempt: map[string]bool{},
		kept: map[string]int{}, said: map[string]int{}, quorum: map[uint64]bool{}, ended: map[TermEnd]bool{}, committed: map[string]uint64{}}
	for _, v := range m.c.Validators(st) {
		m.cmt[string(v.PubKey)] = v.Power
	}
	m.colls = append(slices.Clone(g.Collectives), "nope", "")
	for _, r := range g.Records {
		m.pool = append(m.pool, r.Accounts...)
	}
	for i := range 4 {
		m.pool = append(m.pool, acct('X', i), acct('U', i), acct('Q', i)) // strangers, applicants, proxies
	}
	for _, n := range g.Nodes {
		m.nodes = append(m.nodes, [20]byte(n.NodeID))
		m.keys = append(m.keys, n.PubKey)
	}
	m.root = root(st)
	m.check("genesis")
	return m
}

func (m *machine) s() *store { return &store{st: m.st} }

// step runs one operation read from r: a call, or the end of a block.
func (m *machine) step(r *reader) {
	switch r.byte() % 8 {
	case opBlock:
		m.endBlock(r)
		return
	case opView:
		m.view(r)
		return
	}
	method := methods[r.n(len(methods))]
	from := m.actor(r, method)
	mth := ABI.Methods[method]
	args := make([]any, len(mth.Inputs))
	for i, in := range mth.Inputs {
		args[i] = m.arg(r, method, in)
	}
	if method == "applyNode" && r.byte() < 200 { // proofs of possession by the keys named
		signedArgs := signed(from, args[:len(args)-2]...)
		args[len(args)-2], args[len(args)-1] = signedArgs[len(args)-2], signedArgs[len(args)-1]
	}
	if method == "moveUnseat" && r.byte() < 128 { // a seat that is held
		var seats [][3]any
		s := m.s()
		for role := RoleLeader; role <= RoleAdvisory; role++ {
			for _, c := range s.collectiveNames() {
				c = seatColl(role, c)
				for _, id := range s.seat(role, c).u64s() {
					seats = append(seats, [3]any{role, c, id})
				}
			}
		}
		pick := seats[r.n(len(seats))]
		args[1], args[2], args[3] = pick[0], pick[1], pick[2]
	}
	if method == "proposeDesignation" && r.byte() < 160 { // a member of the seat's collective holding no council seat
		s := m.s()
		coll := args[1].(string)
		if Role(args[0].(uint8)) == RoleSecretary {
			coll = m.colls[r.n(len(m.colls))]
		}
		var free []uint64
		for _, id := range s.collMembers(coll).u64s() {
			if s.councilRole(id) == 0 {
				free = append(free, id)
			}
		}
		if len(free) > 0 {
			args[2] = free[r.n(len(free))]
		}
	}
	if method == "grantCapital" && r.byte() < 160 { // a record of the sender's collective, its own at times
		s := m.s()
		if members := s.collMembers(s.recColl(s.recordOf(from))).u64s(); len(members) > 0 {
			args[0] = members[r.n(len(members))]
		}
	}
	if r.byte() < 160 {
		from = m.electionActor(method, args, from)
	}
	m.call(from, method, args)
}

// electionActor aims the election calls at who may make them: a candidate
// of the call's collective, a voter of the ballot's, a holder resigning its
// own seat, a candidate moved for election, a leader proposing a
// designation in its collective.
func (m *machine) electionActor(method string, args []any, from common.Address) common.Address {
	s := m.s()
	first := func(rec uint64) common.Address {
		if accs := s.accounts(rec); len(accs) > 0 {
			return accs[0]
		}
		return from
	}
	member := func(coll string, i uint64) common.Address {
		recs := s.collMembers(coll).u64s()
		if coll == "" { // the network's
			for _, c := range s.collectiveNames() {
				recs = append(recs, s.collMembers(c).u64s()...)
			}
		}
		if len(recs) > 0 {
			return first(recs[i%uint64(len(recs))])
		}
		return from
	}
	switch method {
	case "openCall": // a leader calls for its own collective
		if rec := s.recordOf(from); s.isLeader(rec, s.recColl(rec)) {
			args[0] = s.recColl(rec)
		}
	case "standForSeat", "withdrawCandidacy":
		return member(s.callColl(args[0].(uint64)), uint64(from[19]))
	case "castBallot", "voteBallot":
		return member(s.str(key("bal.coll", args[0].(uint64))), uint64(from[19]))
	case "openBallot": // a leader of the collective
		if ls := s.seat(RoleLeader, args[0].(string)).u64s(); len(ls) > 0 {
			return first(ls[int(from[19])%len(ls)])
		}
	case "delegate", "revokeDelegation": // a member of the latest ballot's collective, in it or the network
		coll := s.str(key("bal.coll", s.u64(key("seq.ballot"))))
		if from[19]%4 != 0 {
			args[0] = coll
		}
		if method == "delegate" {
			if recs := s.collMembers(coll).u64s(); len(recs) > 0 {
				args[1] = recs[int(from[18])%len(recs)]
			}
		}
		return member(coll, uint64(from[19]))
	case "proposeDesignation": // a leader of the seat's collective
		if ls := s.seat(RoleLeader, args[1].(string)).u64s(); len(ls) > 0 {
			return first(ls[int(from[19])%len(ls)])
		}
	case "moveElect":
		if cands := s.candidates(args[1].(uint64)).u64s(); len(cands) > 0 {
			args[2] = cands[int(from[19])%len(cands)]
		}
	case "resign":
		var held [][3]any
		for role := RoleLeader; role <= RoleAdvisory; role++ {
			for _, c := range s.collectiveNames() {
				c = seatColl(role, c)
				for _, id := range s.seat(role, c).u64s() {
					held = append(held, [3]any{uint8(role), c, id})
				}
			}
		}
		pick := held[int(from[19])%len(held)]
		args[0], args[1] = pick[0], pick[1]
		return first(pick[2].(uint64))
	case "openRenewalBallot":
		var leaders []uint64
		for _, c := range s.collectiveNames() {
			leaders = append(leaders, s.seat(RoleLeader, c).u64s()...)
		}
		if len(leaders) > 0 {
			args[0] = leaders[int(from[19])%len(leaders)]
			return first(args[0].(uint64))
		}
	}
	return from
}

// view reads a view with drawn arguments, as a transaction would: it
// answers or reverts, and changes nothing.
func (m *machine) view(r *reader) {
	name := views[r.n(len(views))]
	mth := ABI.Methods[name]
	args := make([]any, len(mth.Inputs))
	for i, in := range mth.Inputs {
		args[i] = m.arg(r, name, in)
	}
	input, err := ABI.Pack(name, args...)
	if err != nil {
		m.t.Fatalf("pack %s%v: %v", name, args, err)
	}
	logs := len(m.st.Logs())
	_, _, err = m.c.Call(m.env, m.st, m.pool[r.n(len(m.pool))], input, params.MaxTxGas)
	if err != nil && !errors.Is(err, vm.ErrExecutionReverted) {
		m.t.Fatalf("view %s%v: %v", name, args, err)
	}
	if root(m.st) != m.root || len(m.st.Logs()) != logs {
		m.t.Fatalf("view %s%v changed state", name, args)
	}
}

// call runs method and checks what a call must keep.
func (m *machine) call(from common.Address, method string, args []any) {
	t := m.t
	input, err := ABI.Pack(method, args...)
	if err != nil {
		t.Fatalf("pack %s%v: %v", method, args, err)
	}
	forCause := m.forCauseTargets(method, args)
	advisory := m.s().seat(RoleAdvisory, "").len()
	var office officeState
	commission := method == "proposeNodeAction" || method == "proposeMemberAction" || method == "voteAction"
	if commission {
		office = m.office()
	}
	var meeting uint64
	if method == "decide" {
		meeting = m.s().u64(key("mot.meeting", args[0].(uint64)))
	}
	proxyErr := m.proxyRule(from, method, args)
	holders := m.seatHolders()
	before := m.root
	logs := len(m.st.Logs())
	db := &countingDB{StateDB: m.st}
	gas := params.MaxTxGas
	ret, left, err := m.c.Call(m.env, db, from, input, gas)
	used := gas - left
	switch {
	case errors.Is(err, vm.ErrOutOfGas):
		t.Fatalf("%s%v needs more gas than a transaction carries (%d)", method, args, gas)
	case err != nil:
		if !errors.Is(err, vm.ErrExecutionReverted) {
			t.Fatalf("%s: error %v", method, err)
		}
		if root(m.st) != before || len(m.st.Logs()) != logs {
			t.Fatalf("refused %s%v changed state", method, args)
		}
		reason, _ := abi.UnpackRevert(ret)
		m.said[method+": "+reason]++
		if strings.HasPrefix(reason, "quorum not reached") {
			m.quorate(meeting, false)
		}
	default:
		// Every slot written, read (beyond the read before each write) and
		// log emitted is paid for.
		floor := gasCallBase + gasWrite*db.writes + (gasLogBase+gasLogTopic)*db.logs + gasRead*(db.reads-min(db.reads, db.writes))
		if used < floor {
			t.Fatalf("%s used %d gas for %d reads, %d writes, %d logs (at least %d)", method, used, db.reads, db.writes, db.logs, floor)
		}
		for _, c := range forCause {
			m.exempt[c] = true
		}
		m.kept[method]++
		if proxyErr != "" {
			t.Fatalf("%s%v by %s kept: %s", method, args, from.Hex(), proxyErr)
		}
		if commission {
			m.actsAlone(method, office)
		}
		if method == "decide" {
			m.quorate(meeting, true)
		}
		m.checkAdvisory(method, args, advisory)
		m.checkSeatFlows(method, args, holders)
		m.root = root(m.st)
	}
	m.check(method)
}

// proxyRule says why method by from must be refused under the proxy rules
// ("": it may be kept): a sender without a council seat of its own attends
// and votes only as a proxy appointed before the meeting's start, and moves
// nothing.
func (m *machine) proxyRule(from common.Address, method string, args []any) string {
	s := m.s()
	if id := s.recordOf(from); id != 0 && s.isExecutive(id) {
		return ""
	}
	var meeting uint64
	switch {
	case method == "attend":
		meeting = args[0].(uint64)
	case method == "vote":
		meeting = s.u64(key("mot.meeting", args[0].(uint64)))
	case strings.HasPrefix(method, "move"):
		return "a motion by an account of no council seat"
	default:
		return ""
	}
	h := s.proxyHolder(from)
	if h == 0 {
		return "not a proxy"
	}
	if since, start := s.u64(key("proxy.since", h)), s.u64(key("mtg.start", meeting)); since >= start {
		return fmt.Sprintf("proxy appointed at %d, meeting starts at %d", since, start)
	}
	return ""
}

// quorate checks that every motion of a meeting is tallied on the same
// quorum: deciding one never changes whether the meeting was quorate.
func (m *machine) quorate(meeting uint64, q bool) {
	if was, ok := m.quorum[meeting]; ok && was != q {
		m.t.Fatalf("meeting %d was quorate (%v) for one motion and not (%v) for another", meeting, was, q)
	}
	m.quorum[meeting] = q
}

// forCauseTargets are the collectives a plenary decision on an action for
// cause may touch (the commission's vote alone never may).
func (m *machine) forCauseTargets(method string, args []any) []string {
	if method != "decide" {
		return nil
	}
	s := m.s()
	mot := args[0].(uint64)
	if k := MotionKind(s.u64(key("mot.kind", mot))); k != MotionMemberAction && k != MotionRatifyAction {
		return nil
	}
	id := s.u64(key("mot.a", mot))
	if !s.flag(key("act.forCause", id)) {
		return nil
	}
	subject := s.get(key("act.subject", id))
	if ActionTarget(s.u64(key("act.target", id))) == TargetNode {
		return []string{s.nodeColl(wordNode(subject))}
	}
	return []string{s.recColl(u64of(subject))}
}

// officeState is what one office must not change alone: the status of each
// seat holder's record, and which collectives have validators.
type officeState struct {
	holders map[uint64]RecordStatus
	withVal map[string]bool
}

func (m *machine) office() officeState {
	s := m.s()
	o := officeState{holders: map[uint64]RecordStatus{}, withVal: map[string]bool{}}
	for role := RoleLeader; role <= RoleAdvisory; role++ {
		for _, c := range s.collectiveNames() {
			for _, id := range s.seat(role, seatColl(role, c)).u64s() {
				o.holders[id] = s.recStatus(id)
			}
		}
	}
	for _, c := range s.collectiveNames() {
		o.withVal[c] = s.collValidators(c).len() > 0
	}
	return o
}

// actsAlone fails if what happened since before was a single office acting
// against another.
func (m *machine) actsAlone(what string, before officeState) {
	s := m.s()
	for id, st := range before.holders {
		if now := s.recStatus(id); now != st {
			m.t.Fatalf("%s alone changed seat holder %d from %s to %s", what, id, st, now)
		}
	}
	for c, had := range before.withVal {
		if had && s.collValidators(c).len() == 0 {
			m.t.Fatalf("%s alone left collective %s without validators", what, c)
		}
	}
}

// endBlock ends the block (EndBlock's effects applied to the model of
// CometBFT) and starts the next, later by an amount read from r: a few
// seconds, to the latest meeting's start or past its end, or a long jump.
func (m *machine) endBlock(r *reader) {
	office := m.office()
	holders := m.seatHolders()
	// Every seventh block commits evidence against a validator (without
	// reading r, so the corpus keeps its paths): recorded once, changing
	// no power.
	env := m.env
	var accused [20]byte
	var before uint64
	if vals := m.c.Validators(m.st); m.env.Number%7 == 0 && len(vals) > 0 {
		v := vals[int(m.env.Number/7)%len(vals)]
		accused = wordNode(m.s().get(key("key.node", crypto.Keccak256Hash(v.PubKey))))
		before = m.s().u64(key("mis.count", accused))
		env.Misbehaviour = []Misbehaviour{{Address: ConsensusAddress(v.PubKey), Height: m.env.Number - 1}}
	}
	var due uint64
	for _, id := range m.s().lset("bal.all").u64s() {
		if m.s().u64(key("bal.end", id)) <= env.Time {
			due++
		}
	}
	fx := m.c.EndBlock(env, m.st)
	m.endedAt, m.dueLeft = env.Time, due-min(due, maxBallotClosesPerBlock)
	if env.Misbehaviour != nil {
		if got := m.s().u64(key("mis.count", accused)); got != before+1 {
			m.t.Fatalf("evidence against %x counted %d → %d", accused, before, got)
		}
	}
	m.checkSeatFlows("the end of a block", nil, holders)
	for _, e := range fx.TermsEnded {
		if m.ended[e] || e.End > m.env.Time || !m.s().seat(e.Role, e.Collective).has(w64(e.Record)) {
			m.t.Fatalf("EndBlock at %d announces %+v: twice, early, or of no holder", m.env.Time, e)
		}
		m.ended[e] = true
	}
	m.actsAlone("the end of a block", office)
	for _, u := range fx.Validators {
		k := string(u.PubKey)
		if u.Power == 0 {
			if _, ok := m.cmt[k]; !ok {
				m.t.Fatalf("EndBlock removes a key CometBFT does not hold")
			}
			delete(m.cmt, k)
		} else {
			m.cmt[k] = u.Power
		}
	}
	if len(m.cmt) == 0 {
		m.t.Fatal("EndBlock left CometBFT an empty validator set")
	}
	if fx.GasLimit != 0 && (fx.GasLimit < GasLimitMin || fx.GasLimit > GasLimitMax) {
		m.t.Fatalf("EndBlock gas limit %d out of range", fx.GasLimit)
	}
	got := map[string]int64{}
	for _, v := range m.c.Validators(m.st) {
		got[string(v.PubKey)] = v.Power
	}
	if fmt.Sprint(got) != fmt.Sprint(m.cmt) {
		m.t.Fatalf("CometBFT's set %v differs from governance's %v", m.cmt, got)
	}
	s := m.s()
	mtg := s.u64(key("seq.meeting"))
	m.env.Number++
	switch r.n(4) {
	case 0:
		m.env.Time += 1 + uint64(r.n(30))
	case 1:
		m.env.Time = max(m.env.Time+1, s.u64(key("mtg.start", mtg)))
	case 2:
		m.env.Time = max(m.env.Time+1, s.u64(key("mtg.end", mtg)))
	case 3:
		m.env.Time += 1 + uint64(r.byte())*3600
	}
	m.root = root(m.st)
	m.check("block end")
}

// check asserts the invariants over the state as it is.
func (m *machine) check(after string) {
	t, s := m.t, m.s()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("after %s (block %d, time %d): %s", after, m.env.Number, m.env.Time, fmt.Sprintf(format, a...))
	}
	var total, nodes uint64
	for _, coll := range s.collectiveNames() {
		vals := s.collValidators(coll).all()
		formed := s.formed(coll)
		for i, v := range vals {
			want := uint64(0)
			if formed {
				want = Share(uint64(i), uint64(len(vals)))
			}
			if p := s.nodePower(wordNode(v)); p != want {
				fail("validator %d of %d of %s has power %d, want %d", i, len(vals), coll, p, want)
			}
			total += s.nodePower(wordNode(v))
		}
		if n := s.seat(RoleLeader, coll).len(); formed && n < s.param("minLeaders") && s.u64(key("coll.call", coll)) == 0 {
			fail("formed collective %s has %d leaders, fewer than %d, and no open call", coll, n, s.param("minLeaders"))
		}
		if call := s.u64(key("coll.call", coll)); call != 0 && (s.callStatus(call) != CallOpen || s.callColl(call) != coll) {
			fail("collective %s's open call %d is %s, of %q", coll, call, s.callStatus(call), s.callColl(call))
		}
		nodes += s.collNodes(coll).len()
		if formed && !m.exempt[coll] {
			if s.collNodes(coll).len() == 0 {
				fail("formed collective %s has no node", coll)
			}
		}
	}
	if total == 0 {
		fail("no validator holds power")
	}
	sec := s.seat(RoleSecretary, "").u64s()
	if len(sec) != 1 {
		fail("secretary seat holds %v", sec)
	}
	if st := s.recStatus(sec[0]); st != StatusActive {
		fail("the secretary's record %d is %s", sec[0], st)
	}
	if nodes > 0 && s.filled(RoleNodesCommission) == 0 {
		fail("the Nodes Commission has no holder, and there are %d nodes", nodes)
	}
	m.checkTerms(fail)
	m.checkBallots(after, fail)
	for _, p := range DefaultParams {
		if v := s.param(p.Name); v < p.Min || v > p.Max {
			fail("parameter %s = %d outside %d..%d", p.Name, v, p.Min, p.Max)
		}
	}
	var awaiting uint64
	for _, st := range []ActionStatus{ActionProvisional, ActionToPlenary} {
		for _, id := range s.actions(st).u64s() {
			d := s.u64(key("act.deadline", id))
			if !s.lset("lapse.at", d/lapseBucket).has(w64(id)) || d%lapseBucket != 0 {
				fail("action %d (%s) is not queued at its deadline %d", id, st, d)
			}
			awaiting++
		}
	}
	if n := s.u64(key("lapse.count")); n != awaiting {
		fail("lapse queue holds %d, %d actions await the plenary", n, awaiting)
	}
	if s.param("minLeaders") > s.param("maxLeaders") {
		fail("minLeaders %d above maxLeaders %d", s.param("minLeaders"), s.param("maxLeaders"))
	}
	counted := map[string]uint64{}
	for id := uint64(1); id <= s.u64(key("seq.record")); id++ {
		gas, c := s.u64(key("cap.gas", id)), s.u64(key("cap.counted", id))
		if gas != c {
			fail("record %d has a grant of %d gas per epoch counting %d against its budget", id, gas, c)
		}
		if by := s.u64(key("cap.by", id)); by == id {
			fail("record %d's grant came from its own leader seat", id)
		}
		counted[s.recColl(id)] += c
	}
	for _, coll := range s.collectiveNames() {
		c, budget := s.u64(key("coll.committed", coll)), s.u64(key("coll.budget", coll))
		if c != counted[coll] {
			fail("collective %s has %d committed, its records' grants count %d", coll, c, counted[coll])
		}
		if prev, ok := m.committed[coll]; ok && c > budget && c > prev {
			fail("collective %s's committed capital grew from %d to %d over its budget %d", coll, prev, c, budget)
		}
		m.committed[coll] = c
	}
	// one council seat per record, the one recorded for it
	for role := RoleSecretary; role <= RoleAdvisory; role++ {
		for _, coll := range append(s.collectiveNames(), "") {
			if seatColl(role, coll) != coll {
				continue
			}
			for _, id := range s.seat(role, coll).u64s() {
				if s.councilRole(id) != role || s.str(key("rec.councilColl", id)) != coll {
					fail("record %d holds the %s of %q but is recorded in %s of %q", id, role.Office(), coll, s.councilRole(id).Office(), s.str(key("rec.councilColl", id)))
				}
				if role == RoleAdvisory && s.advisoryRenewals(role, id) > maxAdvisoryRenewals {
					fail("Advisory member %d renewed %d times", id, s.advisoryRenewals(role, id))
				}
			}
		}
	}
	// open designations: one per seat, each the one its seat points to
	open := s.designations(DesignationOpen).u64s()
	if len(open) > maxOpenDesignations {
		fail("%d open designations, more than the %d seats", len(open), maxOpenDesignations)
	}
	for _, id := range open {
		role, coll := Role(s.u64(key("dsg.role", id))), s.str(key("dsg.coll", id))
		if s.u64(key("dsg.open", role, coll)) != id {
			fail("open designation %d is not the one of its seat (%s of %q)", id, role.Office(), coll)
		}
	}
	m.checkViews(fail)
}

// checkAdvisory checks what a kept call did to the Advisory Council and its
// designations: the council grew only within maxAdvisory; a decided
// admission or an approved designation seated its record for its term.
func (m *machine) checkAdvisory(method string, args []any, advisoryBefore uint64) {
	s := m.s()
	if n := s.seat(RoleAdvisory, "").len(); n > advisoryBefore && n > s.param("maxAdvisory") {
		m.t.Fatalf("%s grew the Advisory Council to %d seats, above maxAdvisory %d", method, n, s.param("maxAdvisory"))
	}
	switch method {
	case "decide":
		id := args[0].(uint64)
		if MotionKind(s.u64(key("mot.kind", id))) != MotionAdmitAdvisory || MotionStatus(s.u64(key("mot.status", id))) != MotionPassed {
			return
		}
		app := s.u64(key("mot.a", id))
		rec := s.recordOf(s.appApplicant(app))
		if s.appStatus(app) != AppApproved || s.councilRole(rec) != RoleAdvisory || s.termEnd(RoleAdvisory, rec) != m.env.Time+s.param("advisoryTerm") {
			m.t.Fatalf("admission %d passed: application %s, record %d in %s until %d", app, s.appStatus(app), rec, s.councilRole(rec), s.termEnd(RoleAdvisory, rec))
		}
	case "voteDesignation":
		id := args[0].(uint64)
		if s.dsgStatus(id, m.env.Time) != DesignationApproved {
			return
		}
		role, coll, rec := Role(s.u64(key("dsg.role", id))), s.str(key("dsg.coll", id)), s.u64(key("dsg.record", id))
		if !s.seat(role, coll).has(w64(rec)) || s.termEnd(role, rec) < m.env.Time+s.param("councilTerm") {
			m.t.Fatalf("designation %d approved, but record %d does not hold the %s of %q for councilTerm", id, rec, role.Office(), coll)
		}
		if role == RoleSecretary && s.seat(role, "").len() != 1 {
			m.t.Fatalf("designation %d left the secretary's seat with %d holders", id, s.seat(role, "").len())
		}
	}
}

// seatHolders are the holders of every seat, as "role collective record".
func (m *machine) seatHolders() map[[3]any]bool {
	s := m.s()
	out := map[[3]any]bool{}
	for role := RoleLeader; role <= RoleAdvisory; role++ {
		for _, c := range s.collectiveNames() {
			c = seatColl(role, c)
			for _, id := range s.seat(role, c).u64s() {
				out[[3]any{role, c, id}] = true
			}
		}
	}
	return out
}

// checkSeatFlows: a record takes a seat only by its own flow, a leader by a
// passed election, an Advisory member by a passed admission, an Executive
// Council member by an approved designation; the secretary's seat changes
// only by designation.
func (m *machine) checkSeatFlows(method string, args []any, before map[[3]any]bool) {
	s := m.s()
	var kind MotionKind
	if method == "decide" {
		kind = MotionKind(s.u64(key("mot.kind", args[0].(uint64))))
	}
	after := m.seatHolders()
	for h := range after {
		if before[h] {
			continue
		}
		role := h[0].(Role)
		ok := map[Role]bool{
			RoleLeader:   kind == MotionElect,
			RoleAdvisory: kind == MotionAdmitAdvisory,
		}[role] || (role != RoleLeader && role != RoleAdvisory && method == "voteDesignation")
		if !ok {
			m.t.Fatalf("record %d took the %s of %q by %s (motion kind %s)", h[2], role.Office(), h[1], method, kind)
		}
	}
	for h := range before {
		if !after[h] && h[0].(Role) == RoleSecretary && method != "voteDesignation" {
			m.t.Fatalf("record %d left the Executive Secretary's seat by %s", h[2], method)
		}
	}
}

// checkTerms: every holder whose term has not ended is queued for EndBlock,
// each queue is in term order and holds only holders, and no leader was
// renewed more than twice.
func (m *machine) checkTerms(fail func(string, ...any)) {
	s := m.s()
	for role := RoleLeader; role <= RoleAdvisory; role++ {
		q := s.termQueue(role)
		queued := map[uint64]bool{}
		var last uint64
		for id := q.head(); id != 0; id = q.next(id) {
			if queued[id] || len(queued) > 2000 {
				fail("the %s term queue loops at %d", role, id)
			}
			queued[id] = true
			end := s.termEnd(role, id)
			if !s.seat(role, s.seatCollOf(role, id)).has(w64(id)) {
				fail("record %d is queued for a %s term it does not hold", id, role)
			}
			if end < last {
				fail("the %s term queue is out of order at %d (%d after %d)", role, id, end, last)
			}
			last = end
		}
		colls := []string{""}
		if role.PerCollective() {
			colls = s.collectiveNames()
		}
		for _, c := range colls {
			for _, id := range s.seat(role, c).u64s() {
				if s.termEnd(role, id) > m.env.Time && !queued[id] {
					fail("%s %d's term (to %d) is not queued", role, id, s.termEnd(role, id))
				}
				if n := s.renewals(role, id); n > maxRenewals {
					fail("%s %d renewed %d times", role, id, n)
				}
			}
		}
	}
}

// checkBallots: every open ballot is queued for the end of a block, and
// after one, only those past maxBallotClosesPerBlock are left past their
// end; every delegation is in its delegate's
// set of delegators, and every delegator in the set delegates to it.
func (m *machine) checkBallots(after string, fail func(string, ...any)) {
	s := m.s()
	next := s.u64(key("bal.nextEnd"))
	questions := map[string]uint64{}
	var late uint64
	for id := range s.u64(key("seq.ballot")) + 1 {
		if id == 0 {
			continue
		}
		open := BallotStatus(s.u64(key("bal.status", id))) == BallotOpen
		if open && BallotKind(s.u64(key("bal.kind", id))) == BallotQuestion {
			questions[s.str(key("bal.coll", id))]++
		}
		coll, end := s.str(key("bal.coll", id)), s.u64(key("bal.end", id))
		if queued := s.lset("bal.all").has(w64(id)) && s.lset("bal.opens", coll).has(w64(id)); queued != open {
			fail("ballot %d: open %v, queued %v", id, open, queued)
		}
		if open && (next == 0 || next > end) {
			fail("ballot %d ends at %d, but the end of a block looks first at %d", id, end, next)
		}
		if open && after == "block end" && end <= m.endedAt {
			late++
		}
	}
	if after == "block end" && late != m.dueLeft {
		fail("the end of the block left %d ballots past their end open, want %d", late, m.dueLeft)
	}
	scopes := append([]string{""}, s.collectiveNames()...)
	for _, sc := range scopes {
		if n := s.u64(key("bal.questions", sc)); n != questions[sc] || n > maxOpenQuestions {
			fail("%q counts %d open questions, has %d (at most %d)", sc, n, questions[sc], maxOpenQuestions)
		}
	}
	for rec := range s.u64(key("seq.record")) + 1 {
		for _, sc := range scopes {
			if to := s.delegateOf(sc, rec); to != 0 && !s.delegators(sc, to).has(w64(rec)) {
				fail("record %d delegates to %d in %q, which does not list it", rec, to, sc)
			}
			for _, d := range s.delegators(sc, rec).u64s() {
				if s.delegateOf(sc, d) != rec {
					fail("record %d lists %d as delegating to it in %q, which delegates to %d", rec, d, sc, s.delegateOf(sc, d))
				}
			}
		}
	}
}

// readView answers view name through the contract, as eth_call would.
func (m *machine) readView(name string, a ...any) []any {
	m.t.Helper()
	input, err := ABI.Pack(name, a...)
	if err != nil {
		m.t.Fatal(err)
	}
	ret, err := m.c.View(m.env, m.st, input)
	if err != nil {
		m.t.Fatalf("view %s%v: %v", name, a, err)
	}
	out, err := ABI.Methods[name].Outputs.Unpack(ret)
	if err != nil {
		m.t.Fatalf("view %s%v: %v", name, a, err)
	}
	return out
}

// checkViews: the detail views of the latest application, motion, action
// and requests agree with their summaries and with the rules.
func (m *machine) checkViews(fail func(string, ...any)) {
	s := m.s()
	if id := s.u64(key("seq.app")); id != 0 {
		app, review := m.readView("application", id), m.readView("applicationReview", id)
		kind, st := ApplicationKind(app[0].(uint8)), ApplicationStatus(app[1].(uint8))
		endorser, rec := review[0].(uint64), review[3].(uint64)
		if v := m.readView("applicationVotes", id); uint32(len(v[0].([]uint64))) != app[7].(uint32) || uint32(len(v[1].([]uint64))) != app[8].(uint32) {
			fail("application %d has %d approvals and %d rejections, applicationVotes %v", id, app[7], app[8], v)
		}
		if (st == AppApproved) != (rec != 0) {
			fail("application %d is %s and names record %d", id, st, rec)
		}
		if kind != AppAdvisory && kind != AppCollective && (st == AppEndorsed || st == AppToPlenary || st == AppApproved) && (endorser == 0 || review[1].(uint64) == 0) {
			fail("application %d is %s but names no endorser (%v)", id, st, review)
		}
		if kind == AppNode {
			if n := m.readView("nodeApplication", id); n[0].([20]byte) != app[4].([20]byte) || n[1].(uint8) != app[5].(uint8) {
				fail("nodeApplication(%d) = %v, application %v", id, n, app)
			}
			if st == AppApproved && s.nodeOp(app[4].([20]byte)) != rec {
				fail("application %d admitted record %d, but node %x is operated by %d", id, rec, app[4], s.nodeOp(app[4].([20]byte)))
			}
		} else if p := m.readView("projectApplication", id); kind == AppProject && p[0].(string) == "" {
			fail("project application %d has no name: %v", id, p)
		}
	}
	if id := s.u64(key("seq.motion")); id != 0 {
		mot, content := m.readView("motion", id), m.readView("motionContent", id)
		if mot[1].(uint8) != content[0].(uint8) {
			fail("motion %d is of kind %d, its content of kind %d", id, mot[1], content[0])
		}
		if MotionKind(content[0].(uint8)) == MotionElect && content[7].(uint64) == 0 {
			fail("election motion %d has no term end: %v", id, content)
		}
	}
	if id := s.u64(key("seq.action")); id != 0 {
		act, detail := m.readView("action", id), m.readView("actionDetail", id)
		if v := m.readView("actionVotes", id); uint32(len(v[0].([]uint64))) != act[9].(uint32) || uint32(len(v[1].([]uint64))) != act[10].(uint32) {
			fail("action %d has %d approvals and %d rejections, actionVotes %v", id, act[9], act[10], v)
		}
		node, rec := detail[0].([20]byte), detail[1].(uint64)
		if detail[2].(uint64) == 0 || (node == [20]byte{}) == (rec == 0) || (ActionTarget(act[0].(uint8)) == TargetNode) != (node != [20]byte{}) {
			fail("action %d = %v, detail %v", id, act, detail)
		}
	}
	if n := s.u64(key("seq.exreq")); n != 0 {
		page := m.readView("extraordinaryRequests", [32]byte(w64(n-1)), uint32(1))
		req := m.readView("extraordinaryRequest", n)
		if ids := page[0].([]uint64); len(ids) != 1 || ids[0] != n || page[1].([]uint64)[0] != req[0].(uint64) || req[0].(uint64) == 0 {
			fail("extraordinary request %d: page %v, view %v", n, page, req)
		}
		if mtg := req[3].(uint64); mtg != 0 && s.u64(key("mtg.request", mtg)) != n {
			fail("request %d answered by meeting %d, which answers request %d", n, mtg, s.u64(key("mtg.request", mtg)))
		}
	}
	if n := s.u64(key("seq.capreq")); n != 0 {
		if r := m.readView("capitalRequest", n); r[0].(uint64) == 0 {
			fail("capital request %d has no record: %v", n, r)
		}
		if ids := m.readView("capitalRequestIds", [32]byte{}, uint32(0))[0].([]uint64); uint64(len(ids)) != min(n, maxPage) || ids[0] != 1 {
			fail("capitalRequestIds lists %d of %d requests", len(ids), n)
		}
	}
}

// holders are the accounts of the records holding role (any collective).
func (m *machine) holders(role Role) []common.Address {
	s := m.s()
	var out []common.Address
	colls := []string{""}
	if role.PerCollective() {
		colls = s.collectiveNames()
	}
	for _, c := range colls {
		for _, id := range s.seat(role, c).u64s() {
			out = append(out, s.accounts(id)...)
			if p := s.addr(key("proxy.of", id)); p != (common.Address{}) {
				out = append(out, p)
			}
		}
	}
	return out
}

// actor is who sends method: usually someone who may (the byte's high bit
// clear), else anyone of the pool.
func (m *machine) actor(r *reader, method string) common.Address {
	b := r.byte()
	if b >= 128 {
		return m.pool[int(b)%len(m.pool)]
	}
	var who []common.Address
	switch method {
	case "convene", "recordMinutes", "addAgreement", "setAgreementStatus":
		who = m.holders(RoleSecretary)
	case "endorse", "reject", "attestIdentity", "grantCapital", "revokeCapital", "requestExtraordinary", "declineCapitalRequest":
		who = m.holders(RoleLeader)
	case "openCall", "openRenewalBallot":
		who = append(m.holders(RoleLeader), m.holders(RoleSecretary)...)
	case "commissionVote":
		who = append(m.holders(RoleNodesCommission), m.holders(RoleProjectsCommission)...)
	case "proposeNodeAction", "proposeMemberAction", "voteAction":
		who = m.holders(RoleNodesCommission)
	case "proposeDesignation":
		who = m.holders(RoleLeader)
	case "voteDesignation":
		who = m.holders(RoleAdvisory)
	case "applyAdvisory": // strangers, and Advisory members asking for a renewal
		who = append([]common.Address{acct('U', int(b%4)), acct('X', int(b%4))}, m.holders(RoleAdvisory)...)
	case "attend", "vote", "moveApproveProject", "moveProjectStatus", "moveUnseat", "moveParameter",
		"moveUpgrade", "appointProxy", "revokeProxy", "moveAdmitAdvisory", "moveMemberAction", "moveRatifyAction", "moveOverturnAction",
		"moveElect", "moveCapitalBudget":
		who = append(m.holders(RoleSecretary), m.holders(RoleNodesCommission)...)
		who = append(who, m.holders(RoleProjectsCommission)...)
	case "applyNode", "applyProject":
		who = []common.Address{acct('U', int(b%4)), acct('X', int(b%4))}
	case "withdrawCapitalRequest", "requestCapital": // the latest request's record
		s := m.s()
		who = s.accounts(s.u64(key("capreq.record", s.u64(key("seq.capreq")))))
	}
	if len(who) == 0 {
		return m.pool[int(b)%len(m.pool)]
	}
	return who[int(b)%len(who)]
}

// freshNode names a node not named before (its key signs for it).
func (m *machine) freshNode() [20]byte {
	n := nodeID('U', len(m.nodes))
	m.nodes = append(m.nodes, n)
	return n
}

// latest picks an id of counter: mostly the latest ones, sometimes any,
// none (0) or one not yet made.
func (m *machine) latest(r *reader, counter string) uint64 {
	return m.pick(r.byte(), counter)
}

func (m *machine) pick(b byte, counter string) uint64 {
	n := m.s().u64(key(counter))
	switch {
	case b < 160:
		return n - min(n, uint64(b%4))
	case b < 230:
		return uint64(b) % (n + 1)
	case b < 250:
		return n + 1
	default:
		return 0
	}
}

// arg draws an argument of method's input in: by its name, from what
// exists or from hostile values; by its type otherwise.
func (m *machine) arg(r *reader, method string, in abi.Argument) any {
	s := m.s()
	switch in.Name {
	case "meetingId":
		return m.latest(r, "seq.meeting")
	case "motionId":
		return m.latest(r, "seq.motion")
	case "applicationId":
		return m.latest(r, "seq.app")
	case "actionId":
		return m.latest(r, "seq.action")
	case "agreementId":
		return m.latest(r, "seq.agreement")
	case "requestId":
		if method == "capitalRequest" || strings.Contains(method, "Capital") {
			return m.latest(r, "seq.capreq")
		}
		return m.latest(r, "seq.exreq")
	case "callId":
		return m.latest(r, "seq.call")
	case "ballotId":
		return m.latest(r, "seq.ballot")
	case "violationId":
		return m.latest(r, "seq.violation")
	case "version":
		return m.s().ethicsVersion() + uint64(r.n(3)) - min(1, m.s().ethicsVersion())
	case "sanction":
		return uint8(r.n(6))
	case "leaderRecord":
		return m.pick(r.byte(), "seq.record")
	case "designationId":
		return m.latest(r, "seq.designation")
	case "recordId", "projectId":
		b := r.byte()
		if b >= 100 && b < 160 { // a seat holder
			var ids []uint64
			for role := RoleLeader; role <= RoleAdvisory; role++ {
				for _, c := range s.collectiveNames() {
					ids = append(ids, s.seat(role, seatColl(role, c)).u64s()...)
				}
			}
			return ids[int(b-100)%len(ids)]
		}
		return m.pick(b, "seq.record")
	case "collective":
		return m.colls[r.n(len(m.colls))]
	case "scope":
		return append([]string{""}, m.colls...)[r.n(len(m.colls)+1)]
	case "options", "option":
		return uint16(r.n(maxBallotOptions + 2))
	case "duration":
		return []uint64{0, minute, 3600, maxBallotSpan + 1}[r.n(4)]
	case "quorumPermille":
		return []uint32{0, 1, 500, 1000, 1001}[r.n(5)]
	case "to":
		return m.pick(r.byte(), "seq.record")
	case "nodeId":
		if b := r.byte(); b < 200 {
			return m.nodes[int(b)%len(m.nodes)]
		}
		return m.freshNode()
	case "nodeKey":
		if b := r.byte(); b < 200 {
			return nodeKeyOf(m.nodes[int(b)%len(m.nodes)])
		}
		return nodeKeyOf(m.freshNode())
	case "pubKey":
		if b := r.byte(); b < 60 && len(m.keys) > 0 {
			return m.keys[int(b)%len(m.keys)]
		} else if b > 250 {
			return []byte{1, 2, 3}
		}
		k := consKey('U', len(m.keys))
		m.keys = append(m.keys, k)
		return k
	case "keyType":
		return []string{"ed25519", "ed25519", "ed25519", "secp256k1"}[r.n(4)]
	case "role":
		if method == "applyNode" {
			return uint8(1 + r.n(3)%2)
		}
		return uint8(r.n(7))
	case "action", "status":
		return uint8(r.n(6))
	case "memberKind":
		return uint8(r.n(4))
	case "kind":
		return uint8(1 + r.n(3)%2)
	case "name":
		switch method {
		case "moveParameter":
			m.param = "nope"
			if b := r.byte(); b < 250 {
				m.param = DefaultParams[int(b)%len(DefaultParams)].Name
			}
			return m.param
		case "moveUpgrade":
			return []string{"v2", "v3", "v 4", ""}[r.n(4)]
		}
		return fmt.Sprintf("project %d", r.n(4))
	case "value":
		return m.paramValue(r)
	case "height":
		switch r.n(5) {
		case 0:
			return uint64(0)
		case 1:
			return m.env.Number + 1
		case 2:
			return uint64(math.MaxUint64)
		}
		return m.env.Number + 2*s.param("meetingNotice") + uint64(r.byte()) // an upgrade's least lead, and more
	case "termEnd":
		switch r.n(5) {
		case 0:
			return uint64(math.MaxUint64)
		case 1:
			return m.env.Time
		case 2:
			return m.env.Time + s.param("leaderTerm") + 1
		}
		return m.env.Time + 1 + uint64(r.byte())*3600
	case "start":
		if r.byte() < 230 {
			return m.env.Time + s.param("meetingNotice") + uint64(r.n(10))
		}
		return m.env.Time
	case "end":
		// after the start drawn just before (convene's order)
		return m.env.Time + s.param("meetingNotice") + 10 + uint64(r.n(60))
	case "reasonHash":
		if r.byte() < 40 {
			return [32]byte{} // none: refused for cause
		}
		return [32]byte{0xCA}
	case "gasPerEpoch":
		return []uint64{0, 1000, 1_000_000, 5_000_000, math.MaxUint64}[r.n(5)]
	case "expiry":
		return []uint64{0, m.env.Time + 100, 1}[r.n(3)]
	case "account", "proxy":
		return m.pool[r.n(len(m.pool))]
	case "accounts":
		n := r.n(3)
		out := make([]common.Address, n)
		for i := range out {
			out[i] = m.pool[r.n(len(m.pool))]
		}
		return out
	}
	switch in.Type.T {
	case abi.BoolTy:
		return r.byte()&1 == 0
	case abi.UintTy:
		switch in.Type.Size {
		case 8:
			return r.byte()
		case 16:
			return uint16(r.byte())
		case 32:
			return []uint32{0, 1, 10, 1000, math.MaxUint32}[r.n(5)]
		case 64:
			return uint64(r.n(4))
		}
		return new(big.Int).SetUint64(r.u64())
	case abi.StringTy:
		if r.byte() == 255 {
			return strings.Repeat("x", 300)
		}
		return "https://x"
	case abi.FixedBytesTy:
		if in.Type.Size == 32 {
			return [32]byte{r.byte() | 1}
		}
		return [20]byte{r.byte() | 1}
	case abi.BytesTy:
		return []byte{r.byte()}
	case abi.AddressTy:
		return m.pool[r.n(len(m.pool))]
	}
	m.t.Fatalf("no generator for %s's %s %s", method, in.Type, in.Name)
	return nil
}

// paramValue is a value for a parameter motion: the bounds of the
// parameter drawn for it (or of another) and just past them, its default,
// or a hostile one.
func (m *machine) paramValue(r *reader) *big.Int {
	p, ok := paramSpec(m.param)
	if b := r.byte(); !ok || b >= 200 {
		p = DefaultParams[int(b)%len(DefaultParams)]
	}
	lo, hi := m.s().paramRange(p.Name)
	switch r.n(8) {
	case 0:
		return new(big.Int).SetUint64(lo)
	case 1:
		return new(big.Int).SetUint64(hi)
	case 2:
		return new(big.Int).SetUint64(hi + 1)
	case 3:
		return new(big.Int).SetUint64(lo - min(lo, 1))
	case 4:
		return new(big.Int).Lsh(big.NewInt(1), 70)
	case 5:
		return new(big.Int).SetUint64(r.u64())
	}
	return new(big.Int).SetUint64(p.Value)
}

// lapseSeed admits a validator to academic, has the Nodes Commission
// suspend it and then remove it (both provisional), the plenary ratify the
// removal, and the clock run past the suspension's deadline.
func lapseSeed() []byte {
	var b []byte
	step := func(bs ...byte) {
		chunk := make([]byte, stepBytes)
		copy(chunk, bs)
		b = append(b, chunk...)
	}
	call := func(method string, actor byte, args ...byte) {
		step(append([]byte{opCall, methodIndex(method), actor}, args...)...)
	}
	call("applyNode", 0, 1, 200, 0, 0, 100, 1, 1, 1, 0, 1, 0, 0, 0, 0)
	for i := range byte(10) {
		call("endorse", i, 0)
	}
	for i := range byte(8) {
		call("commissionVote", i, 0, 0)
	}
	for _, kind := range []byte{1, 2} {
		call("proposeNodeAction", 0, 4, kind, 0, 100)
		for i := range byte(4) {
			call("voteAction", i, 0, 0)
		}
	}
	call("convene", 0, 0, 0, 0, 0, 0, 0)
	step(opBlock, 1)
	for i := range byte(9) {
		call("attend", i, 0)
	}
	call("moveRatifyAction", 0, 0, 0)
	for i := range byte(9) {
		call("vote", i, 0, 0)
	}
	step(opBlock, 2)
	call("decide", 0, 0)
	for range 4 {
		step(opBlock, 3, 255) // 255 hours each
	}
	return b
}

// TestMachineLapse runs the lapse script: the ratified removal is final,
// the suspension lapses with nothing left to restore.
func TestMachineLapse(t *testing.T) {
	m := newMachine(t)
	r := &reader{b: lapseSeed()}
	for r.more() {
		m.step(r.step())
	}
	s := m.s()
	if st := s.actStatus(1); st != ActionLapsed {
		t.Errorf("suspension %s, want lapsed; refusals %v", st, m.said)
	}
	if st := s.actStatus(2); st != ActionFinal {
		t.Errorf("removal %s, want final; refusals %v", st, m.said)
	}
	if st := s.nodeStatus(m.nodes[4]); st != NodeRemoved {
		t.Errorf("node %s, want removed", st)
	}
}
