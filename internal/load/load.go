package load

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
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
	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/devkeys"
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
	// NewAccounts sends every transfer to an address never used before, so
	// that each transaction adds an account (native) or a token holder
	// (erc20) to the state; otherwise the recipients are 5000 fixed ones.
	NewAccounts bool
	// InFlight bounds each sender's transactions sent and not yet mined
	// (0: no bound): the load then follows what the network mines instead
	// of filling its pools, whatever its pace.
	InFlight int
	PIDs     []int // node processes whose memory to report
	// Fund has the node's own first account (eth_accounts, as geth --dev
	// and anvil unlock one) send each sender that holds less than a
	// thousand ether that much, before the run: for comparing with other
	// development chains, whose funded accounts are not redmx's keys.
	Fund bool
	Log  func(format string, args ...any)
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
	top    uint64 // the lowest nonce never signed: those below, sent again, take no budget
	token  common.Address
	client *gethrpc.Client
}

// sign signs tx with s's key for chainID.
func (s *sender) sign(chainID uint64, tx types.TxData) *types.Transaction {
	signer := types.LatestSignerForChainID(new(big.Int).SetUint64(chainID))
	return types.MustSignNewTx(s.key, signer, tx)
}

// Run performs one load run: it deploys the senders' tokens for an erc20
// run, submits for cfg.Duration, and watches blocks until what was accepted
// is mined.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Report{}, err
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
	fees, err := nodeFees(ctx, ec)
	if err != nil {
		return Report{}, err
	}
	keys := devkeys.Keys(cfg.Senders)
	// Funded first: the funding account may be one of the senders, whose
	// nonces are read after.
	if cfg.Fund {
		if err := fund(ctx, ec, clients[0], keys, cfg.Log); err != nil {
			return Report{}, err
		}
	}
	senders, err := newSenders(ctx, ec, clients, keys)
	if err != nil {
		return Report{}, err
	}
	token := contracts.Token()
	if cfg.Kind == "erc20" {
		cfg.Log("deploying %d tokens", len(senders))
		if err := deployTokens(ctx, ec, senders, chainID.Uint64(), token, fees); err != nil {
			return Report{}, err
		}
	}
	start, err := ec.BlockNumber(ctx)
	if err != nil {
		return Report{}, err
	}
	sub := &submission{cfg: cfg, chainID: chainID.Uint64(), token: token, fees: fees}
	runCtx, stop := context.WithTimeout(ctx, cfg.Duration)
	defer stop()
	done := sub.start(ctx, runCtx, senders)
	w := &watch{sub: sub, next: start + 1}
	if err := w.run(ctx, ec, clients[0], done); err != nil {
		return Report{}, err
	}
	return w.report(), nil
}

// withDefaults checks c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Senders <= 0 {
		c.Senders = 20
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
	if c.Kind != "native" && c.Kind != "erc20" {
		return c, fmt.Errorf("kind %q: use native or erc20", c.Kind)
	}
	if len(c.URLs) == 0 {
		return c, errors.New("no RPC URL given")
	}
	return c, nil
}

// newSenders makes a sender of each key, spread over clients, each at its
// pending nonce.
func newSenders(ctx context.Context, ec *ethclient.Client, clients []*gethrpc.Client, keys []*ecdsa.PrivateKey) ([]*sender, error) {
	senders := make([]*sender, len(keys))
	for i, k := range keys {
		s := &sender{key: k, addr: crypto.PubkeyToAddress(k.PublicKey), client: clients[i%len(clients)]}
		var err error
		if s.nonce, err = ec.PendingNonceAt(ctx, s.addr); err != nil {
			return nil, err
		}
		senders[i] = s
	}
	return senders, nil
}

// fees is what the load's transactions offer to pay per gas: nothing on
// redmx, whose gas price is zero; on a chain with fees, twice the gas price
// the node suggests, so that a base fee rising under the load does not
// leave them behind.
type fees struct{ cap, tip *big.Int }

func nodeFees(ctx context.Context, ec *ethclient.Client) (fees, error) {
	price, err := ec.SuggestGasPrice(ctx)
	if err != nil {
		return fees{}, fmt.Errorf("eth_gasPrice: %w", err)
	}
	if price.Sign() == 0 {
		return fees{new(big.Int), new(big.Int)}, nil
	}
	tip, err := ec.SuggestGasTipCap(ctx)
	if err != nil {
		return fees{}, fmt.Errorf("eth_maxPriorityFeePerGas: %w", err)
	}
	feeCap := new(big.Int).Mul(price, big.NewInt(2))
	if tip.Cmp(feeCap) > 0 {
		tip = feeCap
	}
	return fees{feeCap, tip}, nil
}

// fundAmount is the most Config.Fund gives each sender: a thousand ether.
var fundAmount = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))

// fund sends a share of the node's first account's balance (fundShare:
// anvil's accounts hold 10,000 ether, less than 20 senders' thousand each)
// to each key's account that holds less, and waits until all are mined.
func fund(ctx context.Context, ec *ethclient.Client, client *gethrpc.Client, keys []*ecdsa.PrivateKey, logf func(string, ...any)) error {
	var accounts []common.Address
	if err := client.CallContext(ctx, &accounts, "eth_accounts"); err != nil {
		return fmt.Errorf("eth_accounts: %w", err)
	}
	if len(accounts) == 0 {
		return errors.New("--fund: the node has no account of its own to fund the senders from (geth --dev and anvil have one)")
	}
	have, err := ec.BalanceAt(ctx, accounts[0], nil)
	if err != nil {
		return err
	}
	amount := fundShare(have, len(keys))
	if amount.Sign() == 0 {
		return fmt.Errorf("--fund: the node's account %s holds nothing to fund the senders with", accounts[0])
	}
	var hashes []common.Hash
	for _, k := range keys {
		addr := crypto.PubkeyToAddress(k.PublicKey)
		bal, err := ec.BalanceAt(ctx, addr, nil)
		if err != nil {
			return err
		}
		if bal.Cmp(amount) >= 0 {
			continue
		}
		var h common.Hash
		arg := map[string]any{"from": accounts[0], "to": addr, "value": (*hexutil.Big)(amount)}
		if err := client.CallContext(ctx, &h, "eth_sendTransaction", arg); err != nil {
			return fmt.Errorf("fund %s from %s: %w", addr, accounts[0], err)
		}
		hashes = append(hashes, h)
	}
	logf("funding %d senders from %s", len(hashes), accounts[0])
	return waitMined(ctx, ec, hashes, time.Minute)
}

// fundShare is what each of n senders is funded with from have: an equal
// share, fundAmount at most, with one share kept back for the funding
// transactions' fees.
func fundShare(have *big.Int, n int) *big.Int {
	share := new(big.Int).Div(have, big.NewInt(int64(n)+1))
	if share.Cmp(fundAmount) > 0 {
		return new(big.Int).Set(fundAmount)
	}
	return share
}

// deployTokens deploys a token for every sender and waits until all are
// mined.
func deployTokens(ctx context.Context, ec *ethclient.Client, senders []*sender, chainID uint64, token contracts.Contract, f fees) error {
	var hashes []common.Hash
	for _, s := range senders {
		tx := s.sign(chainID, &types.DynamicFeeTx{Nonce: s.nonce, Gas: 2_000_000, Data: token.DeployData("Load", "LD", new(big.Int).Lsh(big.NewInt(1), 200)), GasFeeCap: f.cap, GasTipCap: f.tip})
		if err := ec.SendTransaction(ctx, tx); err != nil {
			return fmt.Errorf("deploy token: %w", err)
		}
		s.token = crypto.CreateAddress(s.addr, s.nonce)
		s.nonce++
		hashes = append(hashes, tx.Hash())
	}
	return waitMined(ctx, ec, hashes, time.Minute)
}

// submission is the senders' submitting, and what it counted.
type submission struct {
	cfg     Config
	chainID uint64
	token   contracts.Contract
	fees    fees

	submitted, refused atomic.Int64
	firstErr           atomic.Value
	sentAt             sync.Map // tx hash -> time.Time
	budget             atomic.Int64
}

// start has every sender submit, in batches, until runCtx ends or the
// budget of cfg.MaxTxs is spent; the channel is closed when all stopped.
func (sub *submission) start(ctx, runCtx context.Context, senders []*sender) <-chan struct{} {
	sub.budget.Store(int64(sub.cfg.MaxTxs))
	if sub.cfg.MaxTxs == 0 {
		sub.budget.Store(1 << 62)
	}
	perSender := 0.0
	if sub.cfg.Rate > 0 {
		perSender = float64(sub.cfg.Rate) / float64(len(senders))
	}
	var wg sync.WaitGroup
	for _, s := range senders {
		wg.Go(func() { sub.send(ctx, runCtx, s, perSender) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	return done
}

// send submits s's transactions until runCtx ends, at perSender
// transactions a second (0: as fast as accepted).
func (sub *submission) send(ctx, runCtx context.Context, s *sender, perSender float64) {
	began := time.Now()
	sent := 0
	for runCtx.Err() == nil {
		n := sub.cfg.Batch
		if perSender > 0 {
			due := int(perSender*time.Since(began).Seconds()) - sent
			if due <= 0 {
				wait(runCtx, 20*time.Millisecond)
				continue
			}
			n = min(n, due)
		}
		if sub.cfg.InFlight > 0 {
			var mined hexutil.Uint64
			if err := s.client.CallContext(runCtx, &mined, "eth_getTransactionCount", s.addr, "latest"); err != nil {
				if runCtx.Err() == nil {
					sub.firstErr.CompareAndSwap(nil, err.Error())
				}
				return
			}
			room := sub.cfg.InFlight - int(s.nonce-uint64(mined))
			if room <= 0 {
				wait(runCtx, 50*time.Millisecond)
				continue
			}
			n = min(n, room)
		}
		again := min(n, int(s.top-min(s.nonce, s.top)))
		if n = again + sub.take(n-again); n == 0 {
			return
		}
		first := s.nonce
		batch, hashes := sub.batch(s, n)
		now := time.Now()
		err := s.client.BatchCallContext(ctx, batch)
		refused := 0
		for i, el := range batch {
			e := err
			if e == nil {
				e = el.Error
			}
			if e != nil && first+uint64(i) < s.top && takenBefore(e) {
				continue // sent again after a refusal below it: counted then
			}
			if e != nil {
				sub.refused.Add(1)
				sub.firstErr.CompareAndSwap(nil, e.Error())
				if refused == 0 {
					s.nonce = first + uint64(i)
				}
				refused++
				continue
			}
			sent++
			sub.submitted.Add(1)
			sub.sentAt.Store(hashes[i], now)
		}
		if err != nil {
			return
		}
		s.top = max(s.top, first+uint64(n))
		if refused > 0 {
			// The refused nonce is sent again (the pool may be full for a
			// while): a gap would hold the sender's later transactions in
			// the pool for good. What followed it is sent again too, as the
			// same transactions, which the node already knows.
			wait(runCtx, 50*time.Millisecond)
		}
	}
}

// takenBefore says a node's refusal of a transaction sent again is that it
// has it pooled or mined: the errors' texts are go-ethereum's, which the
// JSON-RPC error carries.
func takenBefore(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, gethpool.ErrAlreadyKnown.Error()) || strings.Contains(msg, core.ErrNonceTooLow.Error())
}

// wait waits d, or until ctx ends.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// take takes up to n transactions from the budget and says how many.
func (sub *submission) take(n int) int {
	for {
		left := sub.budget.Load()
		k := min(int64(n), left)
		if k <= 0 {
			return 0
		}
		if sub.budget.CompareAndSwap(left, left-k) {
			return int(k)
		}
	}
}

// batch signs s's next n transactions, each to one of 5000 recipients by
// its nonce (or to a new address, with NewAccounts), as a batch of
// eth_sendRawTransaction. A nonce is always signed as the same
// transaction, so that one sent again is the same.
func (sub *submission) batch(s *sender, n int) ([]gethrpc.BatchElem, []common.Hash) {
	batch := make([]gethrpc.BatchElem, n)
	hashes := make([]common.Hash, n)
	for i := range batch {
		to := common.BigToAddress(new(big.Int).SetUint64(1000 + s.nonce%5000))
		if sub.cfg.NewAccounts {
			to = NewAccount(s.addr, s.nonce)
		}
		var tx *types.Transaction
		if sub.cfg.Kind == "native" {
			tx = s.sign(sub.chainID, &types.LegacyTx{Nonce: s.nonce, To: &to, Value: big.NewInt(1), Gas: 21_000, GasPrice: sub.fees.cap})
		} else {
			tx = s.sign(sub.chainID, &types.DynamicFeeTx{Nonce: s.nonce, To: &s.token, Gas: 60_000, Data: sub.token.Pack("transfer", to, big.NewInt(1)), GasFeeCap: sub.fees.cap, GasTipCap: sub.fees.tip})
		}
		s.nonce++
		raw, _ := tx.MarshalBinary()
		hashes[i] = tx.Hash()
		batch[i] = gethrpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(raw)}, Result: new(common.Hash)}
	}
	return batch, hashes
}

// NewAccount is the recipient of from's transaction with nonce: an address
// no key controls and no other sender or nonce maps to.
func NewAccount(from common.Address, nonce uint64) common.Address {
	return common.BytesToAddress(crypto.Keccak256([]byte("redmx/load"), from.Bytes(), binary.BigEndian.AppendUint64(nil, nonce)))
}

// watch follows the blocks holding the submission's transactions.
type watch struct {
	sub        *submission
	next       uint64 // the next block to read
	latencies  []time.Duration
	mined      int64
	blocks     int
	maxTxs     int
	firstBlock time.Time
	lastBlock  time.Time
}

// run reads blocks while the submission lasts (done open), and until what
// it submitted is mined, within 2 minutes after cfg.Duration.
func (w *watch) run(ctx context.Context, ec *ethclient.Client, client *gethrpc.Client, done <-chan struct{}) error {
	submitting := true
	deadline := time.Now().Add(w.sub.cfg.Duration + 2*time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-done:
			submitting = false
			done = nil
		case <-tick.C:
		}
		head, err := ec.BlockNumber(ctx)
		if err != nil {
			return err
		}
		for ; w.next <= head; w.next++ {
			if err := w.block(ctx, client, w.next); err != nil {
				return err
			}
		}
		if !submitting && w.mined >= w.sub.submitted.Load() {
			break
		}
	}
	return nil
}

// block counts the submitted transactions of block n.
func (w *watch) block(ctx context.Context, client *gethrpc.Client, n uint64) error {
	var blk struct {
		Time hexutil.Uint64 `json:"timestamp"`
		Txs  []common.Hash  `json:"transactions"`
	}
	if err := client.CallContext(ctx, &blk, "eth_getBlockByNumber", hexutil.Uint64(n), false); err != nil {
		return err
	}
	seen := time.Now()
	count := 0
	for _, h := range blk.Txs {
		if t, ok := w.sub.sentAt.LoadAndDelete(h); ok {
			w.latencies = append(w.latencies, seen.Sub(t.(time.Time)))
			count++
		}
	}
	if count > 0 {
		if w.firstBlock.IsZero() {
			w.firstBlock = time.Unix(int64(blk.Time), 0)
		}
		w.lastBlock = time.Unix(int64(blk.Time), 0)
		w.blocks++
		w.maxTxs = max(w.maxTxs, count)
		w.mined += int64(count)
	}
	return nil
}

// report sums up the run.
func (w *watch) report() Report {
	sub := w.sub
	r := Report{Kind: sub.cfg.Kind, Submitted: sub.submitted.Load(), Refused: sub.refused.Load(), Mined: w.mined, Blocks: w.blocks, MaxBlockTxs: w.maxTxs}
	if e, ok := sub.firstErr.Load().(string); ok {
		r.FirstError = e
	}
	// Block times are whole seconds: count the window as the blocks' span
	// plus one block interval.
	if w.blocks > 0 {
		r.Window = w.lastBlock.Sub(w.firstBlock) + time.Second
		r.TPS = float64(w.mined) / r.Window.Seconds()
	}
	if len(w.latencies) > 0 {
		slices.Sort(w.latencies)
		r.P50 = w.latencies[len(w.latencies)/2]
		r.P95 = w.latencies[len(w.latencies)*95/100]
	}
	for _, pid := range sub.cfg.PIDs {
		r.RSSBytes += rss(pid)
	}
	return r
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
