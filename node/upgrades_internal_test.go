package node

import (
	"slices"
	"testing"
)

// A rehearsal build's link-time list of upgrades becomes the names the node
// implements; a release's empty list, none.
func TestRehearsalUpgradeNames(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"v-next", []string{"v-next"}},
		{" v-next , v-after,,", []string{"v-next", "v-after"}},
		{",", nil},
	} {
		if got := rehearsalUpgradeNames(c.in); !slices.Equal(got, c.want) {
			t.Errorf("rehearsalUpgradeNames(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if rehearsalUpgrades != "" || knownUpgrades() != nil {
		t.Errorf("a default build implements upgrades %q (rehearsalUpgrades %q)", knownUpgrades(), rehearsalUpgrades)
	}
}
