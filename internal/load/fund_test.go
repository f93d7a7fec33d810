package load

import (
	"math/big"
	"testing"
)

// TestFundShare: the senders never get more than the funding account holds
// (anvil's accounts hold 10,000 ether, less than 20 × fundAmount), and
// something is left for the funding transactions' fees.
func TestFundShare(t *testing.T) {
	ether := big.NewInt(1e18)
	for _, tc := range []struct {
		have int64 // ether
		n    int
		want int64 // ether
	}{
		{10_000, 20, 476},      // anvil: 10,000 / 21
		{1_000_000, 20, 1_000}, // geth --dev: fundAmount
		{21_000, 20, 1_000},    // exactly 21 shares of fundAmount
		{0, 20, 0},
	} {
		have := new(big.Int).Mul(big.NewInt(tc.have), ether)
		got := fundShare(have, tc.n)
		total := new(big.Int).Mul(got, big.NewInt(int64(tc.n)))
		if new(big.Int).Div(got, ether).Int64() != tc.want || total.Cmp(have) > 0 || (tc.have > 0 && total.Cmp(have) == 0) {
			t.Errorf("fundShare(%d ether, %d) = %s wei, want %d ether each and some left", tc.have, tc.n, got, tc.want)
		}
	}
	if fundShare(new(big.Int).Mul(big.NewInt(1e9), ether), 1) == fundAmount {
		t.Error("fundShare returned fundAmount itself, which a caller could change")
	}
}
