package governance

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// TestHandlersMatchABI: the Go side implements exactly the functions and
// events of IGovernance.sol, no more, no fewer.
func TestHandlersMatchABI(t *testing.T) {
	for name, m := range ABI.Methods {
		_, isCall := handlers[name]
		_, isView := viewHandlers[name]
		switch {
		case m.IsConstant() && !isView:
			t.Errorf("view %s has no view handler", name)
		case !m.IsConstant() && !isCall:
			t.Errorf("function %s has no handler", name)
		case isCall && isView:
			t.Errorf("%s has two handlers", name)
		}
	}
	for name := range handlers {
		if m, ok := ABI.Methods[name]; !ok || m.IsConstant() {
			t.Errorf("handler %s is not a state-changing function of the ABI", name)
		}
	}
	for name := range viewHandlers {
		if m, ok := ABI.Methods[name]; !ok || !m.IsConstant() {
			t.Errorf("view handler %s is not a view of the ABI", name)
		}
	}
	// Every view is priced; a paginated one takes (cursor, limit) last and
	// answers next last, and a view answering a list is paginated or priced
	// at a bound.
	for name := range viewHandlers {
		cost, ok := viewCosts[name]
		if !ok {
			t.Errorf("view %s has no price", name)
			continue
		}
		m := ABI.Methods[name]
		n, o := len(m.Inputs), len(m.Outputs)
		paged := n >= 2 && m.Inputs[n-2].Name == "cursor" && m.Inputs[n-1].Name == "limit" && m.Outputs[o-1].Name == "next"
		if paged != (cost.perItem != 0) {
			t.Errorf("view %s: paginated %v in the ABI, priced per item %v", name, paged, cost.perItem != 0)
		}
		if !paged && cost.fixed == 0 && slices.ContainsFunc(m.Outputs, func(a abi.Argument) bool { return a.Type.T == abi.SliceTy }) && name != "parameterNames" {
			t.Errorf("view %s answers a list but reads nothing", name)
		}
	}
	// Events: every emit names an ABI event, and every ABI event is emitted.
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`emit\("(\w+)"`)
	emitted := map[string]bool{}
	for _, f := range files {
		if filepath.Ext(f) == ".go" && !regexp.MustCompile(`_test\.go$`).MatchString(f) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				emitted[m[1]] = true
			}
		}
	}
	for name := range ABI.Events {
		if !emitted[name] {
			t.Errorf("event %s is never emitted", name)
		}
	}
	var extra []string
	for name := range emitted {
		if _, ok := ABI.Events[name]; !ok {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	if len(extra) > 0 {
		t.Errorf("emitted events not in the ABI: %v", extra)
	}
}
