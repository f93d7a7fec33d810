package governance

import (
	"errors"
	"github.com/ethereum/go-ethereum/params"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// projectToPlenary runs §3.2 steps 1–3 for a project of academic with one
// deployer account, and returns the application's id.
func (f *fixture) projectToPlenary(deployer common.Address) uint64 {
	f.t.Helper()
	app := f.must(plain, "applyProject", "academic", "census", h32, "https://d", h32, "https://repo", uint8(3), []common.Address{deployer})[0].(uint64)
	f.must(deployer, "acceptProjectAccount", app)
	f.must(leaderB(1), "endorse", app)
	f.commission(pcSeat, app, 3)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppToPlenary {
		f.t.Fatalf("project status %d, want to plenary", st)
	}
	return app
}

// TestProjectAdmission traces §3.2 and §3.10: only after a quorate plenary
// approves it may the project's account create contracts.
func TestProjectAdmission(t *testing.T) {
	f := newFixture(t)
	deployer := acct('D', 1)
	app := f.projectToPlenary(deployer)
	if _, err := f.c.Admit(f.env, f.st, deployer, nil, nil, 100000, 0); !errors.Is(err, ErrNotMember) {
		t.Fatalf("deployer before approval: %v, want ErrNotMember", err)
	}
	m := f.meeting(council()[:6]...)
	mot := f.must(ncSeat(0), "moveApproveProject", m, app)[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:4]...) {
		f.must(a, "vote", mot, true)
	}
	if r := f.decide(m, mot); r != "" {
		t.Fatalf("decide: %s", r)
	}
	if st := MotionStatus(f.view("motion", mot)[2].(uint8)); st != MotionPassed {
		t.Fatalf("motion status %d, want passed", st)
	}
	rec := f.view("recordOf", deployer)[0].(uint64)
	if rec == 0 || !f.view("canDeploy", deployer)[0].(bool) {
		t.Fatalf("approved project's account: record %d, may not deploy", rec)
	}
	if f.view("canDeploy", plain)[0].(bool) {
		t.Fatal("a plain member may deploy")
	}
	// Capital first: the leader grants it, then the project deploys.
	if _, err := f.c.Admit(f.env, f.st, deployer, nil, nil, 100000, 0); !errors.Is(err, ErrNoCapital) {
		t.Fatalf("creation without capital: %v", err)
	}
	f.must(leaderA(1), "grantCapital", rec, uint64(1_000_000), uint64(0), uint64(0))
	if p, err := f.c.Admit(f.env, f.st, deployer, nil, nil, 100000, 0); err != nil || p.Record != rec || p.Governance {
		t.Fatalf("project creation: %+v %v", p, err)
	}
	if _, err := f.c.Admit(f.env, f.st, plain, nil, nil, 50000, 0); !errors.Is(err, ErrCreateNotAllowed) {
		t.Fatalf("member creation: %v, want ErrCreateNotAllowed", err)
	}
	// Lineage: a project's factory may create; the CREATE2 deployer, not made
	// by a project, may not (a plain member through it is refused).
	factory, child := acct('F', 1), acct('F', 2)
	if !f.c.Create(f.st, deployer, deployer, factory) || !f.c.Create(f.st, plain, factory, child) {
		t.Fatal("a project, or a member through its factory, may not create")
	}
	canDeploy := func(a common.Address) bool { return f.view("canDeploy", a)[0].(bool) }
	if !canDeploy(factory) || !canDeploy(child) {
		t.Fatal("a project's factory (and its child) may not create")
	}
	if canDeploy(params.DeterministicFactoryAddress) || canDeploy(plain) {
		t.Fatal("the CREATE2 deployer or a member may create")
	}
	// Through the CREATE2 deployer: a member's creation is refused and has no
	// lineage; a project's is allowed and descends from the project.
	if f.c.Create(f.st, plain, params.DeterministicFactoryAddress, acct('F', 3)) || f.c.Create(f.st, plain, plain, acct('F', 5)) {
		t.Fatal("a member created, directly or through the CREATE2 deployer")
	}
	if !f.c.Create(f.st, deployer, params.DeterministicFactoryAddress, acct('F', 4)) {
		t.Fatal("a project may not create through the CREATE2 deployer")
	}
	if canDeploy(acct('F', 3)) || canDeploy(acct('F', 5)) || !canDeploy(acct('F', 4)) {
		t.Fatal("CREATE2 deployer lineage: member's contract may create, or project's may not")
	}
	// Suspended by plenary: its accounts and factories may no longer create.
	m = f.meeting(council()[:6]...)
	mot = f.must(pcSeat(1), "moveProjectStatus", m, rec, StatusSuspended)[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:4]...) {
		f.must(a, "vote", mot, true)
	}
	if r := f.decide(m, mot); r != "" {
		t.Fatalf("decide: %s", r)
	}
	if canDeploy(factory) || canDeploy(deployer) || f.c.Create(f.st, plain, factory, acct('F', 6)) {
		t.Fatal("a suspended project's factory may still create")
	}
}

// TestPlenaryRules traces §3.5 with its refusal cases.
func TestPlenaryRules(t *testing.T) {
	tests := []struct {
		name string
		run  func(f *fixture) string
		want string
	}{
		{"convene without notice", func(f *fixture) string {
			_, r := f.call(secretary, "convene", uint8(1), h32, f.env.Time+50, f.env.Time+100, "", uint64(0))
			return r
		}, "needs 100 seconds of notice"},
		{"convene by a non-secretary", func(f *fixture) string {
			_, r := f.call(ncSeat(0), "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "", uint64(0))
			return r
		}, "not a member of the Executive Secretary"},
		{"extraordinary without a request", func(f *fixture) string {
			_, r := f.call(secretary, "convene", uint8(2), h32, f.env.Time+100, f.env.Time+200, "", uint64(7))
			return r
		}, "request 7 does not exist"},
		{"attendance before the window", func(f *fixture) string {
			m := f.must(secretary, "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "", uint64(0))[0].(uint64)
			_, r := f.call(ncSeat(0), "attend", m)
			return r
		}, "meeting 1 has not started (starts at 110)"},
		{"attendance after the window", func(f *fixture) string {
			m := f.meeting()
			f.env.Time += 50
			_, r := f.call(ncSeat(0), "attend", m)
			return r
		}, "meeting 1 has ended (at 160)"},
		{"attendance by a non-member", func(f *fixture) string {
			_, r := f.call(leaderA(0), "attend", f.meeting())
			return r
		}, "not a member of the Executive Council or a member's proxy"},
		{"motion by an absent member", func(f *fixture) string {
			_, r := f.call(ncSeat(0), "moveUpgrade", f.meeting(), "v2", uint64(1000))
			return r
		}, "record 3 is not present at meeting 1"},
		{"duplicate vote", func(f *fixture) string {
			m := f.meeting(ncSeat(0))
			mot := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
			f.must(ncSeat(0), "vote", mot, true)
			_, r := f.call(ncSeat(0), "vote", mot, false)
			return r
		}, "record 3 already voted on motion 1"},
		{"missing quorum", func(f *fixture) string {
			m := f.meeting(council()[:5]...)
			mot := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
			for _, a := range council()[:5] {
				f.must(a, "vote", mot, true)
			}
			return f.decide(m, mot)
		}, "quorum not reached: 6 present, 7 needed"},
		{"missing secretary", func(f *fixture) string {
			start := f.env.Time + 100
			m := f.must(secretary, "convene", uint8(1), h32, start, start+50, "", uint64(0))[0].(uint64)
			f.env.Time = start
			for _, a := range council() {
				f.must(a, "attend", m)
			}
			mot := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
			return f.decide(m, mot)
		}, "quorum not reached: the secretary is absent"},
		{"decide before the end", func(f *fixture) string {
			m := f.meeting(council()[:6]...)
			mot := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
			_, r := f.call(stranger, "decide", mot)
			return r
		}, "meeting 1 has not ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run(newFixture(t)); !strings.Contains(got, tt.want) {
				t.Fatalf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// motion runs one motion in a quorate meeting (secretary + 7) with the given
// yes and no voters, and returns decide's revert reason.
func (f *fixture) motion(move func(m uint64) uint64, yes, no []common.Address) (uint64, string) {
	f.t.Helper()
	m := f.meeting(council()[:7]...)
	mot := move(m)
	for _, a := range yes {
		f.must(a, "vote", mot, true)
	}
	for _, a := range no {
		f.must(a, "vote", mot, false)
	}
	return mot, f.decide(m, mot)
}

func TestTieFails(t *testing.T) {
	f := newFixture(t)
	yes := append([]common.Address{secretary}, council()[:3]...)
	mot, r := f.motion(func(m uint64) uint64 {
		return f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
	}, yes, council()[3:7])
	if r != "" {
		t.Fatal(r)
	}
	if st := MotionStatus(f.view("motion", mot)[2].(uint8)); st != MotionFailed {
		t.Fatalf("4 to 4 of 8: status %d, want failed", st)
	}
	if len(f.c.Upgrades(f.st)) != 0 {
		t.Fatal("a failed upgrade motion scheduled it")
	}
}

// TestProxyVoting traces §3.5: a proxy appointed beforehand attends and votes
// for its holder's seat, one seat at a time; holder and proxy vote once.
func TestProxyVoting(t *testing.T) {
	f := newFixture(t)
	proxy := acct('Q', 1)
	f.must(ncSeat(0), "appointProxy", proxy)
	if _, r := f.call(ncSeat(1), "appointProxy", proxy); !strings.Contains(r, "already the proxy of record 3") {
		t.Fatalf("one proxy for two seats: %q", r)
	}
	if got := f.view("proxyOf", recNC(0))[0].(common.Address); got != proxy {
		t.Fatalf("proxyOf = %s", got.Hex())
	}
	m := f.meeting(council()[1:7]...)
	mot := f.must(ncSeat(1), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
	f.must(proxy, "vote", mot, true) // implies attendance of record 3
	if _, r := f.call(ncSeat(0), "vote", mot, false); !strings.Contains(r, "record 3 already voted") {
		t.Fatalf("holder votes after its proxy: %q", r)
	}
	present := f.view("meeting", m)[6].([]uint64)
	if len(present) != 8 || present[7] != recNC(0) {
		t.Fatalf("present %v, want record 3 last", present)
	}
	for _, a := range append([]common.Address{secretary}, council()[1:4]...) {
		f.must(a, "vote", mot, true)
	}
	if r := f.decide(m, mot); r != "" {
		t.Fatal(r)
	}
	if ups := f.c.Upgrades(f.st); len(ups) != 1 || ups[0] != (Upgrade{"v2", 1000}) {
		t.Fatalf("Upgrades = %+v", ups)
	}
	f.must(ncSeat(0), "revokeProxy")
	if _, r := f.call(proxy, "attend", m); r == "" {
		t.Fatal("a revoked proxy attends")
	}
}

// TestSeats traces §2 and §3.4 through each seat's own flow: election,
// admission, designation.
func TestSeats(t *testing.T) {
	t.Run("third leader of academic", func(t *testing.T) {
		f := newFixture(t)
		if r := f.elect("academic", plain, recPlain); r != "" {
			t.Fatal(r)
		}
		if ls := f.view("collective", "academic")[1].([]uint64); len(ls) != 3 {
			t.Fatalf("leaders %v", ls)
		}
		f.must(plain, "grantCapital", uint64(recProject), uint64(5), uint64(0), uint64(0)) // now a leader
	})
	t.Run("two leaders from one institution", func(t *testing.T) {
		f := newFixture(t, func(g *Founding) {
			g.Records[recPlain-1].Institution = g.Records[recLeaderA(1)-1].Institution
		})
		if r := f.elect("academic", plain, recPlain); !strings.Contains(r, "same institution as leader 5") {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("fourth leader", func(t *testing.T) {
		f := newFixture(t, func(g *Founding) {
			for i := range g.Seats {
				g.Seats[i].TermEnd = 100 * termEnd // no one holds over
			}
		})
		f.elect("academic", plain, recPlain)
		if r := f.elect("academic", advisor, recAdvisor); !strings.Contains(r, "collective academic has no vacancy: 3 leaders seated, none holding over") {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("leader of another collective", func(t *testing.T) {
		f := newFixture(t)
		if r := f.elect("public", plain, recPlain); !strings.Contains(r, "record 19 is not a member of collective public") {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("leaders are elected, not designated", func(t *testing.T) {
		f := newFixture(t)
		if _, r := f.call(leaderA(1), "proposeDesignation", RoleLeader, "academic", uint64(recPlain), rationale); !strings.Contains(r, "not an Executive Council seat") {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("16th advisory member", func(t *testing.T) {
		f := newFixture(t, func(g *Founding) {
			for i := 1; i < 15; i++ {
				g.Records = append(g.Records, FoundingRecord{Kind: KindIndividual, Collective: "cso", Accounts: []common.Address{acct('Z', i)}})
				g.Seats = append(g.Seats, FoundingSeat{Role: RoleAdvisory, Record: uint64(len(g.Records)), TermEnd: termEnd})
			}
		})
		if n := len(f.view("seats", RoleAdvisory, "")[0].([]uint64)); n != 15 {
			t.Fatalf("%d advisory seats", n)
		}
		if r := f.admit(plain); !strings.Contains(r, "Advisory Council of the network is full: 15 seats") {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("second council seat", func(t *testing.T) {
		f := newFixture(t)
		if r := f.admit(ncSeat(1)); !strings.Contains(r, "holds a seat of the Nodes Commission; a record holds one council seat") {
			t.Fatalf("admission: reason %q", r)
		}
		f.env.Time = termEnd + 1
		if r := f.designate(leaderA(1), RoleProjectsCommission, "academic", recNC(1)); !strings.Contains(r, "already holds a council seat (Nodes Commission)") {
			t.Fatalf("designation: reason %q", r)
		}
	})
	t.Run("successor of a holdover seat", func(t *testing.T) {
		f := newFixture(t)
		f.env.Time = termEnd + 1
		if r := f.designate(leaderA(1), RoleNodesCommission, "academic", recPlain); r != "" {
			t.Fatal(r)
		}
		if h := f.view("seats", RoleNodesCommission, "academic")[0].([]uint64); len(h) != 1 || h[0] != recPlain {
			t.Fatalf("academic's Nodes Commission seat: %v", h)
		}
		if role := f.view("seatOf", recNC(1))[0].(uint8); role != 0 {
			t.Fatalf("the predecessor still holds role %d", role)
		}
	})
	t.Run("unseating below two leaders", func(t *testing.T) {
		f := newFixture(t)
		if _, r := f.call(ncSeat(0), "moveUnseat", uint64(0), RoleLeader, "academic", recLeaderA(1)); !strings.Contains(r, "fewer than 2 leaders") {
			t.Fatalf("reason %q", r)
		}
	})
}

// TestParameterMotion traces §3.5: a parameter changes from the next block
// and the block gas limit reaches CometBFT through EndBlock.
func TestParameterMotion(t *testing.T) {
	f := newFixture(t)
	yes := append([]common.Address{secretary}, council()[:4]...)
	if _, r := f.call(ncSeat(0), "moveParameter", uint64(1), "gasLimit", big64(100)); !strings.Contains(r, "gasLimit must be within 30000000..") {
		t.Fatalf("tiny gas limit: %q", r)
	}
	if _, r := f.call(ncSeat(0), "moveParameter", uint64(1), "nope", big64(100)); !strings.Contains(r, `unknown parameter "nope"`) {
		t.Fatalf("unknown parameter: %q", r)
	}
	_, r := f.motion(func(m uint64) uint64 {
		return f.must(ncSeat(0), "moveParameter", m, "gasLimit", big64(30_000_000))[0].(uint64)
	}, yes, nil)
	if r != "" {
		t.Fatal(r)
	}
	if v := f.st.GetState(Address, ParamSlot("gasLimit")); u64of(v) != 30_000_000 {
		t.Fatalf("gasLimit slot %x", v)
	}
	if fx := f.c.EndBlock(f.env, f.st); fx.GasLimit != 30_000_000 {
		t.Fatalf("EndBlock gas limit %d", fx.GasLimit)
	}
	if fx := f.c.EndBlock(f.env, f.st); fx.GasLimit != 0 {
		t.Fatalf("second EndBlock gas limit %d", fx.GasLimit)
	}
}

// TestViewRefusesStateChange: a contract calling a state-changing function
// through the precompile gets ErrFromContract's text.
func TestViewRefusesStateChange(t *testing.T) {
	f := newFixture(t)
	input, _ := ABI.Pack("endorse", uint64(1))
	ret, err := f.c.View(f.env, f.st, input)
	if !errors.Is(err, vm.ErrExecutionReverted) {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(string(ret), ErrFromContract.Error()) {
		t.Fatalf("reason %q", ret)
	}
	if got := f.view("isMember", plain)[0].(bool); !got {
		t.Fatal("isMember(plain) false")
	}
}

// TestExtraordinaryMeeting traces §3.5: a leader requests it; the secretary
// and four others make its quorum.
func TestExtraordinaryMeeting(t *testing.T) {
	f := newFixture(t)
	if _, r := f.call(plain, "requestExtraordinary", h32); r != "not a leader of collective academic" {
		t.Fatalf("request by a member: %q", r)
	}
	req := f.must(leaderA(2), "requestExtraordinary", h32)[0].(uint64)
	start := f.env.Time + 100
	m := f.must(secretary, "convene", uint8(2), h32, start, start+50, "", req)[0].(uint64)
	if _, r := f.call(secretary, "convene", uint8(2), h32, start, start+50, "", req); !strings.Contains(r, "already answered by meeting 1") {
		t.Fatalf("second meeting for one request: %q", r)
	}
	f.env.Time = start
	for _, a := range append([]common.Address{secretary}, council()[:4]...) {
		f.must(a, "attend", m)
	}
	mot := f.must(ncSeat(1), "moveUpgrade", m, "v3", uint64(500))[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:3]...) {
		f.must(a, "vote", mot, true)
	}
	f.must(secretary, "addAgreement", m, h32)
	if r := f.decide(m, mot); r != "" {
		t.Fatal(r)
	}
	f.must(secretary, "recordMinutes", m, h32)
	f.must(secretary, "setAgreementStatus", uint64(1), uint8(3))
	if got := f.view("agreements", m, [32]byte{}, uint32(0)); got[2].([]uint8)[0] != 3 {
		t.Fatalf("agreements = %v", got)
	}
	if _, r := f.call(stranger, "decide", mot); !strings.Contains(r, "already decided") {
		t.Fatalf("deciding twice: %q", r)
	}
}
