package rpc

import (
	"reflect"
	"slices"
	"unicode"

	"github.com/ethereum/go-ethereum/eth/filters"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

var subscriptionType = reflect.TypeFor[*gethrpc.Subscription]()

// Methods lists the JSON-RPC methods [NewServer] serves with cfg, as
// go-ethereum names them (namespace_lowerFirst of each exported method), for
// the node's metrics: a method outside the list is counted as "other", so
// a client cannot grow the metrics' label set. Keep it in step with the
// services NewServer registers.
func Methods(cfg Config) []string {
	services := []struct {
		name string
		typ  reflect.Type
	}{
		{"eth", reflect.TypeFor[*ethAPI]()},
		{"eth", reflect.TypeFor[*filters.FilterAPI]()},
		{"eth", reflect.TypeFor[*logsAPI]()},
		{"eth", reflect.TypeFor[*subscriptionsAPI]()},
		{"net", reflect.TypeFor[*netAPI]()},
		{"web3", reflect.TypeFor[*web3API]()},
		{"txpool", reflect.TypeFor[*txpoolAPI]()},
	}
	if cfg.Debug {
		services = append(services, struct {
			name string
			typ  reflect.Type
		}{"debug", reflect.TypeFor[*debugAPI]()})
	}
	names := []string{"rpc_modules", "eth_subscribe", "eth_unsubscribe"}
	for _, s := range services {
		for i := range s.typ.NumMethod() {
			method := s.typ.Method(i)
			if t := method.Type; t.NumOut() > 0 && t.Out(0) == subscriptionType {
				continue // served through eth_subscribe
			}
			m := []rune(method.Name)
			m[0] = unicode.ToLower(m[0])
			names = append(names, s.name+"_"+string(m))
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
