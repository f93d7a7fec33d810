package txpool

import "testing"

// TestEvictionKind: every reason the pool and the app word has its kind.
func TestEvictionKind(t *testing.T) {
	for reason, want := range map[string]string{
		evictionFullPrefix + " and members' transactions go first":        EvictionLaneFull,
		"invalid in a proposal: nonce too low":                            EvictionInvalid,
		"gas limit 40000000 above the block gas limit 30000000":           EvictionGasLimit,
		"insufficient funds: balance 0":                                   EvictionFunds,
		"expired: waited 600 blocks, limit 600":                           EvictionExpired,
		evictionRefusedText + ": account is not a member's":               EvictionRefused,
		"removed from the pool":                                           EvictionRemoved,
		"expired: an account of no record's transaction waited 20 blocks": EvictionExpired,
	} {
		if got := evictionKind(reason); got != want {
			t.Errorf("evictionKind(%q) = %q, want %q", reason, got, want)
		}
	}
}
