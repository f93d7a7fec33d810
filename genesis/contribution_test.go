package genesis_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
)

// founder is a founding institution's keys and its contribution, as
// 'redmx genesis contribute' makes them.
type founder struct {
	c                *genesis.Contribution
	accounts         map[common.Address]*ecdsa.PrivateKey
	nodeKey, consKey ed25519.PrivateKey
}

const testChainID, testChainName = 77002, "redmx-test-ceremony"

func newFounder(t testing.TB, collective, label string, officers ...string) *founder {
	t.Helper()
	f := &founder{accounts: make(map[common.Address]*ecdsa.PrivateKey)}
	account := func() genesis.SignedAccount {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		a := crypto.PubkeyToAddress(k.PublicKey)
		f.accounts[a] = k
		return genesis.SignedAccount{Address: a}
	}
	_, f.nodeKey, _ = ed25519.GenerateKey(rand.Reader)
	_, f.consKey, _ = ed25519.GenerateKey(rand.Reader)
	nodePub := f.nodeKey.Public().(ed25519.PublicKey)
	id := governance.NodeIDOf([32]byte(nodePub))
	f.c = &genesis.Contribution{
		ChainID: testChainID, ChainName: testChainName, Collective: collective, Label: label,
		Institution: crypto.Keccak256Hash([]byte("salt of "+label), []byte(label)),
		Accounts:    []genesis.SignedAccount{account()},
		Validators: []genesis.ContributedValidator{{
			Name: strings.ToLower(label) + "-1", NodeID: hex.EncodeToString(id[:]),
			NodeKey: nodePub, PubKey: f.consKey.Public().(ed25519.PublicKey),
		}},
	}
	for _, o := range officers {
		f.c.Officers = append(f.c.Officers, genesis.ContributedOfficer{Label: o, Accounts: []genesis.SignedAccount{account()}})
	}
	f.sign(t)
	return f
}

// sign signs the contribution with every key of the founder (a key not
// the founder's is left unsigned).
func (f *founder) sign(t testing.TB) {
	t.Helper()
	msg := f.c.Message()
	signAll := func(accs []genesis.SignedAccount) {
		for i := range accs {
			if k := f.accounts[accs[i].Address]; k != nil {
				sig, err := crypto.Sign(genesis.AccountSigningHash(msg), k)
				if err != nil {
					t.Fatal(err)
				}
				accs[i].Signature = sig
			}
		}
	}
	signAll(f.c.Accounts)
	for _, o := range f.c.Officers {
		signAll(o.Accounts)
	}
	for i := range f.c.Validators {
		f.c.Validators[i].NodeSignature = genesis.SignContribution(f.nodeKey, msg)
		f.c.Validators[i].KeySignature = genesis.SignContribution(f.consKey, msg)
	}
}

func testBase() *genesis.Base {
	end := uint64(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	lead := func(label string) genesis.BaseInstitution {
		return genesis.BaseInstitution{Label: label, Leader: true, TermEnd: end, GasPerEpoch: 1_000_000}
	}
	return &genesis.Base{
		Network: genesis.Network{
			ChainID: testChainID, ChainName: testChainName,
			GenesisTime: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Coin:        genesis.Coin{Name: "Test", Symbol: "TST", Decimals: 18},
		},
		Collectives: []genesis.BaseCollective{
			{Name: "academic", GasBudget: 5_000_000, Institutions: []genesis.BaseInstitution{lead("UNAM"), lead("IPN")}},
			{Name: "public", Institutions: []genesis.BaseInstitution{lead("INEGI"), lead("CFE")}},
		},
		Officers: []genesis.BaseOfficer{{Role: "secretary", Officer: "Executive Secretary", TermEnd: end}},
	}
}

func testFounders(t *testing.T) []*founder {
	return []*founder{
		newFounder(t, "academic", "UNAM", "Executive Secretary"),
		newFounder(t, "academic", "IPN"),
		newFounder(t, "public", "INEGI"),
		newFounder(t, "public", "CFE"),
	}
}

func contributions(fs []*founder) []*genesis.Contribution {
	out := make([]*genesis.Contribution, len(fs))
	for i, f := range fs {
		out[i] = f.c
	}
	return out
}

// assembled is the app_state of the founders file assembled from fs.
func assembled(t *testing.T, base *genesis.Base, fs []*founder) *genesis.AppState {
	t.Helper()
	f, err := genesis.Assemble(base, contributions(fs))
	if err != nil {
		t.Fatalf("assemble: %v", err)
	}
	s, err := f.AppState()
	if err != nil {
		t.Fatalf("app state: %v", err)
	}
	return s
}

// TestAssemble: four institutions' contributions make the founders file
// the base describes, in its order, with their keys; each founder finds its
// contribution in it; the contribution file holds no private key.
func TestAssemble(t *testing.T) {
	fs := testFounders(t)
	s := assembled(t, testBase(), fs)
	g := s.Governance
	if len(g.Records) != 5 || len(g.Nodes) != 4 || len(s.Validators) != 4 || len(g.Seats) != 5 {
		t.Fatalf("records %d, nodes %d, validators %d, seats %d", len(g.Records), len(g.Nodes), len(s.Validators), len(g.Seats))
	}
	for i, label := range []string{"UNAM", "IPN", "INEGI", "CFE", "Executive Secretary"} {
		if g.Records[i].Label != label {
			t.Errorf("records[%d] is %s, want %s", i, g.Records[i].Label, label)
		}
	}
	if len(g.Budgets) != 1 || g.Budgets["academic"] != 5_000_000 {
		t.Errorf("budgets %v, want academic's 5000000 alone", g.Budgets)
	}
	if sec := g.Records[4]; sec.Kind != governance.KindIndividual || sec.Institution != fs[0].c.Institution || sec.Collective != "academic" {
		t.Errorf("secretary record %+v", sec)
	}
	for _, f := range fs {
		lines, err := f.c.CheckIn(testChainName, s)
		if err != nil {
			t.Errorf("%s: %v", f.c.Label, err)
		} else if len(lines) != 1+len(f.c.Validators)+len(f.c.Officers) {
			t.Errorf("%s: %q", f.c.Label, lines)
		}
		data, err := json.Marshal(f.c)
		if err != nil {
			t.Fatal(err)
		}
		for _, priv := range privateParts(f) {
			if strings.Contains(strings.ToLower(string(data)), priv) {
				t.Errorf("%s: the contribution holds a private key", f.c.Label)
			}
		}
		back, err := genesis.ParseContribution(data)
		if err != nil || back.Verify() != nil || back.Message() != f.c.Message() {
			t.Errorf("%s: the contribution does not survive JSON: %v", f.c.Label, err)
		}
	}
}

// privateParts are the founder's private keys as a file could hold them:
// hex and base64.
func privateParts(f *founder) []string {
	var out []string
	add := func(b []byte) {
		out = append(out, hex.EncodeToString(b), strings.ToLower(jsonBase64(b)))
	}
	for _, k := range f.accounts {
		add(crypto.FromECDSA(k))
	}
	add(f.nodeKey.Seed())
	add(f.nodeKey)
	add(f.consKey.Seed())
	add(f.consKey)
	return out
}

func jsonBase64(b []byte) string {
	s, _ := json.Marshal(b)
	return strings.Trim(string(s), `"`)
}

// TestAssembleRefusals: what the coordinator must not accept, each with a
// message that says what is wrong.
func TestAssembleRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution
		want string
	}{
		{"account swapped after signing", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			k, _ := crypto.GenerateKey()
			fs[1].c.Accounts[0].Address = crypto.PubkeyToAddress(k.PublicKey)
			return contributions(fs)
		}, "IPN: accounts: account 0x"},
		{"consensus key swapped", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			pub, _, _ := ed25519.GenerateKey(rand.Reader)
			fs[2].c.Validators[0].PubKey = pub
			return contributions(fs)
		}, "INEGI: accounts: account 0x"},
		{"consensus key not held", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			// Everything else re-signed, but by a key other than the one claimed.
			_, fs[2].consKey, _ = ed25519.GenerateKey(rand.Reader)
			fs[2].sign(t)
			return contributions(fs)
		}, "consensus key signature does not verify"},
		{"node ID not of its key", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[3].c.Validators[0].NodeID = strings.Repeat("ab", 20)
			fs[3].sign(t)
			return contributions(fs)
		}, "is not the ID of nodeKey"},
		{"institution changed", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[0].c.Institution = common.Hash{1}
			return contributions(fs)
		}, "signature does not verify"},
		{"other chain", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[1].c.ChainID++
			fs[1].sign(t)
			return contributions(fs)
		}, "IPN: made for chain 77003"},
		{"duplicate label", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			return append(contributions(fs), newFounder(t, "public", "CFE").c)
		}, "two contributions are labelled CFE"},
		{"an account in two contributions", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			// CFE signs with INEGI's account too: a copied key.
			for a, k := range fs[2].accounts {
				fs[3].accounts[a] = k
				fs[3].c.Accounts = append(fs[3].c.Accounts, genesis.SignedAccount{Address: a})
			}
			fs[3].sign(t)
			return contributions(fs)
		}, "in the contributions of both INEGI and CFE"},
		{"a consensus key in two contributions", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[3].consKey = fs[2].consKey
			fs[3].c.Validators[0].PubKey = fs[2].c.Validators[0].PubKey
			fs[3].sign(t)
			return contributions(fs)
		}, "consensus key"},
		{"missing contribution", func(t *testing.T, _ *genesis.Base, fs []*founder) []*genesis.Contribution {
			return contributions(fs[:3])
		}, "no contribution is labelled CFE"},
		{"contribution not in the base", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			return append(contributions(fs), newFounder(t, "public", "SEP").c)
		}, "SEP (collective public) is not in the base"},
		{"wrong collective", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[1].c.Collective = "public"
			fs[1].sign(t)
			return contributions(fs)
		}, `IPN contributed to collective "public", the base places it in "academic"`},
		{"unknown officer", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			base.Officers[0].Officer = "Secretary"
			return contributions(fs)
		}, `no contribution has an officer labelled "Secretary"`},
		{"officer without a seat", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			k, _ := crypto.GenerateKey()
			a := crypto.PubkeyToAddress(k.PublicKey)
			fs[2].accounts[a] = k
			fs[2].c.Officers = []genesis.ContributedOfficer{{Label: "Advisor", Accounts: []genesis.SignedAccount{{Address: a}}}}
			fs[2].sign(t)
			return contributions(fs)
		}, `officer "Advisor" of INEGI has no seat in the base`},
		{"account listed twice", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[2].c.Officers = []genesis.ContributedOfficer{{Label: "Advisor", Accounts: []genesis.SignedAccount{fs[2].c.Accounts[0]}}}
			fs[2].sign(t)
			return contributions(fs)
		}, "is listed twice"},
		{"unsigned", func(t *testing.T, base *genesis.Base, fs []*founder) []*genesis.Contribution {
			fs[0].c.Validators[0].NodeSignature = nil
			return contributions(fs)
		}, "node key signature does not verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, fs := testBase(), testFounders(t)
			_, err := genesis.Assemble(base, tc.edit(t, base, fs))
			if !errors.Is(err, genesis.ErrContribution) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestCheckIn: a founder's verify fails when the genesis differs from its
// contribution in any way the coordinator could change it.
func TestCheckIn(t *testing.T) {
	fs := testFounders(t)
	for _, tc := range []struct {
		name string
		edit func(s *genesis.AppState)
		want string
	}{
		{"account replaced", func(s *genesis.AppState) { s.Governance.Records[0].Accounts[0] = common.Address{7} }, "has accounts"},
		{"account added", func(s *genesis.AppState) {
			s.Governance.Records[0].Accounts = append(s.Governance.Records[0].Accounts, common.Address{7})
		}, "has accounts"},
		{"commitment changed", func(s *genesis.AppState) { s.Governance.Records[0].Institution = common.Hash{7} }, "institution commitment"},
		{"consensus key replaced", func(s *genesis.AppState) { s.Validators[0].PubKey = make([]byte, 32) }, "not a genesis validator"},
		{"node run by another record", func(s *genesis.AppState) { s.Governance.Nodes[0].Operator = 2 }, "no governance validator node"},
		{"a node it did not contribute", func(s *genesis.AppState) {
			n := s.Governance.Nodes[1]
			n.Operator, n.NodeID = 1, common.Address{9}
			s.Governance.Nodes = append(s.Governance.Nodes, n)
		}, "which UNAM did not contribute"},
		{"officer's account replaced", func(s *genesis.AppState) { s.Governance.Records[4].Accounts[0] = common.Address{7} }, "officer"},
		{"other chain", func(s *genesis.AppState) { s.ChainID++ }, "the genesis is chain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := assembled(t, testBase(), fs)
			tc.edit(s)
			if _, err := fs[0].c.CheckIn(testChainName, s); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestContributionWalletSignature: an account's signature as wallets'
// personal_sign writes it (v 27 or 28) verifies too.
func TestContributionWalletSignature(t *testing.T) {
	f := newFounder(t, "academic", "UNAM")
	f.c.Accounts[0].Signature[64] += 27
	if err := f.c.Verify(); err != nil {
		t.Fatal(err)
	}
	f.c.Accounts[0].Signature[64] ^= 1 // the other recovery ID: another key
	if err := f.c.Verify(); err == nil {
		t.Fatal("a signature with the wrong recovery ID verifies")
	}
}

// FuzzContribution: no input makes parsing or checking a contribution
// panic, and a contribution that verifies still verifies, with the same
// message, after a JSON round trip; changing any signed field then breaks
// it.
func FuzzContribution(f *testing.F) {
	fd := newFounder(f, "academic", "UNAM", "Executive Secretary")
	seed, _ := json.Marshal(fd.c)
	f.Add(seed)
	f.Add([]byte(`{"chainId":1,"chainName":"x","collective":"c","label":"l","institution":"0x01","accounts":[{"address":"0x01","signature":"0x00"}],"validators":[{"name":"v","nodeKey":"AA==","pubKey":"AA=="}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := genesis.ParseContribution(data)
		if err != nil || c.Verify() != nil {
			return
		}
		again, _ := json.Marshal(c)
		back, err := genesis.ParseContribution(again)
		if err != nil || back.Verify() != nil || back.Message() != c.Message() {
			t.Fatalf("a verified contribution does not survive JSON: %v", err)
		}
		back.ChainID++
		if back.Verify() == nil {
			t.Fatal("a contribution moved to another chain still verifies")
		}
	})
}
