package node

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"

	cmtlog "github.com/cometbft/cometbft/libs/log"
)

// cmtLogger lets CometBFT log through our slog handler.
//
// CometBFT logs several Info lines per block and per vote; they go to Debug,
// so that Info stays at about one line per block (the app logs "block
// committed"). A few Error lines that CometBFT prints on every clean
// shutdown or routine peer hang-up are lowered too (see cmtDemoted).
//
// halted reports whether the app has stopped the chain (an unknown
// upgrade); CometBFT's own reports of that stop, a failed FinalizeBlock and
// a "CONSENSUS FAILURE" with its stack, then go to Debug: the node logs the
// reason once when it stops.
type cmtLogger struct {
	l      *slog.Logger
	halted func() bool
	// failure, if not nil, keeps the reason of a "CONSENSUS FAILURE".
	failure *consensusFailure
	// quiet, if not nil, reports that governance does not admit this node:
	// peers then hang up on every connection, and the node has said so
	// once (see admission); their hang-ups go to Debug.
	quiet func() bool
}

func (c cmtLogger) Debug(msg string, kv ...any) { c.l.Debug(msg, fixKV(kv)...) }
func (c cmtLogger) Info(msg string, kv ...any)  { c.l.Debug(msg, fixKV(kv)...) }
func (c cmtLogger) Warn(msg string, kv ...any)  { c.l.Warn(msg, fixKV(kv)...) }
func (c cmtLogger) Error(msg string, kv ...any) {
	if msg == cmtConsensusFailure && c.failure != nil {
		c.failure.set(kvString(kv, "err"))
	}
	if _, ok := cmtHaltReports[msg]; ok && c.halted != nil && c.halted() {
		c.l.Debug(msg, fixKV(kv)...)
		return
	}
	if _, ok := cmtRefusedReports[msg]; ok && c.quiet != nil && c.quiet() {
		c.l.Debug(msg, fixKV(kv)...)
		return
	}
	if lvl, ok := cmtDemoted[msg]; ok {
		c.l.Log(context.Background(), lvl, msg, fixKV(kv)...)
		return
	}
	c.l.Error(msg, fixKV(kv)...)
}
func (c cmtLogger) With(kv ...any) cmtlog.Logger {
	return cmtLogger{l: c.l.With(fixKV(kv)...), halted: c.halted, failure: c.failure, quiet: c.quiet}
}

// cmtHaltReports are CometBFT's Error messages about a block the app refused
// to finalize.
var cmtHaltReports = map[string]struct{}{
	"error in proxyAppConn.FinalizeBlock": {},
	cmtConsensusFailure:                   {},
}

// cmtConsensusFailure is what CometBFT logs, with the panic as "err", when
// its consensus routine panics and stops.
const cmtConsensusFailure = "CONSENSUS FAILURE!!!"

// kvString is the value of key in a key-value list, as text ("" if absent).
func kvString(kv []any, key string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok && k == key {
			return fmt.Sprint(kv[i+1])
		}
	}
	return ""
}

// cmtRefusedReports are CometBFT's Error messages about peers hanging up,
// which a node governance does not admit gets on every connection.
var cmtRefusedReports = map[string]struct{}{
	"Stopping peer for error": {},
	"Error dialing peer":      {},
}

// cmtDemoted are CometBFT Error messages that need no human.
var cmtDemoted = map[string]slog.Level{
	"Stopping peer for error":                                slog.LevelInfo,
	"error stopping peer":                                    slog.LevelDebug,
	"Error stopping pool":                                    slog.LevelDebug,
	"Stopped accept routine, as transport is closed":         slog.LevelDebug,
	"Error serving server":                                   slog.LevelDebug,
	"Won't start a peer - switch is not running":             slog.LevelDebug,
	"Not stopping State service -- has not been started yet": slog.LevelDebug,
	"Error stopping consensus state":                         slog.LevelDebug,
	"Error dialing peer":                                     slog.LevelInfo,
}

// fixKV renders byte-slice values that have a String method (CometBFT's
// HexBytes: addresses, hashes) as that string instead of raw bytes.
func fixKV(kv []any) []any {
	for i, v := range kv {
		if s, ok := v.(fmt.Stringer); ok {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
				kv[i] = s.String()
			}
		}
	}
	return kv
}
