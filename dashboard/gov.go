package dashboard

import (
	"context"
	"errors"
	"fmt"
	"time"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/rpc"
)

// Bounds of the governance snapshot: the first page of each list, and the
// latest meetings.
const (
	govPage     = 100
	meetingsOut = 20
	viewGas     = 50_000_000
)

// govReader calls governance's views at one block's state, in process.
type govReader struct {
	ctx    context.Context
	b      rpc.Backend
	header *types.Header
	st     *state.StateDB // the state after header; each view runs on a copy
	stErr  error          // why there is no st
	calls  int
}

var errNoState = errors.New("no state yet")

// view calls view fn and returns its outputs as a JSON object (fields by
// name, enumerations also by name).
func (g *govReader) view(fn string, args ...any) (map[string]any, error) {
	fields, err := g.fields(fn, args...)
	if err != nil {
		return nil, err
	}
	return govclient.JSONObject(fields), nil
}

func (g *govReader) fields(fn string, args ...any) ([]govclient.Field, error) {
	m, ok := governance.ABI.Methods[fn]
	if !ok {
		return nil, fmt.Errorf("no view %q", fn)
	}
	data, err := governance.ABI.Pack(fn, args...)
	if err != nil {
		return nil, err
	}
	if g.stErr != nil {
		return nil, g.stErr
	}
	if g.st == nil {
		return nil, errNoState
	}
	st := g.st.Copy()
	to := governance.Address
	msg := (&core.Message{To: &to, Data: data, GasLimit: viewGas, GasPrice: new(uint256.Int), GasFeeCap: new(uint256.Int),
		GasTipCap: new(uint256.Int), Value: new(uint256.Int)}).SkipNonceCheck().SkipEOACheck().SkipGasLimitCapCheck()
	g.calls++
	res, err := g.b.Call(g.ctx, msg, g.header, st)
	if err != nil {
		return nil, err
	}
	if res.Err != nil {
		return nil, fmt.Errorf("%s: %v", fn, res.Err)
	}
	vals, err := m.Outputs.Unpack(res.ReturnData)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", fn, err)
	}
	return govclient.Fields(fn, m.Outputs, vals), nil
}

// page calls paginated view fn for its first page (govPage items).
func (g *govReader) page(fn string, args ...any) (map[string]any, error) {
	out, err := g.view(fn, append(args, [32]byte{}, uint32(govPage))...)
	if err != nil {
		return nil, err
	}
	out["more"] = out["next"] != hexutil.Encode(make([]byte, 32))
	delete(out, "next")
	return out, nil
}

// nodeRec is a node governance knows.
type nodeRec struct {
	ID         string         `json:"node_id"`
	Address    string         `json:"address,omitempty"` // consensus address (ed25519 keys)
	Fields     map[string]any `json:"record"`
	Collective string         `json:"collective"`
	Role       string         `json:"role"`
	Status     string         `json:"status"`
	// Liveness is a validator's nodeLiveness: missed, window, counted,
	// flagged, since.
	Liveness map[string]any `json:"liveness,omitempty"`
	// Misbehaviour is nodeMisbehaviour (equivocations, lastHeight,
	// recordedAt, recordedTime) of a node with evidence against it.
	Misbehaviour map[string]any `json:"misbehaviour,omitempty"`
}

// govSnapshot is the governance part of the dashboard.
type govSnapshot struct {
	Block        uint64           `json:"block"`
	Collectives  []map[string]any `json:"collectives"`
	Seats        []map[string]any `json:"seats"`
	Nodes        []nodeRec        `json:"nodes"`
	Applications []map[string]any `json:"applications"`
	Meetings     []map[string]any `json:"meetings"`
	Capital      []map[string]any `json:"capital"`
	Projects     []map[string]any `json:"projects"`
	Upgrades     map[string]any   `json:"upgrades"`
	Parameters   map[string]any   `json:"parameters"`
	Errors       []string         `json:"errors,omitempty"`
	Calls        int              `json:"calls"`
	ReadMs       int64            `json:"read_ms"`
}

// readGovernance reads the snapshot at header from st, the state after it
// (stErr: why it could not be opened). A view that fails is named in
// Errors; the rest is still read.
func readGovernance(ctx context.Context, b rpc.Backend, header *types.Header, st *state.StateDB, stErr error) *govSnapshot {
	start := time.Now()
	g := &govReader{ctx: ctx, b: b, header: header, st: st, stErr: stErr}
	s := &govSnapshot{Block: header.Number.Uint64()}
	defer func() { s.Calls, s.ReadMs = g.calls, time.Since(start).Milliseconds() }()
	fail := func(err error) {
		if err != nil && len(s.Errors) < 20 {
			s.Errors = append(s.Errors, err.Error())
		}
	}
	// Collectives, their members' capital and the seats.
	var names []string
	if c, err := g.fields("collectives"); err == nil {
		names, _ = c[0].Value.([]string)
	} else {
		fail(err)
	}
	if len(names) > govPage {
		names = names[:govPage]
	}
	for _, name := range names {
		c, err := g.view("collective", name)
		if err != nil {
			fail(err)
			continue
		}
		c["name"] = name
		if m, err := g.page("members", name); err == nil {
			c["memberRecords"] = m["recordIds"]
			for _, id := range asUints(m) {
				if len(s.Capital) >= govPage {
					break
				}
				capital, err := g.view("capital", id)
				if err != nil {
					fail(err)
					continue
				}
				if rec, err := g.view("record", id); err == nil {
					capital["record"] = rec
				}
				capital["recordId"] = id
				capital["collective"] = name
				s.Capital = append(s.Capital, capital)
			}
		} else {
			fail(err)
		}
		s.Collectives = append(s.Collectives, c)
	}
	for _, role := range governance.Names[governance.Role]() {
		r, _ := governance.Parse[governance.Role](role)
		colls := []string{""} // a council held network-wide
		if r.PerCollective() {
			colls = names
		}
		for _, coll := range colls {
			seat, err := g.view("seats", uint8(r), coll)
			if err != nil {
				fail(err)
				continue
			}
			if l, _ := seat["holders"].([]any); len(l) == 0 {
				continue
			}
			seat["role"], seat["collective"] = role, coll
			s.Seats = append(s.Seats, seat)
		}
	}
	// Nodes, and the record of those with evidence of double signing.
	equivocating := map[[20]byte]bool{}
	if p, err := g.fields("equivocatingNodes", [32]byte{}, uint32(govPage)); err == nil {
		ids, _ := p[0].Value.([][20]byte)
		for _, id := range ids {
			equivocating[id] = true
		}
	} else {
		fail(err)
	}
	if p, err := g.fields("nodes", [32]byte{}, uint32(govPage)); err == nil {
		ids, _ := p[0].Value.([][20]byte)
		for _, id := range ids {
			rec, err := g.view("node", id)
			if err != nil {
				fail(err)
				continue
			}
			n := nodeRec{ID: hexString(id[:]), Fields: rec}
			n.Collective, _ = rec["collective"].(string)
			n.Role, _ = rec["roleName"].(string)
			n.Status, _ = rec["statusName"].(string)
			if n.Role == "validator" { // the on-chain liveness review (governance §3.11)
				if l, err := g.view("nodeLiveness", id); err == nil {
					n.Liveness = l
				} else {
					fail(err)
				}
			}
			if equivocating[id] {
				if m, err := g.view("nodeMisbehaviour", id); err == nil {
					n.Misbehaviour = m
				} else {
					fail(err)
				}
			}
			if pk, _ := rec["pubKey"].(string); rec["keyType"] == "ed25519" {
				if raw, err := hexutil.Decode(pk); err == nil && len(raw) == cmted.PubKeySize {
					n.Address = cmted.PubKey(raw).Address().String()
				}
			}
			s.Nodes = append(s.Nodes, n)
		}
	} else {
		fail(err)
	}
	// Open applications, with their content.
	for _, st := range []governance.ApplicationStatus{governance.AppSubmitted, governance.AppEndorsed, governance.AppToPlenary} {
		for _, kind := range []governance.ApplicationKind{governance.AppNode, governance.AppProject, governance.AppAdvisory} {
			p, err := g.page("applications", uint8(kind), uint8(st))
			if err != nil {
				fail(err)
				continue
			}
			for _, id := range asUints(p) {
				a, err := g.view("application", id)
				if err != nil {
					fail(err)
					continue
				}
				a["id"] = id
				if kind == governance.AppProject {
					if acc, err := g.view("applicationAccounts", id); err == nil {
						a["accounts"] = acc
					}
				}
				if kind == governance.AppAdvisory { // the CV and statement the plenary decides on
					if c, err := g.view("advisoryApplication", id); err == nil {
						a["advisory"] = c
					}
				}
				s.Applications = append(s.Applications, a)
			}
		}
	}
	// The latest meetings, with attendance and their motions' tallies.
	if p, err := g.page("meetings"); err == nil {
		ids := asUints(p)
		if len(ids) > meetingsOut {
			ids = ids[len(ids)-meetingsOut:]
		}
		for i := len(ids) - 1; i >= 0; i-- {
			id := ids[i]
			m, err := g.view("meeting", id)
			if err != nil {
				fail(err)
				continue
			}
			m["id"] = id
			var motions []map[string]any
			if mp, err := g.page("motions", id); err == nil {
				for _, mid := range asUints(mp) {
					if mo, err := g.view("motion", mid); err == nil {
						mo["id"] = mid
						motions = append(motions, mo)
					}
				}
			}
			m["motions"] = motions
			s.Meetings = append(s.Meetings, m)
		}
	} else {
		fail(err)
	}
	if p, err := g.page("projects"); err == nil {
		for _, id := range asUints(p) {
			if pr, err := g.view("project", id); err == nil {
				pr["id"] = id
				s.Projects = append(s.Projects, pr)
				if c, err := g.view("capital", id); err == nil && len(s.Capital) < 2*govPage {
					c["recordId"], c["collective"], c["project"] = id, pr["collective"], pr["name"]
					s.Capital = append(s.Capital, c)
				}
			}
		}
	} else {
		fail(err)
	}
	if u, err := g.page("upgrades"); err == nil {
		s.Upgrades = u
	} else {
		fail(err)
	}
	if names, err := g.fields("parameterNames"); err == nil {
		s.Parameters = map[string]any{}
		list, _ := names[0].Value.([]string)
		for i, n := range list {
			if i >= govPage {
				break
			}
			if v, err := g.fields("parameter", n); err == nil {
				s.Parameters[n] = v[0].JSON()
			}
		}
	}
	return s
}

// asUints is the first uint64 list of a page's outputs.
func asUints(m map[string]any) []uint64 {
	for _, v := range m {
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			continue
		}
		out := make([]uint64, 0, len(l))
		for _, e := range l {
			n, ok := e.(uint64)
			if !ok {
				out = nil
				break
			}
			out = append(out, n)
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// scheduledUpgrades are the names and heights of the snapshot's upgrades.
func (s *govSnapshot) scheduledUpgrades() (names []string, heights []uint64) {
	if s == nil || s.Upgrades == nil {
		return nil, nil
	}
	for _, n := range asList(s.Upgrades["names"]) {
		if str, ok := n.(string); ok {
			names = append(names, str)
		}
	}
	for _, h := range asList(s.Upgrades["heights"]) {
		if n, ok := h.(uint64); ok {
			heights = append(heights, n)
		}
	}
	return names, heights
}

func asList(v any) []any { l, _ := v.([]any); return l }
