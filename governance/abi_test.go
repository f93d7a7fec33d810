package governance

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
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
	for _, name := range listViews {
		if _, ok := viewHandlers[name]; !ok {
			t.Errorf("list view %s is not a view", name)
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
