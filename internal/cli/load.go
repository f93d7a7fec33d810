package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/internal/load"
)

func newLoadCmd() *cobra.Command {
	var (
		cfg    load.Config
		urls   string
		pids   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Drive a network with signed transfers and report throughput and latency",
		Long: `Send native or ERC-20 transfers from many development accounts to the given
JSON-RPC URLs (spread across them), for a bounded time, and report the
sustained rate of mined transactions, the submit-to-receipt latency and, with
--pids, the resident memory of the node processes. Only point it at networks
you run yourself, such as 'redmx devnet'.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, u := range strings.Split(urls, ",") {
				if u = strings.TrimSpace(u); u != "" {
					cfg.URLs = append(cfg.URLs, u)
				}
			}
			for _, p := range strings.Split(pids, ",") {
				if p = strings.TrimSpace(p); p != "" {
					n, err := strconv.Atoi(p)
					if err != nil {
						return fmt.Errorf("--pids: %q is not a process ID", p)
					}
					cfg.PIDs = append(cfg.PIDs, n)
				}
			}
			cfg.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
			r, err := load.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(r)
			}
			fmt.Fprintln(cmd.OutOrStdout(), r)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&urls, "rpc", "http://127.0.0.1:8545", "comma-separated JSON-RPC URLs")
	f.StringVar(&cfg.Kind, "kind", "native", "transfers to send: native or erc20")
	f.IntVar(&cfg.Senders, "senders", 20, "number of sending accounts (development keys)")
	f.IntVar(&cfg.Rate, "rate", 0, "target transactions per second in all (0: as fast as accepted)")
	f.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to submit")
	f.IntVar(&cfg.MaxTxs, "max-txs", 0, "stop after this many transactions (0: no limit)")
	f.IntVar(&cfg.Batch, "batch", 20, "transactions per JSON-RPC batch")
	f.BoolVar(&cfg.NewAccounts, "new-accounts", false, "send every transfer to a new address, growing the state by one account or token holder per transaction")
	f.IntVar(&cfg.InFlight, "in-flight", 0, "at most this many transactions per sender sent and not yet mined (0: no bound)")
	f.BoolVar(&cfg.Fund, "fund", false, "first fund the senders from the node's own account (to compare with geth --dev or anvil)")
	f.StringVar(&pids, "pids", "", "comma-separated node process IDs whose memory to report")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
