package node_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"testing"

	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"golang.org/x/sync/errgroup"

	"github.com/redmx/redmx/internal/govclient"
)

// govCall is one governance call by one key.
type govCall struct {
	key  *ecdsa.PrivateKey
	fn   string
	args []any
}

// govHarness sends governance transactions to one node of a test network
// and reads its head.
type govHarness struct {
	ctx context.Context
	gc  *govclient.Client
	ec  *ethclient.Client
}

func newGovHarness(ctx context.Context, t *testing.T, rpc string) *govHarness {
	t.Helper()
	gc, err := govclient.Dial(ctx, "http://"+rpc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gc.Close)
	ec, err := ethclient.DialContext(ctx, "http://"+rpc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ec.Close)
	return &govHarness{ctx: ctx, gc: gc, ec: ec}
}

// send is one call by the devnet's holder of role in collective, waited
// for; a refusal or failure fails the test.
func (h *govHarness) send(t *testing.T, role, collective, fn string, args ...any) *govclient.Result {
	t.Helper()
	return h.round(t, h.do(t, role, collective, fn, args...))[0]
}

// cometClient is a client of a node's CometBFT RPC (host:port).
func cometClient(t *testing.T, addr string) *cmthttp.HTTP {
	t.Helper()
	c, err := cmthttp.New("tcp://"+addr, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// do is a call by the devnet's holder of role in collective.
func (h *govHarness) do(t *testing.T, role, collective, fn string, args ...any) govCall {
	return govCall{roleKey(t, role, collective), fn, args}
}

// round sends calls in parallel, one per key, and waits for every receipt;
// any refusal or failure fails the test.
func (h *govHarness) round(t *testing.T, calls ...govCall) []*govclient.Result {
	t.Helper()
	out := make([]*govclient.Result, len(calls))
	var g errgroup.Group
	for i, c := range calls {
		g.Go(func() error {
			m, err := govclient.Method(c.fn)
			if err != nil {
				return err
			}
			res, err := h.gc.Send(h.ctx, govclient.KeySigner{Key: c.key}, m, c.args, govclient.SendOptions{})
			if err != nil {
				return fmt.Errorf("%s by %s: %w", c.fn, crypto.PubkeyToAddress(c.key.PublicKey), err)
			}
			if !res.Success {
				return fmt.Errorf("%s by %s failed: %+v", c.fn, res.From, res)
			}
			out[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// head is the latest block's number and time.
func (h *govHarness) head(t *testing.T) (number, time uint64) {
	t.Helper()
	hd, err := h.ec.HeaderByNumber(h.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return hd.Number.Uint64(), hd.Time
}

// waitBlockTime waits until a block's time reaches at.
func (h *govHarness) waitBlockTime(t *testing.T, what string, at uint64) {
	t.Helper()
	waitFor(h.ctx, t, what, func() bool { _, tm := h.head(t); return tm >= at })
}
