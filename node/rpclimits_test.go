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

// TestRPCGovernanceLoopTimeout: eth_call and eth_estimateGas of a contract
// that keeps calling governance stop at the EVM timeout, through the node's
// own executor.
func TestRPCGovernanceLoopTimeout(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.EVMTimeout = time.Millisecond
	c := newTraceChainConfig(t, cfg)
	loop := common.HexToAddress("0x00000000000000000000000000000000000000ee")
	override := map[string]any{loop.Hex(): map[string]any{"code": hexutil.Bytes(viewLoopCode())}}
	args := map[string]any{"from": common.Address{1}, "to": loop}

	for _, method := range []string{"eth_call", "eth_estimateGas"} {
		start := time.Now()
		var out any
		err := c.try(&out, method, args, "latest", override)
		if err == nil || !strings.Contains(err.Error(), "execution aborted (timeout = 1ms)") {
			t.Errorf("%s: %v, want the 1ms timeout", method, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", method, d)
		}
	}
}
