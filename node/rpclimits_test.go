package node

import (
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/rpc"
)

// viewLoopCode calls governance's collectives() view in a loop, until out of
// gas or cancelled: every iteration is governance work inside the EVM.
func viewLoopCode() []byte {
	sel := crypto.Keccak256([]byte("collectives()"))[:4]
	code := []byte{0x5b}                        // 0: JUMPDEST
	code = append(code, 0x63)                   // PUSH4 selector
	code = append(code, sel...)                 //
	code = append(code, 0x60, 0xe0, 0x1b)       // PUSH1 224 SHL
	code = append(code, 0x60, 0x00, 0x52)       // PUSH1 0 MSTORE
	code = append(code, 0x60, 0x00, 0x60, 0x00) // retSize 0, retOffset 0
	code = append(code, 0x60, 0x04, 0x60, 0x00) // argsSize 4, argsOffset 0
	code = append(code, 0x73)                   // PUSH20 governance
	code = append(code, governance.Address.Bytes()...)
	code = append(code, 0x5a, 0xfa, 0x50) // GAS STATICCALL POP
	return append(code, 0x60, 0x00, 0x56) // PUSH1 0 JUMP
}

// TestRPCGovernanceLoopTimeout: eth_call of a contract that keeps calling
// governance stops at the EVM timeout, through the node's own executor: with
// no gas cap only the timeout can end it. (eth_estimateGas's search is
// bounded by the per-transaction gas cap and, as a whole, by the same
// timeout: rpc's TestEstimateGasTimeout.)
func TestRPCGovernanceLoopTimeout(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.GasCap = 0
	cfg.EVMTimeout = 50 * time.Millisecond
	c := newTraceChainConfig(t, cfg)
	loop := common.HexToAddress("0x00000000000000000000000000000000000000ee")
	override := map[string]any{loop.Hex(): map[string]any{"code": hexutil.Bytes(viewLoopCode())}}
	args := map[string]any{"from": common.Address{1}, "to": loop, "gas": hexutil.Uint64(1 << 62)}

	start := time.Now()
	var out any
	err := c.try(&out, "eth_call", args, "latest", override)
	if err == nil || !strings.Contains(err.Error(), "execution aborted (timeout = 50ms)") {
		t.Errorf("eth_call: %v, want the 50ms timeout (after %v)", err, time.Since(start))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("eth_call took %v", d)
	}
}
