package node_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/internal/testnet"
)

// TestAdvisoryCouncilOnNetwork runs the Advisory Council of
// docs/governance.md §3.4 on four real validators, by transactions: a
// person with an account of no record applies (the pool admits it under the
// apply quota); a leader of public proposes that public's Nodes Commission
// member be designated again, and two of the three Advisory members approve,
// renewing the seat for councilTerm; a quorate plenary admits the applicant,
// who becomes a member of no collective holding an Advisory seat for
// advisoryTerm.
func TestAdvisoryCouncilOnNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network through a plenary")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{
		Validators:    4,
		TimeoutCommit: 300 * time.Millisecond,
		GovParams:     map[string]uint64{"meetingNotice": 2},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	do := func(role, collective, fn string, args ...any) testnet.GovCall {
		return h.Do(t, role, collective, fn, args...)
	}
	var (
		leader    = devnet.RoleNameLeader
		secretary = devnet.RoleNameSecretary
		projects  = devnet.RoleNameProjectsCommission
		nodes     = devnet.RoleNameNodesCommission
		advisory  = devnet.RoleNameAdvisory
	)
	view := func(fn string, args ...any) []govclient.Field {
		t.Helper()
		m, err := govclient.Method(fn)
		if err != nil {
			t.Fatal(err)
		}
		out, err := h.Client().View(ctx, m, args)
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		return out
	}
	blockTime := func(res *govclient.Result) uint64 {
		t.Helper()
		hd, err := h.Eth().HeaderByNumber(ctx, new(big.Int).SetUint64(res.Block))
		if err != nil {
			t.Fatal(err)
		}
		return hd.Time
	}

	expert, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(expert.PublicKey)
	res := h.Round(t, testnet.KeyCall(expert, "applyAdvisory", crypto.Keccak256Hash([]byte("curriculum")), "https://example.org/cv.pdf",
		crypto.Keccak256Hash([]byte("statement"))))
	app := testnet.EventArg(t, res[0], "AdvisoryApplied", "applicationId").(uint64)

	t.Run("the Advisory Council designates on a leader's proposal", func(t *testing.T) {
		var ncRecord uint64
		for _, r := range devnet.Roles() {
			if r.Role == nodes && r.Collective == "public" {
				ncRecord = r.Record
			}
		}
		res := h.Round(t, do(leader, "public", "proposeDesignation", governance.RoleNodesCommission, "public", ncRecord,
			crypto.Keccak256Hash([]byte("seniority, projects, experience"))))
		d := testnet.EventArg(t, res[0], "DesignationProposed", "designationId").(uint64)
		// One at a time: the deciding vote seats the record.
		h.Round(t, do(advisory, "academic", "voteDesignation", d, true))
		res = h.Round(t, do(advisory, "private", "voteDesignation", d, true))
		if st := testnet.EventArg(t, res[0], "DesignationDecided", "status").(uint8); governance.DesignationStatus(st) != governance.DesignationApproved {
			t.Fatalf("designation %d decided %s", d, governance.DesignationStatus(st))
		}
		want := blockTime(res[0]) + 2*365*24*3600
		if end := testnet.EventArg(t, res[0], "SeatFilled", "termEnd").(uint64); end != want {
			t.Fatalf("SeatFilled termEnd %d, want %d (the block's time plus councilTerm)", end, want)
		}
		if out := view("designation", d); out[5].Value.(uint8) != uint8(governance.DesignationApproved) || len(out[8].Value.([]uint64)) != 2 {
			t.Fatalf("designation view: %+v", out)
		}
	})

	t.Run("the plenary admits an Advisory member", func(t *testing.T) {
		_, now := h.Head(t)
		now = max(now, uint64(time.Now().Unix()))
		start, end := now+6, now+6+12
		res := h.Round(t, do(secretary, "public", "convene", governance.MeetingOrdinary, crypto.Keccak256Hash([]byte("Advisory Council")), start, end, "online", uint64(0)))
		meeting := testnet.EventArg(t, res[0], "MeetingConvened", "meetingId").(uint64)
		h.WaitBlockTime(t, "the meeting's start", start)
		h.Round(t,
			do(secretary, "public", "attend", meeting),
			do(projects, "public", "attend", meeting),
			do(projects, "academic", "attend", meeting),
			do(projects, "private", "attend", meeting),
			do(nodes, "public", "attend", meeting),
			do(nodes, "academic", "attend", meeting),
			do(nodes, "private", "attend", meeting),
		)
		res = h.Round(t, do(projects, "academic", "moveAdmitAdvisory", meeting, app))
		motion := testnet.EventArg(t, res[0], "MotionProposed", "motionId").(uint64)
		h.Round(t,
			do(secretary, "public", "vote", motion, true),
			do(projects, "public", "vote", motion, true),
			do(projects, "academic", "vote", motion, true),
			do(nodes, "public", "vote", motion, true),
			do(nodes, "private", "vote", motion, false),
		)
		if n, tm := h.Head(t); tm >= end {
			t.Fatalf("the votes ended at block %d, time %d: after the meeting (end %d); the machine is too slow for this window", n, tm, end)
		}
		h.WaitBlockTime(t, "the meeting's end", end)
		res = h.Round(t, do(devnet.RoleNameMember, "private", "decide", motion))
		if !testnet.EventArg(t, res[0], "MotionDecided", "passed").(bool) {
			t.Fatalf("the admission failed: %+v", res[0].Events)
		}
		rec := testnet.EventArg(t, res[0], "AdvisoryAdmitted", "recordId").(uint64)
		if got := view("recordOf", account)[0].Value.(uint64); got != rec {
			t.Fatalf("recordOf(applicant) = %d, want %d", got, rec)
		}
		seat := view("seatOf", rec)
		if governance.Role(seat[0].Value.(uint8)) != governance.RoleAdvisory || seat[2].Value.(uint64) != blockTime(res[0])+2*365*24*3600 {
			t.Fatalf("seatOf(%d) = %+v", rec, seat)
		}
		// the new member acts at once: it applies for its one renewal
		res = h.Round(t, testnet.KeyCall(expert, "applyAdvisory", crypto.Keccak256Hash([]byte("curriculum 2")), "https://example.org/cv2.pdf",
			crypto.Keccak256Hash([]byte("statement 2"))))
		if !testnet.EventArg(t, res[0], "AdvisoryApplied", "renewal").(bool) {
			t.Fatal("the member's application is not a renewal")
		}
	})
}
