package cli

import (
	"errors"
	"fmt"
	"os"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/config"
)

// nodeIdentity is what apply-node needs of a node home.
type nodeIdentity struct {
	NodeID      string `json:"nodeId"`      // bytes20, 0x hex, as apply-node takes it
	CometNodeID string `json:"cometNodeId"` // CometBFT's form, for persistent_peers
	KeyType     string `json:"keyType"`
	PubKey      string `json:"pubKey"` // 0x hex
	Address     string `json:"validatorAddress"`
}

// readNodeIdentity reads the p2p ID and consensus key of the node in home,
// from the files its config.toml names (CometBFT's defaults without one).
func readNodeIdentity(home string) (*nodeIdentity, error) {
	var ccfg *cmtcfg.Config
	if f, err := config.LoadFile(home); err == nil {
		ccfg = f.CometBFT
	} else if errors.Is(err, os.ErrNotExist) {
		ccfg = config.CometBFTDefaults()
		ccfg.SetRoot(home)
	} else {
		return nil, err
	}
	nk, err := p2p.LoadNodeKey(ccfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node key: %w (is %s a node home? see redmx init)", err, home)
	}
	data, err := os.ReadFile(ccfg.PrivValidatorKeyFile())
	if err != nil {
		return nil, fmt.Errorf("validator key: %w", err)
	}
	var pv privval.FilePVKey
	if err := cmtjson.Unmarshal(data, &pv); err != nil {
		return nil, fmt.Errorf("validator key %s: %w", ccfg.PrivValidatorKeyFile(), err)
	}
	pub := pv.PrivKey.PubKey()
	return &nodeIdentity{
		NodeID:      "0x" + string(nk.ID()),
		CometNodeID: string(nk.ID()),
		KeyType:     pub.Type(),
		PubKey:      hexutil.Encode(pub.Bytes()),
		Address:     pub.Address().String(),
	}, nil
}

func newGovNodeIDCmd() *cobra.Command {
	var home, collective string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "node-id",
		Short: "Print a node's p2p ID and consensus key in the form apply-node takes",
		Long: `Print the p2p node ID (from config/node_key.json) and the consensus public key
(from config/priv_validator_key.json) of the node in --home, as apply-node's
nodeId, keyType and pubKey arguments, and the apply-node command line to
apply with (--collective fills in the collective).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := readNodeIdentity(home)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, id)
			}
			if collective == "" {
				collective = "<collective>"
			}
			fmt.Fprintf(out, "node ID:           %s (CometBFT: %s)\n", id.NodeID, id.CometNodeID)
			fmt.Fprintf(out, "key type:          %s\n", id.KeyType)
			fmt.Fprintf(out, "public key:        %s\n", id.PubKey)
			fmt.Fprintf(out, "validator address: %s\n", id.Address)
			fmt.Fprintf(out, "\nApply as a validator (memberKind 1 institution, 2 individual; institution,\n"+
				"letter and adhesion: salted commitments from 'redmx gov commitment'):\n")
			fmt.Fprintf(out, "  redmx gov apply-node %s %s validator %s %s <memberKind> <institution> <letterCommitment> <letterURI> <adhesionCommitment> <adhesionURI> --from <account>\n",
				collective, id.NodeID, id.KeyType, id.PubKey)
			return nil
		},
	}
	addHomeFlag(cmd, &home)
	cmd.Flags().StringVar(&collective, "collective", "", "the collective to apply to, for the printed command")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
