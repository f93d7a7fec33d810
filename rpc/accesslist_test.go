package rpc_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/rpc"
)

func TestCreateAccessList(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	caller := common.HexToAddress("0xca11")
	reader := common.HexToAddress("0x5ead")
	// caller STATICCALLs reader, which loads slot 1; caller also reads the
	// balance of the identity precompile, which is never listed.
	callerCode := []byte{byte(vm.PUSH1), 0, byte(vm.PUSH1), 0, byte(vm.PUSH1), 0, byte(vm.PUSH1), 0, byte(vm.PUSH20)}
	callerCode = append(callerCode, reader.Bytes()...)
	callerCode = append(callerCode, byte(vm.GAS), byte(vm.STATICCALL), byte(vm.PUSH1), 4, byte(vm.BALANCE), byte(vm.STOP))
	readerCode := []byte{byte(vm.PUSH1), 1, byte(vm.SLOAD), byte(vm.STOP)}
	overrides := map[common.Address]any{
		caller: map[string]any{"code": hexutil.Bytes(callerCode)},
		reader: map[string]any{"code": hexutil.Bytes(readerCode)},
	}

	var got struct {
		AccessList types.AccessList `json:"accessList"`
		GasUsed    hexutil.Uint64   `json:"gasUsed"`
		Error      string           `json:"error"`
	}
	result(t, url, &got, "eth_createAccessList", map[string]any{"from": addr0, "to": caller}, "latest", overrides)
	want := types.AccessList{{Address: reader, StorageKeys: []common.Hash{common.HexToHash("0x1")}}}
	if len(got.AccessList) != 1 || got.AccessList[0].Address != want[0].Address || len(got.AccessList[0].StorageKeys) != 1 || got.AccessList[0].StorageKeys[0] != want[0].StorageKeys[0] {
		t.Fatalf("access list %+v, want %+v", got.AccessList, want)
	}
	if got.Error != "" || got.GasUsed == 0 {
		t.Errorf("error %q gasUsed %d", got.Error, got.GasUsed)
	}

	// With the list, the call costs less than without it, by EIP-2930's rules.
	var plain hexutil.Uint64
	result(t, url, &plain, "eth_estimateGas", map[string]any{"from": addr0, "to": caller}, "latest", overrides)
	if uint64(got.GasUsed) >= uint64(plain) {
		t.Errorf("gasUsed with the list %d, estimate without %d", got.GasUsed, plain)
	}

	// A reverting call still answers, with the error.
	result(t, url, &got, "eth_createAccessList", map[string]any{"from": addr0, "to": revertAddr}, "latest")
	if got.Error != "execution reverted" || len(got.AccessList) != 0 {
		t.Errorf("reverting call: %+v", got)
	}
}
