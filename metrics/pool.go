package metrics

import (
	"errors"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/txpool"
)

// refusals name the pool's refusals, most specific first: ErrLaneFull wraps
// ErrTxPoolOverflow, and a gate's refusal wraps governance's reason.
var refusals = []struct {
	err    error
	reason string
}{
	{txpool.ErrAlreadyKnown, "already_known"},
	{txpool.ErrLaneFull, "lane_full"},
	{txpool.ErrTxPoolOverflow, "pool_full"},
	{txpool.ErrAccountLimitExceeded, "account_limit"},
	{txpool.ErrNonceTooLow, "nonce_too_low"},
	{txpool.ErrInsufficientFunds, "insufficient_funds"},
	{txpool.ErrReplaceUnderpriced, "replace_underpriced"},
	{txpool.ErrGasLimit, "gas_limit"},
	{txpool.ErrIntrinsicGas, "intrinsic_gas"},
	{txpool.ErrFloorDataGas, "intrinsic_gas"},
	{txpool.ErrOversizedData, "oversized"},
	{txpool.ErrInvalidEncoding, "invalid_encoding"},
	{txpool.ErrInvalidSender, "invalid_sender"},
	{txpool.ErrLaneData, "lane_limits"},
	{txpool.ErrLaneGas, "lane_limits"},
	{governance.ErrNotMember, "not_member"},
	{governance.ErrNoCapital, "no_capital"},
	{governance.ErrApplyQuota, "apply_quota"},
	{governance.ErrCreateNotAllowed, "create_not_allowed"},
}

// RefusalReason is the label of a pool refusal: a short name of its kind,
// "gate" for another refusal by governance, or [Other].
func RefusalReason(err error) string {
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	var g *txpool.GateError
	if errors.As(err, &g) {
		return "gate"
	}
	return Other
}
