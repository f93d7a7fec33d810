package governance

import (
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/params"
)

// TestApplyNodeProofOfPossession: an application proves it holds the node
// key (its ID is derived from it) and the consensus key, for this
// applicant; a copy of someone else's proof squats nothing.
func TestApplyNodeProofOfPossession(t *testing.T) {
	f := newFixture(t)
	victim, squatter := acct('U', 1), acct('U', 2)
	nk, ck := nodeKey('U', 1), consKey('U', 1)
	app := func(from common.Address, a ...any) string {
		_, r := f.call(from, "applyNode", a...)
		return r
	}
	base := func(from common.Address, role NodeRole, pub []byte) []any {
		kt := "ed25519"
		if role == NodeObserver {
			kt = ""
		}
		return signed(from, "academic", nk, role, kt, pub, uint8(1), h32, h32, "", h32, "")
	}
	t.Run("someone else's proof", func(t *testing.T) {
		a := base(victim, NodeValidator, ck) // signed for the victim
		if r := app(squatter, a...); !strings.Contains(r, "node signature does not verify") {
			t.Fatalf("squatter reusing the victim's signatures: %q", r)
		}
	})
	t.Run("node key not held", func(t *testing.T) {
		a := base(victim, NodeValidator, ck)
		a[11] = SignNodeApplication(signer(consKey('U', 9)), NodeApplicationMessage(victim, "academic", nk, 1, "ed25519", ck))
		if r := app(victim, a...); !strings.Contains(r, "node signature does not verify") {
			t.Fatalf("node signature by another key: %q", r)
		}
	})
	t.Run("consensus key not held", func(t *testing.T) {
		a := base(victim, NodeValidator, ck)
		a[12] = []byte{}
		if r := app(victim, a...); !strings.Contains(r, "consensus key signature does not verify") {
			t.Fatalf("no consensus key signature: %q", r)
		}
		a[12] = a[11] // the node key's signature is not the consensus key's
		if r := app(victim, a...); !strings.Contains(r, "consensus key signature does not verify") {
			t.Fatalf("node key's signature as the consensus key's: %q", r)
		}
	})
	t.Run("content changed after signing", func(t *testing.T) {
		a := base(victim, NodeValidator, ck)
		a[0] = "public"
		if r := app(victim, a...); !strings.Contains(r, "does not verify") {
			t.Fatalf("signed for academic, applied to public: %q", r)
		}
	})
	t.Run("observer with a consensus signature", func(t *testing.T) {
		a := base(victim, NodeObserver, []byte{})
		a[12] = a[11]
		if r := app(victim, a...); !strings.Contains(r, "observer") {
			t.Fatalf("observer with a key signature: %q", r)
		}
	})
	t.Run("the holder applies; the ID is the key's", func(t *testing.T) {
		out := f.must(victim, "applyNode", base(victim, NodeValidator, ck)...)
		id := out[0].(uint64)
		if got := f.view("application", id)[4].([20]byte); got != NodeIDOf(nk) {
			t.Fatalf("application's node ID %x, want sha256 of the node key %x", got, NodeIDOf(nk))
		}
		msg := f.view("nodeApplicationMessage", victim, "academic", nk, uint8(1), "ed25519", ck)[0].([32]byte)
		if msg != NodeApplicationMessage(victim, "academic", nk, 1, "ed25519", ck) {
			t.Fatal("nodeApplicationMessage view differs from the Go function")
		}
	})
}

// TestProjectDeployerAccounts: a project's deployer accounts are keys of
// their own that accepted; system addresses and accounts with code are
// refused, when applying and again when approved.
func TestProjectDeployerAccounts(t *testing.T) {
	f := newFixture(t)
	apply := func(accounts ...common.Address) (uint64, string) {
		out, r := f.call(plain, "applyProject", "academic", "p", h32, "", h32, "", uint8(1), accounts)
		if r != "" {
			return 0, r
		}
		return out[0].(uint64), ""
	}
	contract := common.HexToAddress("0xC0DE00000000000000000000000000000000C0DE")
	f.st.SetCode(contract, []byte{0x60, 0x00}, tracing.CodeChangeUnspecified)
	for _, a := range []common.Address{params.DeterministicFactoryAddress, Multicall3Address, Address,
		common.BytesToAddress([]byte{4}), common.BytesToAddress([]byte{0x11}), params.BeaconRootsAddress, params.HistoryStorageAddress, params.SystemAddress} {
		if _, r := apply(acct('D', 1), a); !strings.Contains(r, "system address") {
			t.Errorf("deployer %s: %q, want refused as a system address", a.Hex(), r)
		}
	}
	if _, r := apply(contract); !strings.Contains(r, "has code") {
		t.Errorf("deployer with code: %q", r)
	}

	d1, d2 := acct('D', 1), acct('D', 2)
	app, r := apply(d1, d2)
	if r != "" {
		t.Fatal(r)
	}
	if _, r := f.call(leaderA(1), "endorse", app); !strings.Contains(r, "has not accepted") {
		t.Fatalf("endorse before the accounts accepted: %q", r)
	}
	if _, r := f.call(acct('D', 3), "acceptProjectAccount", app); !strings.Contains(r, "not a deployer account") {
		t.Fatalf("accept by an account not listed: %q", r)
	}
	// An account of no record may send its acceptance, under the quota.
	input, _ := ABI.Pack("acceptProjectAccount", app)
	if p, err := f.c.Admit(f.env, f.st, d1, &Address, input, 100_000, 0); err != nil || p.Record != 0 || !p.Governance {
		t.Fatalf("admit an acceptance from an account of no record: %+v %v", p, err)
	}
	f.must(d1, "acceptProjectAccount", app)
	if _, r := f.call(d1, "acceptProjectAccount", app); !strings.Contains(r, "already accepted") {
		t.Fatalf("second acceptance: %q", r)
	}
	if got := f.view("applicationAccounts", app); got[1].([]bool)[0] != true || got[1].([]bool)[1] != false {
		t.Fatalf("applicationAccounts %v", got)
	}
	f.must(d2, "acceptProjectAccount", app)
	f.must(leaderA(1), "endorse", app)
	// An applicant of no record listing itself accepts by applying.
	self := acct('D', 5)
	own := f.must(self, "applyProject", "academic", "q", h32, "", h32, "", uint8(1), []common.Address{self})[0].(uint64)
	f.must(leaderA(1), "endorse", own)
	f.commission(pcSeat, app, 3)

	// An account that gained code since (an EIP-7702 delegation) is refused
	// when the plenary approves.
	f.st.SetCode(d2, append([]byte{0xef, 0x01, 0x00}, contract[:]...), tracing.CodeChangeUnspecified)
	x := &call{env: f.env, s: &store{st: f.st}, from: secretary}
	if err := x.approveProject(app); err == nil || !strings.Contains(err.Error(), "has code") {
		t.Fatalf("approving with a delegated deployer: %v", err)
	}
}

// TestProjectAccountOffers: accounts added to an approved project later are
// held to the same rule: no system address, no code, even when delegated
// after the offer.
func TestProjectAccountOffers(t *testing.T) {
	f := newFixture(t)
	if _, r := f.call(projA, "offerAccount", Multicall3Address); !strings.Contains(r, "system address") {
		t.Fatalf("project offers Multicall3: %q", r)
	}
	d := acct('D', 7)
	f.must(projA, "offerAccount", d)
	f.st.SetCode(d, append([]byte{0xef, 0x01, 0x00}, params.DeterministicFactoryAddress[:]...), tracing.CodeChangeUnspecified)
	if _, r := f.call(d, "acceptAccount", uint64(recProject)); !strings.Contains(r, "has code") {
		t.Fatalf("a delegated account accepts a project's offer: %q", r)
	}
	// A member's offer is not a deployer's: the same account may join a member.
	f.must(plain, "offerAccount", d)
	f.must(d, "acceptAccount", uint64(recPlain))
}

// TestAcceptAccountAdmitted: an account of no record may send the
// acceptance by which it joins a record (it could not before, so an offer
// could never be taken up on chain), and nothing else.
func TestAcceptAccountAdmitted(t *testing.T) {
	f := newFixture(t)
	d := acct('D', 8)
	f.must(plain, "offerAccount", d)
	input, _ := ABI.Pack("acceptAccount", uint64(recPlain))
	if p, err := f.c.Admit(f.env, f.st, d, &Address, input, 100_000, 0); err != nil || p.Record != 0 || !p.Governance {
		t.Fatalf("admit acceptAccount from an account of no record: %+v %v", p, err)
	}
	other, _ := ABI.Pack("requestCapital", uint64(1), h32)
	if _, err := f.c.Admit(f.env, f.st, d, &Address, other, 100_000, 0); !errors.Is(err, ErrNotMember) {
		t.Fatalf("admit requestCapital from an account of no record: %v", err)
	}
}
