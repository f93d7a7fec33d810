package rpc

import (
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum/eth/filters"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/rs/cors"

	"github.com/redmx/redmx/internal/devkeys"
)

// NewServer registers the eth, net, web3 and txpool services over b, and the
// debug service if cfg.Debug, on a new go-ethereum rpc server (which also
// serves rpc_modules). The eth
// namespace includes go-ethereum's filter API (logs, filters, subscriptions),
// whose goroutines end when b's event subscriptions end.
func NewServer(b Backend, cfg Config) (*gethrpc.Server, error) {
	srv := gethrpc.NewServer()
	srv.SetBatchLimits(cfg.BatchItemLimit, cfg.BatchResponseMaxSize)
	if cfg.HTTPBodyLimit > 0 {
		srv.SetHTTPBodyLimit(cfg.HTTPBodyLimit)
	}
	expensive := newGate("expensive requests", cfg.MaxExpensiveRequests, cfg.MaxExpensiveRequestsPerClient, cfg.ExpensiveQueueWait)
	eth := &ethAPI{b: b, cfg: cfg, chainID: new(big.Int).SetUint64(b.ChainID()), expensive: expensive, accounts: devkeys.Keys(cfg.DevAccounts)}
	if cfg.WSReadLimit > 0 {
		srv.SetWebsocketReadLimit(cfg.WSReadLimit)
	}
	// RangeLimit stays 0: logsAPI checks the range once tags are resolved.
	filterAPI := filters.NewFilterAPI(filters.NewFilterSystem(newFilterBackend(b), filters.Config{
		Timeout:       cfg.FilterTimeout,
		LogQueryLimit: logsMaxCriteria,
	}))
	// Services registered later under the same name override methods of the
	// same name: logsAPI and subscriptionsAPI wrap some of filterAPI's.
	services := []struct {
		name string
		api  any
	}{
		{"eth", eth},
		{"eth", filterAPI},
		{"eth", newLogsAPI(b, filterAPI, cfg, expensive)},
		{"eth", newSubscriptionsAPI(filterAPI, cfg.MaxSubscriptionsPerConnection)},
		{"net", &netAPI{b: b}},
		{"web3", &web3API{b: b}},
		{"txpool", &txpoolAPI{b: b, chainID: eth.chainID}},
	}
	if cfg.Debug {
		traces := newGate("traces", cfg.MaxConcurrentTraces, 0, cfg.ExpensiveQueueWait)
		services = append(services, struct {
			name string
			api  any
		}{"debug", &debugAPI{b: b, eth: eth, traces: traces}})
	}
	for _, s := range services {
		if err := srv.RegisterName(s.name, s.api); err != nil {
			srv.Stop()
			return nil, fmt.Errorf("register %s service: %w", s.name, err)
		}
	}
	return srv, nil
}

// Handler serves srv on one port: WebSocket upgrades (checked against
// cfg.WSOrigins) and HTTP JSON-RPC, the latter behind go-ethereum's
// virtual-host and CORS checks (node/rpcstack.go).
func Handler(srv *gethrpc.Server, cfg Config) http.Handler {
	ws := srv.WebsocketHandler(cfg.WSOrigins)
	h := newVHostHandler(cfg.VirtualHosts, newCorsHandler(srv, cfg.CORS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) {
			ws.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// NewHTTPServer is an http.Server for h (Handler's) with cfg's timeouts.
// go-ethereum's server ends the handling of an HTTP request a little before
// the write timeout with a "request timed out" error, so the write timeout
// bounds every HTTP request. WebSocket connections are not bound by them:
// go-ethereum's pings find dead ones.
func NewHTTPServer(h http.Handler, cfg Config) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadTimeout:       cfg.HTTPReadTimeout,
		ReadHeaderTimeout: cfg.HTTPReadHeaderTimeout,
		WriteTimeout:      cfg.HTTPWriteTimeout,
		IdleTimeout:       cfg.HTTPIdleTimeout,
	}
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

// newCorsHandler is go-ethereum's: no CORS headers unless origins are given.
func newCorsHandler(next http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return next
	}
	c := cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodPost, http.MethodGet},
		AllowedHeaders: []string{"*"},
		MaxAge:         600,
	})
	return c.Handler(next)
}

// vhostHandler refuses requests whose Host is a name not in the list, which
// guards against DNS rebinding. IP addresses and an absent Host pass.
type vhostHandler struct {
	vhosts map[string]struct{}
	next   http.Handler
}

func newVHostHandler(vhosts []string, next http.Handler) http.Handler {
	m := make(map[string]struct{}, len(vhosts))
	for _, v := range vhosts {
		m[strings.ToLower(v)] = struct{}{}
	}
	return &vhostHandler{vhosts: m, next: next}
}

func (h *vhostHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Host == "" {
		h.next.ServeHTTP(w, r)
		return
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host // no port, or malformed
	}
	host = strings.ToLower(host)
	if net.ParseIP(host) != nil {
		h.next.ServeHTTP(w, r)
		return
	}
	_, all := h.vhosts["*"]
	_, ok := h.vhosts[host]
	if !all && !ok {
		http.Error(w, "invalid host specified", http.StatusForbidden)
		return
	}
	h.next.ServeHTTP(w, r)
}
