package load

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/internal/ethtest"
)

// Config is one load run.
type Config struct {
	URLs     []string      // RPC endpoints; senders are spread over them
	Kind     string        // "native" or "erc20"
	Senders  int           // distinct accounts, from the development keys
	Rate     int           // target transactions per second in all (0: as fast as accepted)
	Duration time.Duration // how long to submit
	MaxTxs   int           // stop after this many (0: no count limit)
	Batch    int           // transactions per JSON-RPC batch
	PIDs     []int         // node processes whose memory to report
	Log      func(format string, args ...any)
}

// Report is what a run measured.
type Report struct {
	Kind        string        `json:"kind"`
	Submitted   int64         `json:"submitted"`
	Refused     int64         `json:"refused"`
	Mined       int64         `json:"mined"`
	Window      time.Duration `json:"window"` // from the first to the last block holding load
	TPS         float64       `json:"tps"`    // mined / window
	P50         time.Duration `json:"p50"`    // submit to block seen
	P95         time.Duration `json:"p95"`
	Blocks      int           `json:"blocks"`
	MaxBlockTxs int           `json:"maxBlockTxs"`
	RSSBytes    int64         `json:"rssBytes"` // of PIDs, summed, at the end
	FirstError  string        `json:"firstError,omitempty"`
}

func (r Report) String() string {
	s := fmt.Sprintf("%s: %d submitted, %d refused, %d mined in %d blocks (max %d per block) over %.1fs: %.0f tx/s; submit-to-receipt p50 %v p95 %v",
		r.Kind, r.Submitted, r.Refused, r.Mined, r.Blocks, r.MaxBlockTxs, r.Window.Seconds(), r.TPS, r.P50.Round(time.Millisecond), r.P95.Round(time.Millisecond))
	if r.RSSBytes > 0 {
		s += fmt.Sprintf("; nodes' RSS %d MiB", r.RSSBytes>>20)
	}
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

type sender struct {
	key    *ecdsa.PrivateKey
	addr   common.Address
	nonce  uint64
	token  common.Address
	client *gethrpc.Client
}

// Run performs one load run.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Senders <= 0 {
		cfg.Senders = 20
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	if cfg.Kind != "native" && cfg.Kind != "erc20" {
		return Report{}, fmt.Errorf("kind %q: use native or erc20", cfg.Kind)
	}
	if len(cfg.URLs) == 0 {
		return Report{}, errors.New("no RPC URL given")
	}
	clients := make([]*gethrpc.Client, len(cfg.URLs))
	for i, u := range cfg.URLs {
		c, err := gethrpc.DialContext(ctx, u)
		if err != nil {
			return Report{}, fmt.Errorf("dial %s: %w", u, err)
		}
		defer c.Close()
		clients[i] = c
	}
	ec := ethclient.NewClient(clients[0])
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("eth_chainId: %w", err)
	}
	keys := ethtest.DevKeys(cfg.Senders)
	senders := make([]*sender, len(keys))
	for i, k := range keys {
		s := &sender{key: k, addr: ethtest.Address(k), client: clients[i%len(clients)]}
		if s.nonce, err = ec.PendingNonceAt(ctx, s.addr); err != nil {
			return Report{}, err
		}
		senders[i] = s
	}
	token := ethtest.Token()
	if cfg.Kind == "erc20" {
		cfg.Log("deploying %d tokens", len(senders))
		var hashes []common.Hash
		for _, s := range senders {
			tx := ethtest.Deploy(s.key, chainID.Uint64(), s.nonce, token.DeployData("Load", "LD", new(big.Int).Lsh(big.NewInt(1), 200)), 2_000_000)
			if err := ec.SendTransaction(ctx, tx); err != nil {
				return Report{}, fmt.Errorf("deploy token: %w", err)
			}
			s.token = crypto.CreateAddress(s.addr, s.nonce)
			s.nonce++
			hashes = append(hashes, tx.Hash())
		}
		if err := waitMined(ctx, ec, hashes, time.Minute); err != nil {
			return Report{}, err
		}
	}

	start, err := ec.BlockNumber(ctx)
	if err != nil {
		return Report{}, err
	}
	var (
		submitted, refused atomic.Int64
		firstErr           atomic.Value
		sentAt             sync.Map // tx hash -> time.Time
		budget             atomic.Int64
	)
	budget.Store(int64(cfg.MaxTxs))
	if cfg.MaxTxs == 0 {
		budget.Store(1 << 62)
	}
	runCtx, stop := context.WithTimeout(ctx, cfg.Duration)
	defer stop()
	perSender := 0.0
	if cfg.Rate > 0 {
		perSender = float64(cfg.Rate) / float64(len(senders))
	}
	var wg sync.WaitGroup
	for _, s := range senders {
		wg.Go(func() {
			began := time.Now()
			sent := 0
			for runCtx.Err() == nil {
				n := cfg.Batch
				if perSender > 0 {
					due := int(perSender*time.Since(began).Seconds()) - sent
					if due <= 0 {
						select {
						case <-runCtx.Done():
						case <-time.After(20 * time.Millisecond):
						}
						continue
					}
					n = min(n, due)
				}
				if budget.Add(-int64(n)) < 0 {
					return
				}
				batch := make([]gethrpc.BatchElem, n)
				hashes := make([]common.Hash, n)
				for i := range batch {
					to := common.BigToAddress(big.NewInt(int64(1000 + (sent+i)%5000)))
					var tx *types.Transaction
					if cfg.Kind == "native" {
						tx = ethtest.Transfer(s.key, chainID.Uint64(), s.nonce, to, big.NewInt(1))
					} else {
						tx = ethtest.Call(s.key, chainID.Uint64(), s.nonce, s.token, token.Pack("transfer", to, big.NewInt(1)), 60_000)
					}
					s.nonce++
					raw, _ := tx.MarshalBinary()
					hashes[i] = tx.Hash()
					batch[i] = gethrpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(raw)}, Result: new(common.Hash)}
				}
				now := time.Now()
				err := s.client.BatchCallContext(ctx, batch)
				for i, el := range batch {
					e := err
					if e == nil {
						e = el.Error
					}
					if e != nil {
						refused.Add(1)
						firstErr.CompareAndSwap(nil, e.Error())
						continue
					}
					submitted.Add(1)
					sentAt.Store(hashes[i], now)
				}
				if err != nil {
					return
				}
				sent += n
			}
		})
	}

	// Watch blocks while submitting, and until what was accepted is mined.
	var (
		latencies  []time.Duration
		mined      int64
		blocks     int
		maxTxs     int
		firstBlock time.Time
		lastBlock  time.Time
		next       = start + 1
	)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	submitting := true
	deadline := time.Now().Add(cfg.Duration + 2*time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return Report{}, ctx.Err()
		case <-done:
			submitting = false
			done = nil
		case <-tick.C:
		}
		head, err := ec.BlockNumber(ctx)
		if err != nil {
			return Report{}, err
		}
		for ; next <= head; next++ {
			var blk struct {
				Time hexutil.Uint64 `json:"timestamp"`
				Txs  []common.Hash  `json:"transactions"`
			}
			if err := clients[0].CallContext(ctx, &blk, "eth_getBlockByNumber", hexutil.Uint64(next), false); err != nil {
				return Report{}, err
			}
			seen := time.Now()
			n := 0
			for _, h := range blk.Txs {
				if t, ok := sentAt.LoadAndDelete(h); ok {
					latencies = append(latencies, seen.Sub(t.(time.Time)))
					n++
				}
			}
			if n > 0 {
				if firstBlock.IsZero() {
					firstBlock = time.Unix(int64(blk.Time), 0)
				}
				lastBlock = time.Unix(int64(blk.Time), 0)
				blocks++
				maxTxs = max(maxTxs, n)
				mined += int64(n)
			}
		}
		if !submitting && mined >= submitted.Load() {
			break
		}
	}
	r := Report{Kind: cfg.Kind, Submitted: submitted.Load(), Refused: refused.Load(), Mined: mined, Blocks: blocks, MaxBlockTxs: maxTxs}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	// Block times are whole seconds: count the window as the blocks' span
	// plus one block interval.
	if blocks > 0 {
		r.Window = lastBlock.Sub(firstBlock) + time.Second
		r.TPS = float64(mined) / r.Window.Seconds()
	}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		r.P50 = latencies[len(latencies)/2]
		r.P95 = latencies[len(latencies)*95/100]
	}
	for _, pid := range cfg.PIDs {
		r.RSSBytes += rss(pid)
	}
	return r, nil
}

func waitMined(ctx context.Context, ec *ethclient.Client, hashes []common.Hash, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for _, h := range hashes {
		for {
			r, err := ec.TransactionReceipt(ctx, h)
			if err == nil {
				if r.Status != 1 {
					return fmt.Errorf("tx %s failed", h)
				}
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s to be mined: %w", h, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

// rss is the resident memory of a process, from /proc (Linux), or 0.
func rss(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
