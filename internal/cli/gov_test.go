package cli_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/devkeys"
)

// fakeEth is the part of a node's eth namespace `redmx gov` uses: leader
// may endorse; anyone else's estimate reverts as the contract would.
type fakeEth struct {
	leader common.Address
	mu     sync.Mutex
	sent   map[common.Hash]*types.Transaction
	sends  int
}

type revertError struct{ reason string }

func (e revertError) Error() string  { return "execution reverted: " + e.reason }
func (e revertError) ErrorCode() int { return 3 }
func (e revertError) ErrorData() any {
	data, _ := abi.Arguments{{Type: mustType("string")}}.Pack(e.reason)
	return hexutil.Encode(append([]byte{0x08, 0xc3, 0x79, 0xa0}, data...))
}

func mustType(s string) abi.Type {
	t, err := abi.NewType(s, "", nil)
	if err != nil {
		panic(err)
	}
	return t
}

type callArgs struct {
	From  common.Address `json:"from"`
	To    common.Address `json:"to"`
	Input hexutil.Bytes  `json:"input"`
	Data  hexutil.Bytes  `json:"data"`
}

func (f *fakeEth) ChainId() hexutil.Uint64 { return hexutil.Uint64(devnet.DefaultChainID) }

// fakeGenesis is the fake node's genesis block hash.
var fakeGenesis = common.HexToHash("0x6e65c0ffee00000000000000000000000000000000000000000000000000beef")

func (f *fakeEth) GetBlockByNumber(number string, _ bool) (map[string]any, error) {
	if number != "0x0" {
		return nil, errors.New("the fake serves the genesis block only")
	}
	return map[string]any{"number": "0x0", "hash": fakeGenesis}, nil
}
func (f *fakeEth) GasPrice() *hexutil.Big { return (*hexutil.Big)(new(big.Int)) }
func (f *fakeEth) GetTransactionCount(common.Address, string) hexutil.Uint64 {
	return 0
}

func (f *fakeEth) Call(a callArgs, _ *string) (hexutil.Bytes, error) {
	data := append(a.Input, a.Data...)
	m, err := governance.ABI.MethodById(data)
	if err != nil || a.To != governance.Address {
		return nil, errors.New("unexpected call")
	}
	switch m.Name {
	case "application":
		return m.Outputs.Pack(uint8(1), uint8(2), f.leader, "academic", [20]byte{0xab}, uint8(1), uint64(1_700_000_000), uint32(0), uint32(0))
	case "motionContent":
		return m.Outputs.Pack(uint8(governance.MotionElect), uint64(0), uint64(0), uint8(0), uint8(governance.RoleLeader),
			"academic", uint64(7), uint64(1_800_000_000), "", new(big.Int), uint64(0), uint64(0))
	case "projectApplication":
		return m.Outputs.Pack("census", [32]byte{1}, "https://d", [32]byte{2}, "https://repo", uint8(governance.CriterionOpenSource|governance.CriterionResearch))
	case "nodeApplication":
		return m.Outputs.Pack([20]byte{0xab}, uint8(governance.NodeValidator), "ed25519", make([]byte, 32), uint8(governance.KindInstitution),
			[32]byte{9}, [32]byte{0x11}, "https://letter.example", [32]byte{0x12}, "https://adhesion.example")
	case "applicationVotes":
		return m.Outputs.Pack([]uint64{3, 7}, []uint64{11})
	case "applicationReview":
		return m.Outputs.Pack(uint64(5), uint64(1_700_000_100), [32]byte{}, uint64(0))
	case "motion":
		return m.Outputs.Pack(uint64(0), uint8(0), uint8(0), uint64(0), []uint64{}, []uint64{}) // no such motion
	case "agreements":
		return m.Outputs.Pack([]uint64{1, 2}, [][32]byte{{1}, {2}}, []uint8{uint8(governance.AgreementDone), 9}, [32]byte{})
	}
	return nil, revertError{"governance is not implemented yet"}
}

func (f *fakeEth) EstimateGas(a callArgs) (hexutil.Uint64, error) {
	if a.From != f.leader {
		return 0, revertError{"not a leader of collective academic"}
	}
	return 30_000, nil
}

func (f *fakeEth) SendRawTransaction(raw hexutil.Bytes) (common.Hash, error) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(raw); err != nil {
		return common.Hash{}, err
	}
	f.mu.Lock()
	f.sent[tx.Hash()] = tx
	f.sends++
	f.mu.Unlock()
	return tx.Hash(), nil
}

func (f *fakeEth) GetTransactionReceipt(h common.Hash) (*types.Receipt, error) {
	f.mu.Lock()
	tx := f.sent[h]
	f.mu.Unlock()
	if tx == nil {
		return nil, nil
	}
	ev := governance.ABI.Events["ApplicationEndorsed"]
	topics, _ := abi.MakeTopics([]any{uint64(1)}, []any{uint64(3)})
	l := &types.Log{Address: governance.Address, Topics: []common.Hash{ev.ID, topics[0][0], topics[1][0]}, Data: []byte{},
		TxHash: h, BlockNumber: 5}
	r := &types.Receipt{Type: tx.Type(), Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 25_000, GasUsed: 25_000,
		Logs: []*types.Log{l}, TxHash: h, BlockNumber: big.NewInt(5), EffectiveGasPrice: new(big.Int)}
	r.Bloom = types.CreateBloom(r)
	return r, nil
}

// TestGovAgainstFakeNode runs `redmx gov` against a fake node: a view
// decodes with enumeration names, a leader's endorse is sent and its event
// decoded, anyone else's is refused with the contract's reason before
// sending, and a missing signer is named.
func TestGovAgainstFakeNode(t *testing.T) {
	leaderKey := devkeys.RoleKey("leader", "academic", 0)
	fake := &fakeEth{leader: crypto.PubkeyToAddress(leaderKey.PublicKey), sent: map[common.Hash]*types.Transaction{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", fake); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Stop()
	dir := t.TempDir()
	keyFile := func(name string, k []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(hex.EncodeToString(k)), 0o600)
		return p
	}
	leaderFile := keyFile("leader", crypto.FromECDSA(leaderKey))
	otherFile := keyFile("other", crypto.FromECDSA(devkeys.Key(0)))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	out, err := run(ctx, "gov", "application", "1", "--rpc", hs.URL)
	if err != nil || !strings.Contains(out, "status:     endorsed\n") || !strings.Contains(out, "role:       validator\n") {
		t.Fatalf("view: %v\n%s", err, out)
	}
	out, err = run(ctx, "gov", "application", "1", "--rpc", hs.URL, "--json")
	var view map[string]any
	if err != nil || json.Unmarshal([]byte(out), &view) != nil || view["statusName"] != "endorsed" || view["collective"] != "academic" {
		t.Fatalf("view --json: %v\n%s", err, out)
	}
	_, err = run(ctx, "gov", "collectives", "--rpc", hs.URL)
	if err == nil || !strings.Contains(err.Error(), "governance is not implemented yet") {
		t.Errorf("reverting view: %v", err)
	}

	out, err = run(ctx, "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", leaderFile)
	// The gas limit is the estimate (30000) plus the headroom.
	if err != nil || !strings.Contains(out, "success in block 5, gas used 25000 of 1530000") ||
		!strings.Contains(out, "ApplicationEndorsed(applicationId=1, leader=3)") {
		t.Fatalf("endorse: %v\n%s", err, out)
	}
	out, err = run(ctx, "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", leaderFile, "--json")
	var res map[string]any
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res["status"] != "success" || len(res["events"].([]any)) != 1 {
		t.Fatalf("endorse --json: %v\n%s", err, out)
	}

	_, err = run(ctx, "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", otherFile)
	if err == nil || !strings.Contains(err.Error(), "not a leader of collective academic") || !strings.Contains(err.Error(), "would fail") {
		t.Errorf("endorse by a non-leader: %v", err)
	}
	if fake.sends != 2 {
		t.Errorf("%d transactions sent, want 2 (the refused one never)", fake.sends)
	}
	_, err = run(ctx, "gov", "endorse", "1", "--rpc", hs.URL)
	if err == nil || !strings.Contains(err.Error(), "--from") || !strings.Contains(err.Error(), "--private-key-file") {
		t.Errorf("no signer: %v", err)
	}
	_, err = run(ctx, "gov", "endorse", "one", "--rpc", hs.URL, "--private-key-file", leaderFile)
	if err == nil || !strings.Contains(err.Error(), "argument 1 (applicationId)") {
		t.Errorf("bad argument: %v", err)
	}
}

// TestGovNodeID prints the identity of a node home made by init in the
// form apply-node takes.
func TestGovNodeID(t *testing.T) {
	home := filepath.Join(t.TempDir(), "uni")
	if out, err := run(t.Context(), "init", "--dev", "--home", home); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	out, err := run(t.Context(), "gov", "node-id", "--home", home, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var id struct{ NodeID, CometNodeID, NodeKey, KeyType, PubKey string }
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		t.Fatal(err)
	}
	nodeKey := [32]byte(common.FromHex(id.NodeKey))
	if id.NodeID != "0x"+id.CometNodeID || len(id.CometNodeID) != 40 || id.KeyType != "ed25519" || len(id.PubKey) != 66 ||
		id.NodeID != common.Address(governance.NodeIDOf(nodeKey)).Hex()[:2]+strings.ToLower(common.Address(governance.NodeIDOf(nodeKey)).Hex()[2:]) {
		t.Errorf("identity %+v", id)
	}
	// With the applicant, the keys sign the application: the proof the
	// governance contract checks.
	applicant := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	out, err = run(t.Context(), "gov", "node-id", "--home", home, "--collective", "academic", "--applicant", applicant.Hex(), "--json")
	if err != nil {
		t.Fatal(err)
	}
	var signed struct{ NodeSignature, KeySignature string }
	if err := json.Unmarshal([]byte(out), &signed); err != nil {
		t.Fatal(err)
	}
	pub := common.FromHex(id.PubKey)
	msg := governance.NodeApplicationMessage(applicant, "academic", nodeKey, 1, "ed25519", pub)
	signedMsg := append([]byte("redmx node application\n"), msg[:]...)
	if !ed25519.Verify(nodeKey[:], signedMsg, common.FromHex(signed.NodeSignature)) || !ed25519.Verify(pub, signedMsg, common.FromHex(signed.KeySignature)) {
		t.Errorf("signatures do not verify: %s", out)
	}
	out, err = run(t.Context(), "gov", "node-id", "--home", home, "--collective", "academic", "--applicant", applicant.Hex())
	if err != nil || !strings.Contains(out, "redmx gov apply-node academic "+id.NodeKey+" validator ed25519 "+id.PubKey) ||
		!strings.Contains(out, signed.NodeSignature+" "+signed.KeySignature+" --from "+applicant.Hex()) {
		t.Errorf("node-id: %v\n%s", err, out)
	}
	if _, err := run(t.Context(), "gov", "node-id", "--home", home, "--applicant", applicant.Hex()); err == nil || !strings.Contains(err.Error(), "--collective") {
		t.Errorf("applicant without collective: %v", err)
	}
	if _, err := run(t.Context(), "gov", "node-id", "--home", t.TempDir()); err == nil || !strings.Contains(err.Error(), "redmx init") {
		t.Errorf("not a home: %v", err)
	}
}

// TestGovCommandsCoverABI: every function of the interface has its command.
func TestGovCommandsCoverABI(t *testing.T) {
	for name := range governance.ABI.Methods {
		var kebab strings.Builder
		for i, r := range name {
			if r >= 'A' && r <= 'Z' {
				if i > 0 {
					kebab.WriteByte('-')
				}
				r += 'a' - 'A'
			}
			kebab.WriteRune(r)
		}
		if out, err := run(t.Context(), "gov", kebab.String(), "--help"); err != nil || !strings.Contains(out, "IGovernance."+name+"(") {
			t.Errorf("gov %s: %v", kebab.String(), err)
		}
	}
}

// TestGovNamesChainAndEnums: every command names the chain on stderr before
// acting; --chain-id (or REDMX_CHAIN_ID) refuses another chain before a
// read or a send; REDMX_RPC is --rpc's default; enumerations print as names,
// in human output and (besides the number) in --json.
func TestGovNamesChainAndEnums(t *testing.T) {
	leaderKey := devkeys.RoleKey("leader", "academic", 0)
	fake := &fakeEth{leader: crypto.PubkeyToAddress(leaderKey.PublicKey), sent: map[common.Hash]*types.Transaction{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", fake); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Stop()
	leaderFile := filepath.Join(t.TempDir(), "leader")
	os.WriteFile(leaderFile, []byte(hex.EncodeToString(crypto.FromECDSA(leaderKey))), 0o600)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	banner := fmt.Sprintf("redmx gov: chain %d, genesis 0x6e65c0ff…0000beef, at %s\n", devnet.DefaultChainID, hs.URL)
	out, errOut, err := runErr(ctx, "", "gov", "motion-content", "3", "--rpc", hs.URL)
	if err != nil || errOut != banner {
		t.Fatalf("banner: %v\nstderr %q\nwant   %q", err, errOut, banner)
	}
	for _, want := range []string{"kind:          elect\n", "role:          leader\n", "projectStatus: 0 (none)\n", "collective:    academic\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("motion-content: no %q in\n%s", want, out)
		}
	}
	out, _, err = runErr(ctx, "", "gov", "motion-content", "3", "--rpc", hs.URL, "--json")
	var mc map[string]any
	if err != nil || json.Unmarshal([]byte(out), &mc) != nil || mc["kind"] != float64(11) || mc["kindName"] != "elect" || mc["roleName"] != "leader" {
		t.Fatalf("motion-content --json: %v\n%s", err, out)
	}
	if out, _, err = runErr(ctx, "", "gov", "project-application", "2", "--rpc", hs.URL); err != nil || !strings.Contains(out, "criteria:                open-source+research\n") {
		t.Errorf("project-application: %v\n%s", err, out)
	}
	// An enumeration value this client does not know prints as a number.
	if out, _, err = runErr(ctx, "", "gov", "agreements", "1", "--rpc", hs.URL); err != nil || !strings.Contains(out, "done") || !strings.Contains(out, "9 (unknown)") {
		t.Errorf("agreements: %v\n%s", err, out)
	}

	// The right chain, by flag: the send goes ahead.
	id := fmt.Sprint(devnet.DefaultChainID)
	if _, errOut, err := runErr(ctx, "", "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", leaderFile, "--chain-id", id); err != nil || errOut != banner {
		t.Fatalf("endorse on the right chain: %v %q", err, errOut)
	}
	sends := fake.sends
	// Another chain, by flag or by environment: refused before anything is sent or read.
	_, errOut, err = runErr(ctx, "", "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", leaderFile, "--chain-id", "7")
	if err == nil || !strings.Contains(err.Error(), "wrong chain: --chain-id 7, but "+hs.URL+" serves chain "+id) || errOut != banner {
		t.Errorf("endorse on another chain: %v (stderr %q)", err, errOut)
	}
	t.Setenv("REDMX_CHAIN_ID", "0x7")
	if _, _, err = runErr(ctx, "", "gov", "endorse", "1", "--rpc", hs.URL, "--private-key-file", leaderFile); err == nil || !strings.Contains(err.Error(), "wrong chain") {
		t.Errorf("endorse with REDMX_CHAIN_ID of another chain: %v", err)
	}
	if _, _, err = runErr(ctx, "", "gov", "application", "1", "--rpc", hs.URL); err == nil || !strings.Contains(err.Error(), "wrong chain") {
		t.Errorf("view with REDMX_CHAIN_ID of another chain: %v", err)
	}
	if fake.sends != sends {
		t.Errorf("%d transactions sent to the wrong chain", fake.sends-sends)
	}
	if _, _, err = runErr(ctx, "", "gov", "application", "1", "--rpc", hs.URL, "--chain-id", "seven"); err == nil || !strings.Contains(err.Error(), "--chain-id") {
		t.Errorf("malformed --chain-id: %v", err)
	}

	// REDMX_RPC is the default endpoint; --rpc still wins.
	t.Setenv("REDMX_CHAIN_ID", "")
	t.Setenv("REDMX_RPC", hs.URL)
	if out, errOut, err := runErr(ctx, "", "gov", "application", "1"); err != nil || errOut != banner || !strings.Contains(out, "endorsed") {
		t.Errorf("REDMX_RPC: %v %q\n%s", err, errOut, out)
	}
	if _, _, err := runErr(ctx, "", "gov", "application", "1", "--rpc", "http://127.0.0.1:1"); err == nil {
		t.Error("--rpc did not override REDMX_RPC")
	}
}

// TestGovShow: show reads every view of an item in one go, by kind, and
// says when the item does not exist.
func TestGovShow(t *testing.T) {
	fake := &fakeEth{sent: map[common.Hash]*types.Transaction{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", fake); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	out, err := run(ctx, "gov", "show", "application", "1", "--rpc", hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== application 1 ==\nkind:       node\n", "== nodeApplication 1 ==\n", "letterURI:          https://letter.example\n",
		"memberKind:         institution\n", "== applicationVotes 1 ==\nyes: 3, 7\nno:  11\n", "== applicationReview 1 ==\nendorser:   5\n",
		"endorsed:   1700000100 (2023-11-14 22:15:00 UTC)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("show application: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "projectApplication") {
		t.Errorf("show application of a node application reads projectApplication:\n%s", out)
	}
	out, err = run(ctx, "gov", "show", "application", "1", "--rpc", hs.URL, "--json")
	var doc map[string]map[string]any
	if err != nil || json.Unmarshal([]byte(out), &doc) != nil || doc["application"]["statusName"] != "endorsed" ||
		doc["nodeApplication"]["roleName"] != "validator" || len(doc["applicationVotes"]["yes"].([]any)) != 2 {
		t.Fatalf("show application --json: %v\n%s", err, out)
	}
	if _, err := run(ctx, "gov", "show", "motion", "4", "--rpc", hs.URL); err == nil || err.Error() != "motion 4 does not exist" {
		t.Errorf("show motion of no motion: %v", err)
	}
	if _, err := run(ctx, "gov", "show", "action", "x", "--rpc", hs.URL); err == nil || !strings.Contains(err.Error(), "want a number") {
		t.Errorf("show action x: %v", err)
	}
}
