package failpoint

import "testing"

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		h    uint64
	}{
		{"", "", 0},
		{"commit-end", "commit-end", 0},
		{" state-flattened@8 ", "state-flattened", 8},
	} {
		if name, h := parse(c.in); name != c.name || h != c.h {
			t.Errorf("parse(%q) = %q, %d; want %q, %d", c.in, name, h, c.name, c.h)
		}
	}
}

func TestUnarmedNeverFires(t *testing.T) {
	armed, minHeight = "", 0
	for _, p := range Points {
		if Armed(p, 1<<40) {
			t.Fatalf("%s armed with %s unset", p, Env)
		}
		Hit(p, 1<<40) // returns
	}
	armed, minHeight = HeadSynced, 8
	t.Cleanup(func() { armed, minHeight = "", 0 })
	if Armed(HeadSynced, 7) || Armed(CommitEnd, 9) || !Armed(HeadSynced, 8) {
		t.Fatal("Armed ignores the height or the name")
	}
}
