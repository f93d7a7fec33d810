package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/node"
)

func newStartCmd() *cobra.Command {
	var home, rpcAddr string
	var watchStdin bool
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node in --home until interrupted",
		Long: `Run the node whose home directory is --home (see 'redmx init'): CometBFT,
the application and the Ethereum JSON-RPC server (HTTP and WebSocket on one
port). SIGINT or SIGTERM stops it cleanly. Logs go to standard error, in the
format and level of [redmx.log] in config.toml. With --watch-stdin the node
also stops when its standard input reaches end of file: a supervisor that
holds the other end of a pipe (as 'redmx devnet' does) takes its nodes with
it when it dies. The exit status is not zero when the node stops by itself
(its consensus failed, or the chain reached an upgrade this binary does not
know); the reason is the last line of the output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := config.LoadFile(home)
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("no node in %s (%s is missing): run 'redmx init --home %s' first", home, config.Path(home), home)
			}
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("rpc.addr") {
				f.Redmx.RPC.Address = rpcAddr
			}
			logger, err := newLogger(cmd.ErrOrStderr(), f.Redmx.Log)
			if err != nil {
				return err
			}
			n, err := node.NewWithConfig(home, f, logger)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if watchStdin {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				go func() {
					// Nothing is sent: only the end of the input matters.
					_, _ = io.Copy(io.Discard, cmd.InOrStdin())
					logger.Warn("standard input closed (the supervisor is gone): stopping")
					cancel()
				}()
			}
			return n.Run(ctx)
		},
	}
	addHomeFlag(cmd, &home)
	cmd.Flags().StringVar(&rpcAddr, "rpc.addr", "", "JSON-RPC listen address host:port (overrides redmx.rpc.address)")
	cmd.Flags().BoolVar(&watchStdin, "watch-stdin", false, "stop when standard input closes (for a supervisor)")
	return cmd
}
