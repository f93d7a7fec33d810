package rpc

import (
	"context"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/eth/filters"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// subscriptionsAPI overrides go-ethereum's eth_subscribe kinds (newHeads,
// logs, newPendingTransactions, transactionReceipts) to cap the live
// subscriptions of one connection.
//
// A connection is known by its transport and remote address (go-ethereum's
// PeerInfo), which are unique among open connections. A subscription stops
// counting when its Err channel closes: on eth_unsubscribe or when the
// connection closes.
type subscriptionsAPI struct {
	inner *filters.FilterAPI
	max   int // 0: no limit

	mu   sync.Mutex
	live map[string]int // by connection
}

func newSubscriptionsAPI(inner *filters.FilterAPI, max int) *subscriptionsAPI {
	return &subscriptionsAPI{inner: inner, max: max, live: make(map[string]int)}
}

// NewHeads sends each new block header.
func (s *subscriptionsAPI) NewHeads(ctx context.Context) (*gethrpc.Subscription, error) {
	return s.limit(ctx, func() (*gethrpc.Subscription, error) { return s.inner.NewHeads(ctx) })
}

// Logs sends each new log that matches crit.
func (s *subscriptionsAPI) Logs(ctx context.Context, crit filters.FilterCriteria) (*gethrpc.Subscription, error) {
	return s.limit(ctx, func() (*gethrpc.Subscription, error) { return s.inner.Logs(ctx, crit) })
}

// NewPendingTransactions sends the hash of each transaction the pool accepts,
// or the transaction itself if fullTx is true.
func (s *subscriptionsAPI) NewPendingTransactions(ctx context.Context, fullTx *bool) (*gethrpc.Subscription, error) {
	return s.limit(ctx, func() (*gethrpc.Subscription, error) { return s.inner.NewPendingTransactions(ctx, fullTx) })
}

// TransactionReceipts sends the receipts of each new block, or of the given
// transactions only.
func (s *subscriptionsAPI) TransactionReceipts(ctx context.Context, q *filters.TransactionReceiptsQuery) (*gethrpc.Subscription, error) {
	return s.limit(ctx, func() (*gethrpc.Subscription, error) { return s.inner.TransactionReceipts(ctx, q) })
}

// limit runs subscribe if the connection has room for one more subscription,
// and counts it while it lives.
func (s *subscriptionsAPI) limit(ctx context.Context, subscribe func() (*gethrpc.Subscription, error)) (*gethrpc.Subscription, error) {
	if _, ok := gethrpc.NotifierFromContext(ctx); !ok {
		return &gethrpc.Subscription{}, gethrpc.ErrNotificationsUnsupported
	}
	peer := gethrpc.PeerInfoFromContext(ctx)
	conn := peer.Transport + " " + peer.RemoteAddr
	s.mu.Lock()
	if s.max > 0 && s.live[conn] >= s.max {
		s.mu.Unlock()
		return nil, &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("too many subscriptions on this connection: limit %d", s.max)}
	}
	s.live[conn]++
	s.mu.Unlock()

	sub, err := subscribe()
	if err != nil {
		s.release(conn)
		return nil, err
	}
	go func() {
		<-sub.Err()
		s.release(conn)
	}()
	return sub, nil
}

func (s *subscriptionsAPI) release(conn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live[conn]--; s.live[conn] <= 0 {
		delete(s.live, conn)
	}
}
