package governance

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
)

// ErrGenesis is a founding governance state that breaks a rule.
var ErrGenesis = errors.New("invalid governance genesis")

// ApplyGenesis writes the founding governance state g (nil: none, every
// account may transact) and the parameters into st, with gasLimit as the
// gasLimit parameter. It creates the governance account with nonce 1 and
// [StubCode]. g is validated first (docs/governance.md §2, §3.1, §4); a bad g
// leaves an error naming the entry, and st must then be discarded.
func ApplyGenesis(st vm.StateDB, g *Founding, gasLimit uint64) error {
	if st.GetNonce(Address) == 0 {
		st.SetNonce(Address, 1, tracing.NonceChangeGenesis)
		st.SetCode(Address, StubCode, tracing.CodeChangeGenesis)
	}
	s := &store{st: st}
	s.setParam("gasLimit", gasLimit)
	if g == nil {
		return nil // exactly what the chain held before governance
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrGenesis}, a...)...)
	}
	for _, p := range DefaultParams {
		if p.Name != "gasLimit" {
			s.setParam(p.Name, p.Value)
		}
	}
	if err := g.CheckParams(gasLimit); err != nil {
		return err
	}
	names := make([]string, 0, len(g.Params))
	for name := range g.Params {
		names = append(names, name)
	}
	slices.Sort(names) // map order must not reach state
	for _, name := range names {
		s.setParam(name, g.Params[name])
	}
	if len(g.Collectives) == 0 || len(g.Collectives) > maxCollectives {
		return fail("1 to %d collectives are required, got %d", maxCollectives, len(g.Collectives))
	}
	for i, name := range g.Collectives {
		if name == "" || len(name) > maxCollectiveName {
			return fail("collectives[%d]: name must be 1 to %d bytes", i, maxCollectiveName)
		}
		if s.collectiveExists(name) {
			return fail("collectives[%d]: %q is listed twice", i, name)
		}
		s.addCollective(name)
	}
	budgeted := make([]string, 0, len(g.Budgets))
	for name := range g.Budgets {
		budgeted = append(budgeted, name)
	}
	slices.Sort(budgeted)
	for _, name := range budgeted {
		if !s.collectiveExists(name) {
			return fail("budgets.%s: collective %q is not listed", name, name)
		}
		s.setU64(key("coll.budget", name), g.Budgets[name])
	}
	for i, r := range g.Records {
		if err := genesisRecord(s, r); err != nil {
			return fail("records[%d] (%s): %v", i, r.Label, err)
		}
	}
	for _, name := range budgeted {
		if committed := s.u64(key("coll.committed", name)); committed > g.Budgets[name] {
			return fail("budgets.%s: the founding grants of its records commit %d gas per epoch, more than its budget %d", name, committed, g.Budgets[name])
		}
	}
	for i, seat := range g.Seats {
		if err := genesisSeat(s, seat, uint64(len(g.Records))); err != nil {
			return fail("seats[%d]: %v", i, err)
		}
	}
	for i, n := range g.Nodes {
		if err := genesisNode(s, n, uint64(len(g.Records))); err != nil {
			return fail("nodes[%d] (%x): %v", i, n.NodeID, err)
		}
	}
	if s.seat(RoleSecretary, "").len() == 0 {
		return fail("seats: the Executive Secretary's seat is required (only the secretary convenes the plenary)")
	}
	var validators int
	for i, n := range g.Nodes {
		if n.Role == NodeValidator {
			validators++
			if !s.formed(n.Collective) {
				return fail("nodes[%d]: validator of collective %s, which is not formed (it needs %d leaders and a node)", i, n.Collective, s.param("minLeaders"))
			}
		}
	}
	if validators == 0 {
		return fail("at least one validator node is required")
	}
	for _, name := range names { // ranges that depend on the founding state
		if err := s.checkParam(name, new(big.Int).SetUint64(g.Params[name])); err != nil {
			return fail("params.%s: %v", name, err)
		}
	}
	if err := s.checkValidatorSet(s.collectiveNames()); err != nil {
		return fail("%v", err)
	}
	s.setFlag(key("enabled"), true)
	return nil
}

func genesisRecord(s *store, r FoundingRecord) error {
	if !known(r.Kind) {
		return fmt.Errorf("kind %d is not %s", r.Kind, choices[RecordKind]())
	}
	if !s.collectiveExists(r.Collective) {
		return fmt.Errorf("collective %q is not listed", r.Collective)
	}
	if len(r.Accounts) == 0 {
		return errors.New("at least one account is required")
	}
	if err := s.accountsFree(r.Accounts); err != nil {
		return err
	}
	var id uint64
	if r.Kind == KindProject {
		if r.Name == "" || uint64(len(r.Name)) > s.param("maxURILength") || uint64(len(r.RepositoryURI)) > s.param("maxURILength") {
			return fmt.Errorf("a project needs a name; name and repositoryURI at most %d bytes", s.param("maxURILength"))
		}
		id = s.newProject(r.Collective, r.Name, r.RepositoryURI, r.Accounts, 0)
	} else {
		id = s.newRecord(r.Kind, r.Collective, r.Institution, 0)
		for _, a := range r.Accounts {
			s.addAccount(id, a)
		}
	}
	if r.GasPerEpoch > 0 {
		s.setU64(key("cap.gas", id), r.GasPerEpoch)
		s.setU64(key("cap.expiry", id), r.Expiry)
		s.setU64(key("cap.counted", id), r.GasPerEpoch)
		committed := s.u64(key("coll.committed", r.Collective))
		if committed+r.GasPerEpoch < committed {
			return fmt.Errorf("gasPerEpoch %d overflows its collective's committed capital", r.GasPerEpoch)
		}
		s.setU64(key("coll.committed", r.Collective), committed+r.GasPerEpoch)
	}
	return nil
}

func genesisSeat(s *store, seat FoundingSeat, records uint64) error {
	if seat.Record == 0 || seat.Record > records {
		return fmt.Errorf("record %d is not in records (1..%d)", seat.Record, records)
	}
	coll := seatColl(seat.Role, seat.Collective)
	if seat.TermEnd == 0 {
		return fmt.Errorf("record %d's seat has no term end", seat.Record)
	}
	replaced, err := s.seatPlan(seat.Role, coll, seat.Record, 0)
	if err != nil {
		return err
	}
	if replaced != 0 {
		return fmt.Errorf("record %d is seated twice, or the %s of %s is full", seat.Record, seat.Role.Office(), orNetwork(coll))
	}
	s.fillSeat(nil, seat.Role, coll, seat.Record, seat.TermEnd)
	return nil
}

func genesisNode(s *store, n FoundingNode, records uint64) error {
	if n.Operator == 0 || n.Operator > records {
		return fmt.Errorf("operator %d is not in records (1..%d)", n.Operator, records)
	}
	if n.NodeID == ([20]byte{}) {
		return errors.New("node ID is empty")
	}
	if s.nodeStatus(n.NodeID) != 0 {
		return errors.New("node ID is listed twice")
	}
	if s.recKind(n.Operator) == KindProject {
		return fmt.Errorf("record %d is a project; nodes are run by members", n.Operator)
	}
	if rc := s.recColl(n.Operator); rc != n.Collective {
		return fmt.Errorf("operator %d is a member of collective %s, not %q", n.Operator, rc, n.Collective)
	}
	switch n.Role {
	case NodeValidator:
		if err := checkConsensusKey(n.KeyType, n.PubKey); err != nil {
			return err
		}
		if err := s.keyFree(n.PubKey, 0); err != nil {
			return err
		}
	case NodeObserver:
		if len(n.PubKey) != 0 {
			return errors.New("an observer node has no consensus key")
		}
	default:
		return fmt.Errorf("role %d is not %s", n.Role, choices[NodeRole]())
	}
	s.addNode(nil, n.NodeID, n.Collective, n.Operator, n.Role, n.KeyType, n.PubKey)
	return nil
}

// Enabled reports whether st holds a founding governance state, which turns
// on permissioning and capital.
func Enabled(st vm.StateDB) bool { return enabled(&store{st: st}) }
