package governance

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkEnum: every value of E reads back from its name, and IGovernance.sol's
// comment lists exactly E's values with the names here.
func checkEnum[E Enum](t *testing.T, sol map[string][]solValue, name string) {
	t.Helper()
	names := Names[E]()
	if len(sol[name]) != len(names) {
		t.Errorf("%s: %d names, IGovernance.sol lists %d values", name, len(names), len(sol[name]))
	}
	for i, n := range names {
		v := E(i + 1)
		if _, bits := any(v).(Criteria); bits {
			v = E(1 << i)
		}
		if i < len(sol[name]) && (sol[name][i].v != uint64(v) || sol[name][i].name != n) {
			t.Errorf("%s: IGovernance.sol says %d %s, enums.go %d %s", name, sol[name][i].v, sol[name][i].name, v, n)
		}
		if v.String() != n {
			t.Errorf("%s %d: String %q, want %q", name, v, v.String(), n)
		}
		for _, spelled := range []string{n, strings.ToUpper(n), strings.ReplaceAll(n, "-", "")} {
			if got, ok := Parse[E](spelled); !ok || got != v {
				t.Errorf("%s: Parse(%q) = %d, %v; want %d", name, spelled, got, ok, v)
			}
		}
	}
	if _, ok := Parse[E]("no-such-value"); ok {
		t.Errorf("%s: an unknown name parses", name)
	}
	if s := E(0).String(); s != "?" && s != "none" {
		t.Errorf("%s 0: %q", name, s)
	}
}

type solValue struct {
	v    uint64
	name string
}

// solEnums reads the values of each enumeration IGovernance.sol's comment
// lists ("// Name: 1 a, 2 b", continued on lines of values alone).
func solEnums(t *testing.T) map[string][]solValue {
	src, err := os.ReadFile("IGovernance.sol")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	s = s[strings.Index(s, "----- Enumerations"):strings.Index(s, "===== Events")]
	out := map[string][]solValue{}
	var cur string
	head := regexp.MustCompile(`^\s*//\s*(\w+)(?: \(bits\))?:\s+(\d.*)$`)
	more := regexp.MustCompile(`^\s*//\s+(\d.*)$`)
	item := regexp.MustCompile(`^(\d+) ([a-z][a-z-]*)$`)
	for _, line := range strings.Split(s, "\n")[1:] {
		var rest string
		if m := head.FindStringSubmatch(line); m != nil {
			cur, rest = m[1], m[2]
		} else if m := more.FindStringSubmatch(line); m != nil && cur != "" {
			rest = m[1]
		} else {
			cur = ""
			continue
		}
		for _, part := range strings.Split(strings.TrimSuffix(strings.TrimSpace(rest), ","), ",") {
			m := item.FindStringSubmatch(strings.TrimSpace(part))
			if m == nil {
				t.Fatalf("IGovernance.sol, enumeration %s: %q is not \"value name\"", cur, part)
			}
			v, _ := strconv.ParseUint(m[1], 10, 64)
			out[cur] = append(out[cur], solValue{v, m[2]})
		}
	}
	return out
}

func TestEnums(t *testing.T) {
	sol := solEnums(t)
	checkEnum[RecordKind](t, sol, "RecordKind")
	checkEnum[RecordStatus](t, sol, "RecordStatus")
	checkEnum[ProjectStatus](t, sol, "ProjectStatus")
	checkEnum[NodeRole](t, sol, "NodeRole")
	checkEnum[NodeStatus](t, sol, "NodeStatus")
	checkEnum[ApplicationKind](t, sol, "ApplicationKind")
	checkEnum[ApplicationStatus](t, sol, "ApplicationStatus")
	checkEnum[Role](t, sol, "Role")
	checkEnum[MeetingKind](t, sol, "MeetingKind")
	checkEnum[MotionKind](t, sol, "MotionKind")
	checkEnum[MotionStatus](t, sol, "MotionStatus")
	checkEnum[NodeAction](t, sol, "NodeAction")
	checkEnum[CapitalRequestStatus](t, sol, "CapitalRequestStatus")
	checkEnum[AgreementStatus](t, sol, "AgreementStatus")
	checkEnum[Criteria](t, sol, "Criteria")
	checkEnum[ActionTarget](t, sol, "ActionTarget")
	checkEnum[ActionStatus](t, sol, "ActionStatus")
	checkEnum[DesignationStatus](t, sol, "DesignationStatus")
	checkEnum[CallStatus](t, sol, "CallStatus")
	checkEnum[BallotKind](t, sol, "BallotKind")
	checkEnum[BallotStatus](t, sol, "BallotStatus")
	checkEnum[Sanction](t, sol, "Sanction")
	checkEnum[ViolationStatus](t, sol, "ViolationStatus")
	checkEnum[ReportKind](t, sol, "ReportKind")
	if len(sol) != 24 {
		t.Errorf("IGovernance.sol lists %d enumerations, checked here 24: check the new one", len(sol))
	}

	if c, ok := Parse[Criteria]("open-source+research"); !ok || c != CriterionOpenSource|CriterionResearch || c.String() != "open-source+research" {
		t.Errorf("criteria: %d %v %q", c, ok, c.String())
	}
	if s := Criteria(1 | 128).String(); s != "public-value+?128" {
		t.Errorf("unnamed bit: %q", s)
	}
	if RoleSecretary.PerCollective() || !RoleNodesCommission.PerCollective() || RoleAdvisory.Office() != "Advisory Council" {
		t.Error("role properties")
	}
}

func TestChoices(t *testing.T) {
	if s := choices[NodeAction](); s != "suspend (1), remove (2) or reinstate (3)" {
		t.Errorf("choices: %q", s)
	}
	if s := choices(KindInstitution, KindIndividual); s != "institution (1) or individual (2)" {
		t.Errorf("some choices: %q", s)
	}
	if known(AgreementStatus(0)) || !known(AgreementDropped) || known(AgreementDropped+1) {
		t.Error("known")
	}
}
