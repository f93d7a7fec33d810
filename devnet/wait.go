package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pollInterval is how often waits re-check their condition.
const pollInterval = 50 * time.Millisecond

// permanentError is an error after which polling stops.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as final: [Poll] returns it at once instead of
// retrying.
func Permanent(err error) error { return permanentError{err} }

// Poll calls cond until it returns nil or ctx ends, or cond returns a
// [Permanent] error. It returns an error naming what was awaited, with
// cond's last error.
func Poll(ctx context.Context, what string, cond func() error) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		err := cond()
		if err == nil {
			return nil
		}
		var perm permanentError
		if errors.As(err, &perm) {
			return fmt.Errorf("waiting for %s: %w", what, perm.err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, context.Cause(ctx), err)
		case <-t.C:
		}
	}
}

var httpClient = &http.Client{Timeout: 2 * time.Second}

// CometHeight asks CometBFT's RPC at addr (host:port) for its latest height.
func CometHeight(ctx context.Context, addr string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/status", nil)
	if err != nil {
		return 0, err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var status struct {
		Result struct {
			SyncInfo struct {
				LatestBlockHeight string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&status); err != nil {
		return 0, fmt.Errorf("cometbft status: %w", err)
	}
	return strconv.ParseInt(status.Result.SyncInfo.LatestBlockHeight, 10, 64)
}

// RPCAnswers reports whether the Ethereum JSON-RPC at addr (host:port)
// answers HTTP at all.
func RPCAnswers(ctx context.Context, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr,
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}`))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
