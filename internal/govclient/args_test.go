package govclient

import (
	"bytes"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/governance"
)

func typ(t *testing.T, s string) abi.Type {
	t.Helper()
	ty, err := abi.NewType(s, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

func TestParseArg(t *testing.T) {
	addr := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	var b20 [20]byte
	b20[19] = 0xab
	var b32 [32]byte
	b32[0] = 1
	for _, c := range []struct {
		typ, in string
		want    any
		err     string
	}{
		{"string", "academic", "academic", ""},
		{"string", "", "", ""},
		{"uint8", "2", uint8(2), ""},
		{"uint8", "256", nil, "out of range"},
		{"uint8", "-1", nil, "out of range"},
		{"uint64", "0x10", uint64(16), ""},
		{"uint64", "18446744073709551615", uint64(1<<64 - 1), ""},
		{"uint64", "ten", nil, "want a number"},
		{"uint64", "010", nil, "want a number"},
		{"uint32", "7", uint32(7), ""},
		{"uint256", "1000000000000000000000", new(big.Int).Mul(big.NewInt(1e18), big.NewInt(1000)), ""},
		{"bool", "true", true, ""},
		{"bool", "no", false, ""},
		{"bool", "maybe", nil, "want true or false"},
		{"address", addr.Hex(), addr, ""},
		{"address", "0x12", nil, "want an address"},
		{"bytes20", "0x00000000000000000000000000000000000000ab", b20, ""},
		{"bytes20", "0xabcd", nil, "want 20 bytes of hex"},
		{"bytes32", "0", [32]byte{}, ""},
		{"bytes32", "0x01" + strings.Repeat("00", 31), b32, ""},
		{"bytes32", "zz", nil, "want 32 bytes of hex"},
		{"bytes", "0x0102", []byte{1, 2}, ""},
		{"bytes", "", []byte{}, ""},
		{"bytes", "0x1", nil, "want bytes as hex"},
		{"address[]", addr.Hex() + "," + addr.Hex(), []common.Address{addr, addr}, ""},
		{"address[]", "", []common.Address{}, ""},
		{"address[]", addr.Hex() + ",0x1", nil, "element 2"},
		{"uint64[2]", "1,2", [2]uint64{1, 2}, ""},
		{"uint64[2]", "1", nil, "want 2 comma-separated"},
	} {
		got, err := ParseArg(typ(t, c.typ), c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: got %v, %v; want error %q", c.typ, c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: got %#v, %v; want %#v", c.typ, c.in, got, err, c.want)
		}
	}
}

// TestParseArgsPack: parsed arguments of every function pack, enumerations
// parse by name, and errors name the argument.
func TestParseArgsPack(t *testing.T) {
	m := governance.ABI.Methods["applyNode"]
	words := []string{"academic", "0x" + strings.Repeat("ab", 32), "validator", "ed25519", "0x" + strings.Repeat("11", 32),
		"institution", "0", "0", "", "0", "", "0x" + strings.Repeat("22", 64), "0x" + strings.Repeat("33", 64)}
	args, err := ParseArgs(m, words)
	if err != nil {
		t.Fatal(err)
	}
	if args[2] != uint8(1) || args[5] != uint8(1) {
		t.Errorf("enumerations by name: role %v, memberKind %v", args[2], args[5])
	}
	if _, err := governance.ABI.Pack(m.Name, args...); err != nil {
		t.Fatalf("pack: %v", err)
	}
	words[1] = "0xabcd"
	_, err = ParseArgs(m, words)
	if !errors.Is(err, ErrArgs) || !strings.Contains(err.Error(), "argument 2 (nodeKey): want 32 bytes of hex") || !strings.Contains(err.Error(), `got "0xabcd"`) {
		t.Errorf("bad node ID: %v", err)
	}
	if _, err := ParseArgs(m, words[:3]); err == nil || !strings.Contains(err.Error(), "takes 13 arguments") {
		t.Errorf("too few: %v", err)
	}
	// A paginated view also takes its arguments without cursor and limit.
	apps := governance.ABI.Methods["applications"]
	if !IsPaged(apps) || IsPaged(governance.ABI.Methods["application"]) {
		t.Error("IsPaged")
	}
	if a, err := ParseArgs(apps, []string{"node", "submitted"}); err != nil || len(a) != 2 {
		t.Errorf("applications without a page: %v %v", a, err)
	}
	if a, err := ParseArgs(apps, []string{"node", "submitted", "0", "10"}); err != nil || a[3] != uint32(10) {
		t.Errorf("applications with a page: %v %v", a, err)
	}
	crit, err := ParseArgs(governance.ABI.Methods["applyProject"], []string{"public", "p", "0", "", "0", "", "open-source+research", ""})
	if err != nil || crit[6] != uint8(2|16) {
		t.Errorf("criteria by name: %v %v", crit, err)
	}

	// Every function: a word for each input by type packs.
	sample := map[string]string{
		"string": "x", "uint8": "1", "uint16": "1", "uint32": "1", "uint64": "1", "uint256": "1", "bool": "true",
		"address": "0x00000000000000000000000000000000000000aa", "address[]": "0x00000000000000000000000000000000000000aa",
		"bytes20": "0", "bytes32": "0", "bytes": "0x01",
	}
	for name, m := range governance.ABI.Methods {
		var ws []string
		for _, in := range m.Inputs {
			w, ok := sample[in.Type.String()]
			if !ok {
				t.Fatalf("%s.%s: type %s has no sample", name, in.Name, in.Type)
			}
			ws = append(ws, w)
		}
		args, err := ParseArgs(m, ws)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := governance.ABI.Pack(name, args...); err != nil {
			t.Errorf("%s: pack: %v", name, err)
		}
	}
}

func TestEnums(t *testing.T) {
	for _, c := range []struct {
		e    *Enum
		in   string
		want uint64
	}{
		{NodeRole, "observer", 2},
		{Role, "nodes-commission", 4},
		{Role, "NodesCommission", 4},
		{ApplicationStatus, "to-plenary", 3},
		{Criteria, "public-value+open-data", 5},
		{CapitalRequestStatus, "withdrawn", 4},
	} {
		v, ok := c.e.Parse(c.in)
		if !ok || v != c.want {
			t.Errorf("%s %q: %d %v", c.e.Name, c.in, v, ok)
		}
	}
	if _, ok := Role.Parse("king"); ok {
		t.Error("unknown name parsed")
	}
	if Role.String(9) != "?" || Criteria.String(0) != "none" || Criteria.String(64|2) != "open-source+?64" {
		t.Error("String of unknown values")
	}
}

// TestPrint: views print as "name: value" lines with enumeration names and
// dates, as a table for parallel arrays, and as JSON with names.
func TestPrint(t *testing.T) {
	m := governance.ABI.Methods["application"]
	vals := []any{uint8(1), uint8(2), common.HexToAddress("0xaa"), "academic", [20]byte{0xab}, uint8(1), uint64(1_700_000_000), uint32(1), uint32(0)}
	f := Fields(m.Name, m.Outputs, vals)
	var b bytes.Buffer
	Print(&b, f)
	for _, want := range []string{"kind:       node\n", "status:     endorsed\n", "role:       validator\n",
		"submitted:  1700000000 (2023-11-14 22:13:20 UTC)", "nodeId:     0xab00000000000000000000000000000000000000",
		"applicant:  0x00000000000000000000000000000000000000AA"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
	j := JSONObject(f)
	if j["statusName"] != "endorsed" || j["nodeId"] != "0xab00000000000000000000000000000000000000" || j["submitted"] != uint64(1_700_000_000) {
		t.Errorf("JSON %v", j)
	}

	seats := governance.ABI.Methods["seats"]
	b.Reset()
	Print(&b, Fields(seats.Name, seats.Outputs, []any{[]uint64{3, 4}, []uint64{1_700_000_000, 0}, []bool{false, true}}))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "HOLDERS") || !strings.Contains(lines[2], "true") {
		t.Errorf("seats table:\n%s", b.String())
	}

	ag := governance.ABI.Methods["agreements"]
	j = JSONObject(Fields(ag.Name, ag.Outputs, []any{[]uint64{1}, [][32]byte{{}}, []uint8{3}, [32]byte{}}))
	if !reflect.DeepEqual(j["statusesName"], []string{"done"}) {
		t.Errorf("enum array names: %v", j)
	}

	is := governance.ABI.Methods["isMember"]
	b.Reset()
	Print(&b, Fields(is.Name, is.Outputs, []any{true}))
	if strings.TrimSpace(b.String()) != "result: true" {
		t.Errorf("unnamed output: %q", b.String())
	}

	list := governance.ABI.Methods["collectives"]
	b.Reset()
	Print(&b, Fields(list.Name, list.Outputs, []any{[]string{"public", "academic"}}))
	if b.String() != "public\nacademic\n" {
		t.Errorf("list: %q", b.String())
	}
}

// TestDecodeLog decodes events with indexed and data fields.
func TestDecodeLog(t *testing.T) {
	l := mkLog(t, "NodeAdmitted", [20]byte{0xcd}, uint64(7), "academic", uint8(1))
	ev, ok, err := DecodeLog(l)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := "NodeAdmitted(nodeId=0xcd00000000000000000000000000000000000000, operator=7, collective=academic, role=validator)"
	if ev.String() != want {
		t.Errorf("got  %s\nwant %s", ev, want)
	}
	l.Address = common.HexToAddress("0x01")
	if _, ok, _ := DecodeLog(l); ok {
		t.Error("decoded a log of another contract")
	}
}

// mkLog builds a governance log of event name with values in input order.
func mkLog(t *testing.T, name string, vals ...any) *types.Log {
	t.Helper()
	ev := governance.ABI.Events[name]
	l := &types.Log{Address: governance.Address, Topics: []common.Hash{ev.ID}}
	var data []any
	var nonIndexed abi.Arguments
	for i, in := range ev.Inputs {
		if in.Indexed {
			topics, err := abi.MakeTopics([]any{vals[i]})
			if err != nil {
				t.Fatal(err)
			}
			l.Topics = append(l.Topics, topics[0][0])
			continue
		}
		nonIndexed = append(nonIndexed, in)
		data = append(data, vals[i])
	}
	var err error
	if l.Data, err = nonIndexed.Pack(data...); err != nil {
		t.Fatal(err)
	}
	return l
}
