package rpc

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/vm"
)

// JSON-RPC error codes, as go-ethereum uses them.
const (
	codeReverted      = 3      // EVM revert, with the revert data
	codeDefault       = -32000 // every other server error
	codeInvalidParams = -32602 // a parameter that cannot be served
	codeClientLimit   = -38026 // go-ethereum's errCodeClientLimitExceeded
	codeTimeout       = -32002 // go-ethereum's errcodeTimeout
)

// The texts of these errors are go-ethereum's, so that clients recognise them.
var (
	// errHeaderNotFound is returned for a state query on a block number above the head.
	errHeaderNotFound = errors.New("header not found")
	// errHashNotFound is returned for a state query on an unknown block hash.
	errHashNotFound = errors.New("header for hash not found")
	// errNotCanonical is returned when requireCanonical is set and the hash is not canonical.
	errNotCanonical = errors.New("hash is not currently canonical")
	// errNoBlockSelector is returned for a block selector with neither number nor hash.
	errNoBlockSelector = errors.New("invalid arguments; neither block nor hash specified")
	// errInvalidPercentile is returned for eth_feeHistory reward percentiles out of
	// [0, 100], not increasing, or too many.
	errInvalidPercentile = errors.New("invalid reward percentile")
	// errRequestBeyondHead is returned for eth_feeHistory ending above the head.
	errRequestBeyondHead = errors.New("request beyond head block")
	// errDataInputMismatch is returned for call arguments whose data and input differ.
	errDataInputMismatch = errors.New(`both "data" and "input" are set and not equal. Please use "input" to pass transaction call data`)
	// errBothGasPrices is returned for call arguments that mix legacy and 1559 prices.
	errBothGasPrices = errors.New("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
	// errBlobFeeCapAlone is returned for maxFeePerBlobGas without blob hashes.
	errBlobFeeCapAlone = errors.New("maxFeePerBlobGas specified without blobVersionedHashes")
	// errNoHead is returned for a query that needs the head while the node
	// has none: it is joining the network from a snapshot.
	errNoHead = errors.New("no block yet: the node is joining the network (state sync)")
	// errUnsupportedOverride is returned for an override this node cannot apply.
	errUnsupportedOverride = errors.New("override not supported")
)

// jsonError is an error with a JSON-RPC code and optional data. go-ethereum's
// server uses ErrorCode and ErrorData (rpc.Error, rpc.DataError) to build the
// error object.
type jsonError struct {
	code int
	msg  string
	data any   // nil for none
	err  error // the cause, for errors.Is
}

func (e *jsonError) Error() string  { return e.msg }
func (e *jsonError) ErrorCode() int { return e.code }
func (e *jsonError) ErrorData() any { return e.data }
func (e *jsonError) Unwrap() error  { return e.err }

// newRevertError is go-ethereum's revert error: code 3, "execution reverted"
// with the decoded Error(string) or panic reason if there is one, and the raw
// revert bytes as 0x-hex data.
func newRevertError(revert []byte) *jsonError {
	msg := vm.ErrExecutionReverted.Error()
	if reason, err := abi.UnpackRevert(revert); err == nil {
		msg = fmt.Sprintf("%s: %v", msg, reason)
	}
	return &jsonError{code: codeReverted, msg: msg, data: hexutil.Encode(revert), err: vm.ErrExecutionReverted}
}

// invalidParams is a -32602 error.
func invalidParams(format string, args ...any) *jsonError {
	return &jsonError{code: codeInvalidParams, msg: fmt.Sprintf(format, args...)}
}

// errRequestTimedOut is go-ethereum's answer to a request that outlived the
// server's request timeout. A method that sees its request cancelled answers
// the same, so the client reads one error whichever of the two is sent first.
var errRequestTimedOut = &jsonError{code: codeTimeout, msg: "request timed out", err: context.Canceled}
