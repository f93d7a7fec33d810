package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/node"
)

func newStartCmd() *cobra.Command {
	var home, rpcAddr string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node in --home until interrupted",
		Long: `Run the node whose home directory is --home (see 'redmx init'): CometBFT,
the application and the Ethereum JSON-RPC server (HTTP and WebSocket on one
port). SIGINT or SIGTERM stops it cleanly. Logs go to standard error, in the
format and level of [redmx.log] in config.toml.`,
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
			return n.Run(cmd.Context())
		},
	}
	addHomeFlag(cmd, &home)
	cmd.Flags().StringVar(&rpcAddr, "rpc.addr", "", "JSON-RPC listen address host:port (overrides redmx.rpc.address)")
	return cmd
}
