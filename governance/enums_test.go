package governance

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// checkEnum: every value of E reads back from its name, and E has as many
// values as IGovernance.sol's comment lists for it.
func checkEnum[E Enum](t *testing.T, sol map[string]int, name string) {
	t.Helper()
	names := Names[E]()
	if got, want := len(names), sol[name]; got != want {
		t.Errorf("%s: %d names, IGovernance.sol lists %d values", name, got, want)
	}
	for i, n := range names {
		v := E(i + 1)
		if _, bits := any(v).(Criteria); bits {
			v = E(1 << i)
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

// solEnums counts the values of each enumeration IGovernance.sol's comment
// lists ("Name: 1 a, 2 b"; bits "1 a, 2 b, 4 c").
func solEnums(t *testing.T) map[string]int {
	src, err := os.ReadFile("IGovernance.sol")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	s = s[strings.Index(s, "----- Enumerations"):strings.Index(s, "===== Events")]
	out := map[string]int{}
	var cur string
	head := regexp.MustCompile(`^\s*//\s*(\w+)[^:]*:(.*)$`)
	num := regexp.MustCompile(`(?:^|,)\s*\d+ `)
	for _, line := range strings.Split(s, "\n")[1:] {
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "//"))
		if m := head.FindStringSubmatch(line); m != nil {
			cur, rest = m[1], m[2]
		}
		out[cur] += len(num.FindAllString(strings.TrimSpace(rest), -1))
	}
	return out
}

func TestEnums(t *testing.T) {
	sol := solEnums(t)
	checkEnum[RecordKind](t, sol, "RecordKind")
	checkEnum[RecordStatus](t, sol, "RecordStatus")
	checkEnum[ProjectStatus](t, sol, "RecordStatus")
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
	checkEnum[ActionTarget](t, map[string]int{"target": 2}, "target") // unnamed in the interface

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
