package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
)

// HomeEnv is the default home; `redmx gov` also reads RPCEnv and ChainIDEnv.
const HomeEnv = "REDMX_HOME"

// NewRoot returns the redmx command with all its subcommands.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "redmx",
		Short:         "Node and client of the Red Blockchain México network",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newInitCmd(), newStartCmd(), newDevnetCmd(), newLoadCmd(), newVersionCmd(), newKeysCmd(), newGovCmd(), newGenesisCmd(), newDBCmd())
	return root
}

// defaultHome is $REDMX_HOME, else ~/.redmx.
func defaultHome() string {
	if h := os.Getenv(HomeEnv); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".redmx")
	}
	return ".redmx"
}

func addHomeFlag(cmd *cobra.Command, home *string) {
	cmd.Flags().StringVar(home, "home", defaultHome(), "node home directory (default from $"+HomeEnv+")")
}

// newLogger builds the process's one logger from [redmx.log].
func newLogger(w io.Writer, c config.LogConfig) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("redmx.log.level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.Format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("redmx.log.format: must be text or json, got %q", c.Format)
	}
}
