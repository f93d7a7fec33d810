package governance

import (
	"bytes"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/genesis"
)

// view answers one view function of the interface.
type view func(s *store, env Env, a args) []any

// listViews answer with lists; they cost gasViewList instead of gasViewBase.
var viewHandlers = map[string]view{
	"parameter":      viewParameter,
	"parameterNames": viewParameterNames,
	"collectives":    func(s *store, _ Env, _ args) []any { return []any{s.collectiveNames()} },
	"collective":     viewCollective,
	"recordOf":       func(s *store, _ Env, a args) []any { return []any{s.recordOf(a.addr(0))} },
	"record":         viewRecord,
	"members":        func(s *store, _ Env, a args) []any { return []any{s.collMembers(a.str(0)).u64s()} },
	"attestations":   viewAttestations,
	"isMember":       viewIsMember,
	"canDeploy":      func(s *store, _ Env, a args) []any { return []any{!enabled(s) || mayCreate(s, a.addr(0))} },
	"capitalOf":      viewCapitalOf,
	"capital":        viewCapital,
	"nodes":          func(s *store, _ Env, _ args) []any { return []any{nodeIDs(s.lset("nodes").all())} },
	"node":           viewNode,
	"validators":     viewValidators,
	"projects":       func(s *store, _ Env, _ args) []any { return []any{s.lset("projects").u64s()} },
	"project":        viewProject,
	"applications":   func(s *store, _ Env, a args) []any { return []any{s.apps(a.u8(0), a.u8(1)).u64s()} },
	"application":    viewApplication,
	"action":         viewAction,
	"seats":          viewSeats,
	"seatOf":         viewSeatOf,
	"proxyOf":        func(s *store, _ Env, a args) []any { return []any{s.addr(key("proxy.of", a.u64(0)))} },
	"meetings":       func(s *store, _ Env, _ args) []any { return []any{s.list("meetings").u64s()} },
	"meeting":        viewMeeting,
	"motions":        func(s *store, _ Env, a args) []any { return []any{s.list("mtg.motions", a.u64(0)).u64s()} },
	"motion":         viewMotion,
	"agreements":     viewAgreements,
	"upgrades":       viewUpgrades,
}

var listViews = []string{
	"parameterNames", "collectives", "collective", "record", "members", "attestations",
	"nodes", "validators", "projects", "project", "applications", "seats", "meetings",
	"meeting", "motions", "motion", "agreements", "upgrades",
}

// View serves a view function of the interface, for the EVM's precompile at
// [Address] and for eth_call. A state-changing function reverts with
// [ErrFromContract]'s text.
func (c *Contract) View(env Env, st vm.StateDB, input []byte) ([]byte, error) {
	m, a, err := decode(input)
	if err != nil {
		return RevertData(err.Error()), vm.ErrExecutionReverted
	}
	v, ok := viewHandlers[m.Name]
	if !ok {
		return RevertData(ErrFromContract.Error()), vm.ErrExecutionReverted
	}
	out, err := m.Outputs.Pack(v(&store{st: st}, env, a)...)
	if err != nil { // outputs are built by this package
		return RevertData("governance: encoding " + m.Name + ": " + err.Error()), vm.ErrExecutionReverted
	}
	return out, nil
}

// ViewGas is the gas a view costs: gasViewBase for one with fixed-size
// answers, gasViewList for one answering with lists, plus gasViewBytes per
// 32-byte word of input. It depends on the input only, as a precompile's must.
func (c *Contract) ViewGas(input []byte) uint64 {
	g := gasViewBase + gasViewBytes*uint64((len(input)+31)/32)
	if len(input) >= 4 {
		if m, err := ABI.MethodById(input[:4]); err == nil && slices.Contains(listViews, m.Name) {
			g += gasViewList - gasViewBase
		}
	}
	return g
}

func viewParameter(s *store, _ Env, a args) []any {
	return []any{new(big.Int).SetBytes(s.get(paramKey(a.str(0))).Bytes())}
}

func viewParameterNames(*store, Env, args) []any {
	names := make([]string, len(DefaultParams))
	for i, p := range DefaultParams {
		names[i] = p.Name
	}
	return []any{names}
}

func viewCollective(s *store, _ Env, a args) []any {
	coll := a.str(0)
	return []any{s.formed(coll), s.seat(genesis.RoleLeader, coll).u64s(), uint32(s.collMembers(coll).len()),
		uint32(s.collNodes(coll).len()), uint32(s.collValidators(coll).len())}
}

func viewRecord(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.recKind(id), s.recColl(id), s.recStatus(id), [32]byte(s.recInst(id)), nonNil(s.accounts(id))}
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func viewAttestations(s *store, _ Env, a args) []any {
	id := a.u64(0)
	var commits [][32]byte
	for _, h := range s.list("att.commit", id).all() {
		commits = append(commits, [32]byte(h))
	}
	return []any{s.list("att.leader", id).u64s(), s.list("att.time", id).u64s(), nonNil(commits)}
}

func viewIsMember(s *store, _ Env, a args) []any {
	if !enabled(s) {
		return []any{true}
	}
	id := s.recordOf(a.addr(0))
	return []any{id != 0 && s.recStatus(id) == statusActive}
}

func viewCapitalOf(s *store, env Env, a args) []any {
	id := s.recordOf(a.addr(0))
	cs := s.capital(id, env.Time)
	return []any{id, cs.gas, cs.used, cs.remaining, cs.epochEnd}
}

func viewCapital(s *store, env Env, a args) []any {
	cs := s.capital(a.u64(0), env.Time)
	return []any{cs.gas, cs.expiry, cs.used, cs.remaining, cs.epochEnd}
}

func nodeIDs(hs []common.Hash) [][20]byte {
	out := make([][20]byte, len(hs))
	for i, h := range hs {
		out[i] = wordNode(h)
	}
	return out
}

func viewNode(s *store, _ Env, a args) []any {
	n := a.b20(0)
	return []any{s.nodeColl(n), s.nodeOp(n), s.nodeRole(n), s.nodeStatus(n), s.str(key("node.keyType", n)),
		nonNil(s.nodePubKey(n)), s.nodePower(n)}
}

func viewValidators(s *store, _ Env, _ args) []any {
	ids, powers := [][20]byte{}, []uint64{}
	for _, coll := range s.collectiveNames() {
		for _, h := range s.collValidators(coll).all() {
			if p := s.nodePower(wordNode(h)); p > 0 {
				ids, powers = append(ids, wordNode(h)), append(powers, p)
			}
		}
	}
	return []any{ids, powers}
}

func viewProject(s *store, _ Env, a args) []any {
	id := a.u64(0)
	if s.recKind(id) != genesis.KindProject {
		return []any{"", "", uint8(0), "", []common.Address{}}
	}
	return []any{s.recColl(id), s.str(key("rec.name", id)), s.recStatus(id), s.str(key("rec.repo", id)), nonNil(s.accounts(id))}
}

func viewApplication(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.appKind(id), s.appStatus(id), s.appApplicant(id), s.appColl(id),
		wordNode(s.get(key("app.node", id))), uint8(s.u64(key("app.role", id))), s.u64(key("app.submitted", id)),
		uint32(s.u64(key("app.yes", id))), uint32(s.u64(key("app.no", id)))}
}

func viewAction(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{uint8(s.u64(key("act.target", id))), [32]byte(s.get(key("act.subject", id))), uint8(s.u64(key("act.kind", id))),
		s.flag(key("act.forCause", id)), s.flag(key("act.decided", id)),
		uint32(s.u64(key("act.yes", id))), uint32(s.u64(key("act.no", id)))}
}

func viewSeats(s *store, env Env, a args) []any {
	role := a.u8(0)
	holders := s.seat(role, seatColl(role, a.str(1))).u64s()
	ends, over := make([]uint64, len(holders)), make([]bool, len(holders))
	for i, h := range holders {
		ends[i] = s.termEnd(role, h)
		over[i] = env.Time >= ends[i]
	}
	return []any{holders, ends, over}
}

// viewSeatOf answers with the record's council seat, or else its leader seat.
func viewSeatOf(s *store, env Env, a args) []any {
	id := a.u64(0)
	role, coll := s.councilRole(id), s.str(key("rec.councilColl", id))
	if role == 0 && s.isLeader(id, s.recColl(id)) {
		role, coll = genesis.RoleLeader, s.recColl(id)
	}
	if role == 0 {
		return []any{uint8(0), "", uint64(0), false}
	}
	end := s.termEnd(role, id)
	return []any{role, coll, end, env.Time >= end}
}

func viewMeeting(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{uint8(s.u64(key("mtg.kind", id))), s.u64(key("mtg.start", id)), s.u64(key("mtg.end", id)),
		[32]byte(s.get(key("mtg.agenda", id))), s.str(key("mtg.place", id)), [32]byte(s.get(key("mtg.minutes", id))),
		s.present(id).u64s()}
}

func viewMotion(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.u64(key("mot.meeting", id)), uint8(s.u64(key("mot.kind", id))), uint8(s.u64(key("mot.status", id))),
		s.u64(key("mot.proposer", id)), s.list("mot.yesList", id).u64s(), s.list("mot.noList", id).u64s()}
}

func viewAgreements(s *store, _ Env, a args) []any {
	ids := s.list("mtg.agreements", a.u64(0)).u64s()
	texts, sts := make([][32]byte, len(ids)), make([]uint8, len(ids))
	for i, id := range ids {
		texts[i] = [32]byte(s.get(key("agr.text", id)))
		sts[i] = uint8(s.u64(key("agr.status", id)))
	}
	return []any{ids, texts, sts}
}

func viewUpgrades(s *store, _ Env, _ args) []any {
	ups := upgrades(s)
	names, heights := make([]string, len(ups)), make([]uint64, len(ups))
	for i, u := range ups {
		names[i], heights[i] = u.Name, u.Height
	}
	return []any{names, heights}
}

func upgrades(s *store) []Upgrade {
	var out []Upgrade
	for _, h := range s.lset("upgrades").all() {
		name := string(bytes.TrimLeft(h[:], "\x00"))
		out = append(out, Upgrade{Name: name, Height: s.u64(key("upg.height", name))})
	}
	slices.SortStableFunc(out, func(a, b Upgrade) int {
		switch {
		case a.Height < b.Height:
			return -1
		case a.Height > b.Height:
			return 1
		}
		return 0
	})
	return out
}
