package cli_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// TestGovElectionOnDevnet drives the first half of a leader election, and a
// resignation, on a real network through `redmx gov` as the officers would:
// academic's leader opens a call, a plain member of academic stands, the
// views show the call, the candidate and the vacancy; a Nodes Commission
// seat resigns, and the secretary cannot. (The election itself waits for
// candidacyPeriod, at least a day: TestElection runs it.)
func TestGovElectionOnDevnet(t *testing.T) {
	net := testnet.Start(t, devnet.Config{Validators: 2, TimeoutCommit: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	net.WaitHeight(ctx, t, 2)
	rpc := "http://" + net.Nodes[0].RPC
	dir := t.TempDir()
	key := func(role, coll string) (string, uint64) {
		t.Helper()
		for _, r := range devnet.Roles() {
			if r.Role == role && r.Collective == coll {
				p := filepath.Join(dir, role+"-"+coll)
				if err := os.WriteFile(p, []byte(hex.EncodeToString(crypto.FromECDSA(r.Key))), 0o600); err != nil {
					t.Fatal(err)
				}
				return p, r.Record
			}
		}
		t.Fatalf("no %s of %q among the devnet's roles", role, coll)
		return "", 0
	}
	leader, _ := key(devnet.RoleNameLeader, "academic")
	member, memberRec := key(devnet.RoleNameMember, "academic")
	nodes, _ := key(devnet.RoleNameNodesCommission, "academic")
	secretary, _ := key(devnet.RoleNameSecretary, "public") // a member of public
	gov := func(args ...string) (string, error) {
		return run(ctx, append(append([]string{"gov"}, args...), "--rpc", rpc)...)
	}

	out, err := gov("open-call", "academic", "--private-key-file", leader)
	if err != nil || !strings.Contains(out, "VacancyOpened(callId=1, collective=academic") {
		t.Fatalf("open-call: %v\n%s", err, out)
	}
	t.Logf("open-call:\n%s", out)
	out, err = gov("stand-for-seat", "1", "0x"+strings.Repeat("ab", 32), "https://example.org/statement", "--private-key-file", member)
	if err != nil || !strings.Contains(out, "CandidacyFiled(callId=1") {
		t.Fatalf("stand-for-seat: %v\n%s", err, out)
	}
	_, err = gov("stand-for-seat", "1", "0x"+strings.Repeat("ab", 32), "https://example.org/statement", "--private-key-file", member)
	if err == nil || !strings.Contains(err.Error(), "already stood in call 1") {
		t.Fatalf("standing twice: %v", err)
	}
	out, err = gov("candidates", "1", "--json")
	var cands struct {
		RecordIDs     []uint64
		StatementURIs []string
	}
	if err != nil || json.Unmarshal([]byte(out), &cands) != nil || len(cands.RecordIDs) != 1 || cands.RecordIDs[0] != memberRec ||
		cands.StatementURIs[0] != "https://example.org/statement" {
		t.Fatalf("candidates: %v\n%s", err, out)
	}
	out, err = gov("call", "1")
	if err != nil || !strings.Contains(out, "academic") || !strings.Contains(out, "status:       open") {
		t.Fatalf("call: %v\n%s", err, out)
	}
	t.Logf("call 1:\n%s", out)
	out, err = gov("vacancies", "--json")
	var vac struct {
		Collectives []string
		CallIDs     []uint64
	}
	if err != nil || json.Unmarshal([]byte(out), &vac) != nil || len(vac.Collectives) < 2 || vac.Collectives[1] != "academic" || vac.CallIDs[1] != 1 {
		t.Fatalf("vacancies: %v\n%s", err, out)
	}

	out, err = gov("resign", "nodes-commission", "academic", "--private-key-file", nodes)
	if err != nil || !strings.Contains(out, "SeatVacated(") {
		t.Fatalf("resign: %v\n%s", err, out)
	}
	out, err = gov("seats", "nodes-commission", "academic", "--json")
	var seats struct{ Holders []uint64 }
	if err != nil || json.Unmarshal([]byte(out), &seats) != nil || len(seats.Holders) != 0 {
		t.Fatalf("academic's Nodes Commission seat after the resignation: %v\n%s", err, out)
	}
	_, err = gov("resign", "secretary", "", "--private-key-file", secretary)
	if err == nil || !strings.Contains(err.Error(), "never left empty") {
		t.Fatalf("the secretary resigning: %v", err)
	}
}
