package node_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// syncBuffer is a log sink read while the node writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStrangerSaysSoOnce: a node governance never admitted, dialling a
// network of four validators as persistent peers, says once that it is not
// admitted, and its log stays at a few lines over 20 s (it was tens of
// thousands: every peer hung up on it right after the handshake and it
// dialled again at once), while it keeps trying every peer now and then.
func TestStrangerSaysSoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	home := filepath.Join(t.TempDir(), "stranger")
	ccfg := config.CometBFTDefaults()
	ccfg.SetRoot(home)
	if _, _, err := node.CreateKeys(ccfg); err != nil {
		t.Fatal(err)
	}
	genesis, err := os.ReadFile(filepath.Join(net.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ccfg.GenesisFile(), genesis, 0o600); err != nil {
		t.Fatal(err)
	}
	free, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	info := &devnet.NodeInfo{Name: "stranger", RPC: free[0], P2P: free[1], CometRPC: free[2]}
	info.Wire(ccfg, net.Peers(-1))
	rcfg := config.Default()
	rcfg.RPC.Address = info.RPC
	if err := config.Write(config.Path(home), ccfg, rcfg); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	nd, err := node.New(home, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- nd.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("stranger: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("the stranger did not stop within 30s")
		}
	})

	wait, cancelWait := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancelWait()
	testnet.WaitFor(wait, t, "the stranger saying it is not admitted", func() error {
		if !strings.Contains(logs.String(), "not admitted by governance") {
			return os.ErrNotExist
		}
		return nil
	})
	// A window of observation: the rate of lines is what is measured.
	const window = 20 * time.Second
	time.Sleep(window)

	var visible, hangups []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.Contains(line, "level=DEBUG") {
			visible = append(visible, line)
		}
		if strings.Contains(line, `msg="Stopping peer for error"`) {
			hangups = append(hangups, line)
		}
	}
	t.Logf("%d lines at info and above, %d connections hung up on by peers (debug), in %s and its start",
		len(visible), len(hangups), window)
	if n := strings.Count(logs.String(), "not admitted by governance (as of"); n != 1 {
		t.Errorf("said %d times that it is not admitted, want once", n)
	}
	if len(visible) > 15 {
		t.Errorf("%d lines at info and above, want a handful:\n%s", len(visible), strings.Join(visible, "\n"))
	}
	// Each of the four peers is tried at 0, 5, 15 s: the node keeps dialling,
	// at most a few times per peer.
	if len(hangups) < 4 || len(hangups) > 4*5 {
		t.Errorf("%d connections through in %s, want between 4 (each peer tried) and 20 (backoff)", len(hangups), window)
	}
}
