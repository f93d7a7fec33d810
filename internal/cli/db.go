package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/store"
)

func newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Inspect a node's data directory",
	}
	cmd.AddCommand(newDBStatsCmd())
	return cmd
}

func newDBStatsCmd() *cobra.Command {
	var (
		home   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Sizes of a stopped node's data by kind",
		Long: `Read every key of the node's store and every file of its data directory, and
print their sizes by kind: the Ethereum blocks, receipts and transaction index,
the state (trie, flat state, code, history), pebble's tables and write-ahead
logs, and CometBFT's block store, state, evidence and consensus WAL. The
node must be stopped: a running node holds its store locked. Key sizes are
key plus value bytes before compression; file sizes are the space allocated
on disk (a preallocated write-ahead log counts in full).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := config.LoadFile(home)
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("no node in %s (%s is missing)", home, config.Path(home))
			}
			if err != nil {
				return err
			}
			s, err := store.Inspect(f.CometBFT.DBDir())
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(s)
			}
			return printStats(cmd.OutOrStdout(), f.CometBFT.DBDir(), s)
		},
	}
	addHomeFlag(cmd, &home)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the sizes as one JSON object")
	return cmd
}

func printStats(out io.Writer, dir string, s *store.Stats) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(out, "data directory %s\n", dir)
	if s.Tail > 1 {
		fmt.Fprintf(out, "blocks: %d to %d kept (1 to %d pruned) and genesis\n\n", s.Tail, s.Head, s.Tail-1)
	} else {
		fmt.Fprintf(out, "blocks: 0 to %d (none pruned)\n\n", s.Head)
	}
	var total, files uint64
	fmt.Fprintln(w, "store entries\tkeys\tsize\t")
	for _, k := range s.Keys {
		fmt.Fprintf(w, "%s\t%d\t%s\t\n", k.Name, k.Count, common.StorageSize(k.Bytes))
		total += k.Bytes
	}
	fmt.Fprintf(w, "total\t\t%s\t\n\t\t\t\n", common.StorageSize(total))
	fmt.Fprintln(w, "files on disk\tfiles\tsize\t")
	for _, k := range s.Files {
		fmt.Fprintf(w, "%s\t%d\t%s\t\n", k.Name, k.Count, common.StorageSize(k.Bytes))
		files += k.Bytes
	}
	fmt.Fprintf(w, "total\t\t%s\t\n", common.StorageSize(files))
	return w.Flush()
}
