package config

import (
	"errors"
	"fmt"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// CometBFT settings redmx chooses. See [CometBFTDefaults].
const (
	// ReapInterval is how often CometBFT polls the app's pool for transactions
	// to gossip. CometBFT's 500 ms default adds up to half a second to every
	// transaction's trip to the proposer.
	ReapInterval = 50 * time.Millisecond
	// P2PRate is the per-peer send and receive rate, in bytes per second: ten
	// times CometBFT's 5 MB/s, at which a 5 MB block took 7.7 s to propagate.
	P2PRate = 51_200_000
	// TimeoutCommit is the pause after a commit before the next height starts:
	// with the app-side mempool a block is proposed every TimeoutCommit plus
	// the time to build, check, vote on and commit it. 500 ms gives blocks
	// about every 0.6 s when idle and about every second under load (4
	// validators on one 2-core machine, 1,500 transfers a second).
	TimeoutCommit = 500 * time.Millisecond
	// PeerGossipSleep is how long consensus gossip routines sleep when they
	// have nothing to send. At CometBFT's 100 ms each consensus step could
	// wait that long, adding ~200 ms to every block on a LAN.
	PeerGossipSleep = 20 * time.Millisecond
)

// CometBFTDefaults returns CometBFT's defaults with redmx's choices applied:
//   - mempool.type "app": the app keeps the pool (txpool), CometBFT only gossips;
//     reap_interval 50 ms.
//   - tx_index.indexer "null": the Ethereum chain index replaces CometBFT's
//     (the kv indexer cost ~44 % of the CPU under load).
//   - p2p send_rate / recv_rate 50 MB/s; max_packet_msg_payload_size stays at
//     CometBFT's default, since a node drops any peer whose packets exceed its
//     own limit and a mixed network would split.
//   - consensus timeout_commit 500 ms (about a block a second under load) and
//     peer_gossip_sleep_duration 20 ms (votes and block parts move without
//     100 ms pauses); other timeouts are CometBFT's.
//   - instrumentation.prometheus off; CometBFT's RPC on loopback only.
//   - filter_peers on: CometBFT asks the app (ABCI Query /p2p/filter/...)
//     whether a peer may connect, and governance answers.
//   - storage.discard_abci_responses on: CometBFT's copy of every block's
//     results (for its /block_results) is not kept; the Ethereum receipts
//     serve them. It was ~0.9 KB per block and ~90 bytes per transaction.
//   - log_format/log_level are ignored: redmx logs through [LogConfig].
//
// Devnet-only settings (addr_book_strict, allow_duplicate_ip, ports, peers)
// are applied by the devnet layout, not here.
func CometBFTDefaults() *cmtcfg.Config {
	c := cmtcfg.DefaultConfig()
	c.ProxyApp = "" // the app runs in process
	c.FilterPeers = true
	c.Mempool.Type = cmtcfg.MempoolTypeApp
	c.Mempool.ReapInterval = ReapInterval
	c.TxIndex.Indexer = "null"
	c.Storage.DiscardABCIResponses = true
	c.P2P.SendRate = P2PRate
	c.P2P.RecvRate = P2PRate
	c.Consensus.TimeoutCommit = TimeoutCommit
	c.Consensus.PeerGossipSleepDuration = PeerGossipSleep
	c.Instrumentation.Prometheus = false
	c.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	return c
}

// ErrCometBFTSetting is returned by [CheckCometBFT] for a CometBFT setting
// redmx cannot run with.
var ErrCometBFTSetting = errors.New("unsupported CometBFT setting")

// CheckCometBFT reports CometBFT settings redmx cannot run with (an error) and
// settings that work but cost performance (warnings, to log).
func CheckCometBFT(c *cmtcfg.Config) (warnings []string, err error) {
	if c.Mempool.Type != cmtcfg.MempoolTypeApp {
		return nil, fmt.Errorf("%w: mempool.type = %q: redmx keeps its own pool and needs %q",
			ErrCometBFTSetting, c.Mempool.Type, cmtcfg.MempoolTypeApp)
	}
	if c.P2P.LibP2PEnabled() {
		return nil, fmt.Errorf("%w: p2p.libp2p.enabled = true: experimental, not supported by redmx", ErrCometBFTSetting)
	}
	if c.TxIndex.Indexer != "null" {
		warnings = append(warnings, fmt.Sprintf("tx_index.indexer = %q duplicates the Ethereum chain index and costs CPU; redmx uses \"null\"", c.TxIndex.Indexer))
	}
	if c.Mempool.ReapInterval > 200*time.Millisecond {
		warnings = append(warnings, fmt.Sprintf("mempool.reap_interval = %s delays transaction gossip; redmx uses %s", c.Mempool.ReapInterval, ReapInterval))
	}
	if c.P2P.SendRate < P2PRate || c.P2P.RecvRate < P2PRate {
		warnings = append(warnings, fmt.Sprintf("p2p.send_rate/recv_rate below %d bytes/s slow large blocks", P2PRate))
	}
	return warnings, nil
}
