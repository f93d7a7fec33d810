package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/cli"
	"github.com/redmx/redmx/internal/testnet"
)

// run runs redmx with args and returns what it wrote to stdout (notices on
// stderr, such as the chain `redmx gov` names, are runErr's).
func run(ctx context.Context, args ...string) (string, error) {
	out, _, err := runErr(ctx, "", args...)
	return out, err
}

func runStdin(ctx context.Context, stdin string, args ...string) (string, error) {
	out, _, err := runErr(ctx, stdin, args...)
	return out, err
}

// runErr runs redmx with args and stdin, and returns its stdout and stderr.
func runErr(ctx context.Context, stdin string, args ...string) (string, string, error) {
	root := cli.NewRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

// freeAddr is a free loopback address below the ports the kernel gives
// outgoing connections, so that no node dialling a peer takes it first.
func freeAddr(t *testing.T) string {
	t.Helper()
	addrs, err := devnet.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	return addrs[0]
}

// TestInitThenStart initializes a single-validator home, refuses to
// initialize it twice, then starts the node until it has made blocks and
// serves JSON-RPC, and stops it by cancelling the context.
func TestInitThenStart(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	out, err := run(t.Context(), "init", "--dev", "--home", home, "--moniker", "solo", "--rpc.addr", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	for _, f := range []string{"config/config.toml", "config/genesis.json", "config/node_key.json",
		"config/priv_validator_key.json", "data/priv_validator_state.json"} {
		if _, err := os.Stat(filepath.Join(home, f)); err != nil {
			t.Errorf("init did not write %s: %v", f, err)
		}
	}
	if _, err := run(t.Context(), "init", "--dev", "--home", home); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second init: got %v, want a refusal that mentions --force", err)
	}

	done, cancel := startNode(t, home, nil)
	cancel()
	if err := waitDone(t, done); err != nil {
		t.Fatalf("start: %v", err)
	}
}

// TestInitCometBFTPorts: a second node on one machine gets CometBFT's p2p
// and RPC ports from init's flags, with no edit of config.toml, and a
// malformed address is refused before the home is made.
func TestInitCometBFTPorts(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if out, err := run(t.Context(), "init", "--dev", "--home", home, "--rpc.addr", "127.0.0.1:18549",
		"--p2p.laddr", "127.0.0.1:26670", "--cometbft-rpc.laddr", "127.0.0.1:26671"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.CometBFT.P2P.ListenAddress; got != "tcp://127.0.0.1:26670" {
		t.Errorf("p2p laddr %q, want tcp://127.0.0.1:26670", got)
	}
	if got := f.CometBFT.RPC.ListenAddress; got != "tcp://127.0.0.1:26671" {
		t.Errorf("CometBFT RPC laddr %q, want tcp://127.0.0.1:26671", got)
	}
	if got := f.Redmx.RPC.Address; got != "127.0.0.1:18549" {
		t.Errorf("JSON-RPC address %q, want 127.0.0.1:18549", got)
	}

	// Defaults are CometBFT's usual ports.
	home2 := filepath.Join(dir, "home2")
	if out, err := run(t.Context(), "init", "--dev", "--home", home2); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	if f, err = config.LoadFile(home2); err != nil {
		t.Fatal(err)
	}
	if f.CometBFT.P2P.ListenAddress != "tcp://0.0.0.0:26656" || f.CometBFT.RPC.ListenAddress != "tcp://127.0.0.1:26657" {
		t.Errorf("default CometBFT addresses %q, %q", f.CometBFT.P2P.ListenAddress, f.CometBFT.RPC.ListenAddress)
	}

	for _, args := range [][]string{{"--p2p.laddr", "26670"}, {"--cometbft-rpc.laddr", "127.0.0.1:"}} {
		bad := filepath.Join(dir, "bad")
		_, err := run(t.Context(), append([]string{"init", "--dev", "--home", bad}, args...)...)
		if err == nil || !strings.Contains(err.Error(), args[0]) || !strings.Contains(err.Error(), "host:port") {
			t.Errorf("init %v: got %v, want a refusal naming %s and host:port", args, err, args[0])
		}
		if _, serr := os.Stat(bad); serr == nil {
			t.Errorf("init %v made the home though it refused", args)
		}
	}
}

// waitDone returns what a command started by startNode returned, failing
// the test if it has not returned within 30 s.
func waitDone(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("start did not return within 30s")
		return nil
	}
}

// startNode runs `redmx start` on home, moved to free ports with short
// blocks, until it has made block 2 and serves JSON-RPC. stdin is the
// command's input (nil: none). done receives what the command returns;
// cancel cancels its context (the test's cleanup does too).
func startNode(t *testing.T, home string, stdin io.Reader, args ...string) (done <-chan error, cancel context.CancelFunc) {
	t.Helper()
	// Free ports for CometBFT, and shorter blocks, so the test is quick and
	// runs beside anything else.
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	cometRPC := freeAddr(t)
	f.CometBFT.RPC.ListenAddress = "tcp://" + cometRPC
	f.CometBFT.P2P.ListenAddress = "tcp://" + freeAddr(t)
	f.CometBFT.Consensus.TimeoutCommit = 100 * time.Millisecond
	// CometBFT's address book (kept by the peer exchange reactor) writes
	// addrbook.json after the node has stopped, racing TempDir's cleanup.
	f.CometBFT.P2P.PexReactor = false
	rpcAddr := freeAddr(t)
	if err := config.Write(config.Path(home), f.CometBFT, f.Redmx); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	result := make(chan error, 1)
	go func() {
		root := cli.NewRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		if stdin != nil {
			root.SetIn(stdin)
		}
		root.SetArgs(append([]string{"start", "--home", home, "--rpc.addr", rpcAddr}, args...))
		result <- root.ExecuteContext(ctx)
	}()
	wctx, wcancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer wcancel()
	testnet.WaitFor(wctx, t, "height 2 and JSON-RPC", func() error {
		select {
		case err := <-result:
			return devnet.Permanent(errors.Join(errors.New("start returned"), err))
		default:
		}
		h, err := devnet.CometHeight(wctx, cometRPC)
		if err != nil {
			return err
		}
		if h < 2 {
			return errors.New("height below 2")
		}
		return devnet.RPCAnswers(wctx, rpcAddr)
	})
	return result, cancel
}

func TestStartWithoutHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "nothing")
	_, err := run(t.Context(), "start", "--home", home)
	if err == nil || !strings.Contains(err.Error(), "redmx init") {
		t.Fatalf("start on an empty home: got %v, want advice to run redmx init", err)
	}
}

func TestStartRejectsUnknownKey(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if out, err := run(t.Context(), "init", "--dev", "--home", home); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	cfgFile, err := os.OpenFile(config.Path(home), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfgFile.WriteString("\n[redmx.rpcc]\naddress = \"127.0.0.1:1\"\n")
	cfgFile.Close()
	_, err = run(t.Context(), "start", "--home", home)
	if !errors.Is(err, config.ErrUnknownKey) || !strings.Contains(err.Error(), "redmx.rpcc") {
		t.Fatalf("start: got %v, want an unknown-key error naming redmx.rpcc", err)
	}
}

func TestVersion(t *testing.T) {
	out, err := run(t.Context(), "version")
	if err != nil || !strings.HasPrefix(out, "redmx ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}
