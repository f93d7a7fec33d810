package status

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
)

func key(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	id := string(p2p.PubKeyToID(cmted.PubKey(priv.Public().(ed25519.PublicKey))))
	return priv, id
}

// TestSignVerify: a signed report verifies; one changed, signed by another
// key than its node ID's, or too large does not.
func TestSignVerify(t *testing.T) {
	priv, id := key(t)
	other, _ := key(t)
	r := Report{NodeID: id, Moniker: strings.Repeat("m", 500), Seq: 7, Height: 12, ConsensusAlive: true, Upgrades: make([]string, 40)}
	data, err := Sign(r, priv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.NodeID != id || got.Seq != 7 || got.Height != 12 || len(got.Moniker) != maxText || len(got.Upgrades) != maxUpgrades {
		t.Fatalf("verified %+v", got)
	}

	var s Signed
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	s.Body = []byte(strings.Replace(string(s.Body), `"height":12`, `"height":13`, 1))
	tampered, _ := json.Marshal(s)
	if _, err := Verify(tampered); !errors.Is(err, ErrSignature) {
		t.Fatalf("changed body: %v, want %v", err, ErrSignature)
	}
	if data, err = Sign(r, other); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(data); !errors.Is(err, ErrNotSigner) {
		t.Fatalf("another node's key: %v, want %v", err, ErrNotSigner)
	}
	if _, err := Verify(make([]byte, MaxSignedSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	for _, bad := range []string{"", "{", `{"body":"","pub_key":"","sig":""}`, "null"} {
		if _, err := Verify([]byte(bad)); err == nil {
			t.Fatalf("%q verified", bad)
		}
	}
}

// TestBookStates: a node is online while it reports, stale after
// StaleAfter, offline after OfflineAfter, never online without consensus;
// older or repeated sequences and reports too close together are dropped.
func TestBookStates(t *testing.T) {
	b := NewBook(0, nil)
	t0 := time.Unix(1_000_000, 0)
	r := Report{NodeID: "a", Seq: 10, ConsensusAlive: true}
	if !b.Put(r, t0) {
		t.Fatal("first report dropped")
	}
	for _, tc := range []struct {
		at   time.Duration
		want string
	}{{0, Online}, {StaleAfter, Online}, {StaleAfter + time.Millisecond, Stale}, {OfflineAfter + time.Millisecond, Offline}} {
		if st, _ := b.State("a", t0.Add(tc.at)); st.State != tc.want {
			t.Errorf("after %s: %s, want %s", tc.at, st.State, tc.want)
		}
	}
	if b.Put(Report{NodeID: "a", Seq: 10, ConsensusAlive: true}, t0.Add(time.Second)) {
		t.Error("same sequence kept")
	}
	if b.Put(Report{NodeID: "a", Seq: 9, ConsensusAlive: true}, t0.Add(time.Second)) {
		t.Error("older sequence kept")
	}
	if b.Put(Report{NodeID: "a", Seq: 11}, t0.Add(minGap/2)) {
		t.Error("report closer than minGap kept")
	}
	if !b.Put(Report{NodeID: "a", Seq: 11}, t0.Add(time.Second)) {
		t.Error("newer report dropped")
	}
	if st, _ := b.State("a", t0.Add(time.Second)); st.State != Unhealthy {
		t.Errorf("consensus not alive: %s, want %s", st.State, Unhealthy)
	}
}

// TestBookBounds: a book keeps only allowed nodes and at most its maximum,
// making room only by dropping an offline one; uptime counts samples online.
func TestBookBounds(t *testing.T) {
	b := NewBook(2, func(id string) bool { return id != "banned" })
	now := time.Now()
	if b.Put(Report{NodeID: "banned", Seq: 1}, now) {
		t.Fatal("a node not allowed kept")
	}
	b.Put(Report{NodeID: "a", Seq: 1, ConsensusAlive: true}, now.Add(-time.Hour))
	b.Put(Report{NodeID: "b", Seq: 1, ConsensusAlive: true}, now)
	if !b.Put(Report{NodeID: "c", Seq: 1}, now) {
		t.Fatal("no room made by dropping the offline node")
	}
	if b.Put(Report{NodeID: "d", Seq: 1}, now) {
		t.Fatal("more nodes kept than the maximum while all report")
	}
	if n := len(b.States(now)); n != 2 {
		t.Fatalf("%d nodes kept, want 2", n)
	}
	b.Sample(now)
	b.Sample(now.Add(time.Minute))
	if st, _ := b.State("b", now); st.UptimePc != 50 {
		t.Fatalf("uptime %v, want 50", st.UptimePc)
	}
}
