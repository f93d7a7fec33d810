package testnet

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"golang.org/x/sync/errgroup"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/govclient"
)

// Gov sends governance transactions to one node of a network over its
// JSON-RPC, as the devnet's role holders ([devnet.Roles]), and reads its
// head: the tests' way to drive meetings, votes and applications.
type Gov struct {
	ctx context.Context
	gc  *govclient.Client
	ec  *ethclient.Client
}

// GovCall is one governance call by one key.
type GovCall struct {
	key  *ecdsa.PrivateKey
	fn   string
	args []any
}

// govCallTimeout bounds each call's wait for its receipt.
const govCallTimeout = 45 * time.Second

// DialGov connects to the node whose JSON-RPC is at rpc (host:port), until
// t ends.
func DialGov(ctx context.Context, t TB, rpc string) *Gov {
	t.Helper()
	gc, err := govclient.Dial(ctx, "http://"+rpc)
	if err != nil {
		t.Fatalf("dial %s: %v", rpc, err)
	}
	t.Cleanup(gc.Close)
	ec, err := ethclient.DialContext(ctx, "http://"+rpc)
	if err != nil {
		t.Fatalf("dial %s: %v", rpc, err)
	}
	t.Cleanup(ec.Close)
	return &Gov{ctx: ctx, gc: gc, ec: ec}
}

// RoleKey is the key of the devnet's first holder of role in collective;
// it fails t if there is none.
func RoleKey(t TB, role, collective string) *ecdsa.PrivateKey {
	t.Helper()
	for _, r := range devnet.Roles() {
		if r.Role == role && r.Collective == collective {
			return r.Key
		}
	}
	t.Fatalf("no %s of %s among the devnet's roles", role, collective)
	return nil
}

// Do is a call by the devnet's holder of role in collective, for [Gov.Round].
func (g *Gov) Do(t TB, role, collective, fn string, args ...any) GovCall {
	t.Helper()
	return GovCall{RoleKey(t, role, collective), fn, args}
}

// Send is one call by the devnet's holder of role in collective, waited
// for; a refusal or failure fails t.
func (g *Gov) Send(t TB, role, collective, fn string, args ...any) *govclient.Result {
	t.Helper()
	return g.Round(t, g.Do(t, role, collective, fn, args...))[0]
}

// Round sends calls in parallel, one per key, and waits for every receipt;
// any refusal or failure fails t.
func (g *Gov) Round(t TB, calls ...GovCall) []*govclient.Result {
	t.Helper()
	out := make([]*govclient.Result, len(calls))
	var eg errgroup.Group
	for i, c := range calls {
		eg.Go(func() error {
			m, err := govclient.Method(c.fn)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(g.ctx, govCallTimeout)
			defer cancel()
			res, err := g.gc.Send(ctx, govclient.KeySigner{Key: c.key}, m, c.args, govclient.SendOptions{})
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
	if err := eg.Wait(); err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// View calls a governance view and returns its outputs by name.
func (g *Gov) View(t TB, fn string, args ...any) map[string]any {
	t.Helper()
	m, err := govclient.Method(fn)
	if err != nil {
		t.Fatalf("%v", err)
	}
	ctx, cancel := context.WithTimeout(g.ctx, govCallTimeout)
	defer cancel()
	fields, err := g.gc.View(ctx, m, args)
	if err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		out[f.Name] = f.Value
	}
	return out
}

// Head is the node's latest block number and time.
func (g *Gov) Head(t TB) (number, time uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(g.ctx, govCallTimeout)
	defer cancel()
	hd, err := g.ec.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	return hd.Number.Uint64(), hd.Time
}

// WaitBlockTime waits until the node's head has a time of at least at.
func (g *Gov) WaitBlockTime(t TB, what string, at uint64) {
	t.Helper()
	WaitFor(g.ctx, t, what, func() error {
		if _, tm := g.Head(t); tm < at {
			return fmt.Errorf("block time %d, waiting for %d", tm, at)
		}
		return nil
	})
}

// EventArg is the argument arg of the first event called name in res; it
// fails t if there is none.
func EventArg(t TB, res *govclient.Result, name, arg string) any {
	t.Helper()
	for _, ev := range res.Events {
		if ev.Name != name {
			continue
		}
		for _, f := range ev.Fields {
			if f.Name == arg {
				return f.Value
			}
		}
	}
	t.Fatalf("no %s(%s) among %+v", name, arg, res.Events)
	return nil
}

// Client is the governance client, for calls a test makes itself (a refusal
// it expects, a view it decodes).
func (g *Gov) Client() *govclient.Client { return g.gc }

// Eth is an Ethereum client of the same node.
func (g *Gov) Eth() *ethclient.Client { return g.ec }

// KeyCall is a call by key, any account's, for [Gov.Round].
func KeyCall(key *ecdsa.PrivateKey, fn string, args ...any) GovCall {
	return GovCall{key, fn, args}
}
