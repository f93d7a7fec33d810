package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/spf13/cobra"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/node"
)

// nodeIdentity is what apply-node needs of a node home.
type nodeIdentity struct {
	NodeID      string `json:"nodeId"`      // bytes20, 0x hex: sha256 of the node key, first 20 bytes
	CometNodeID string `json:"cometNodeId"` // CometBFT's form, for persistent_peers
	NodeKey     string `json:"nodeKey"`     // the p2p public key, 0x hex, as apply-node takes it
	KeyType     string `json:"keyType"`
	PubKey      string `json:"pubKey"` // 0x hex
	Address     string `json:"validatorAddress"`
	// Set with --applicant: the proof of possession apply-node takes.
	Applicant     string `json:"applicant,omitempty"`
	Collective    string `json:"collective,omitempty"`
	Role          string `json:"role,omitempty"`
	NodeSignature string `json:"nodeSignature,omitempty"`
	KeySignature  string `json:"keySignature,omitempty"`

	nodePriv, consPriv ed25519.PrivateKey
}

// readNodeIdentity reads the p2p key and consensus key of the node in home,
// from the files its config.toml names (CometBFT's defaults without one).
func readNodeIdentity(home string) (*nodeIdentity, error) {
	np, cp, err := node.ReadKeys(home)
	if err != nil {
		return nil, err
	}
	nodePub, pub := np.Public().(ed25519.PublicKey), cp.Public().(ed25519.PublicKey)
	id := node.NodeID(nodePub)
	return &nodeIdentity{
		NodeID:      "0x" + id,
		CometNodeID: id,
		NodeKey:     hexutil.Encode(nodePub),
		KeyType:     node.KeyType,
		PubKey:      hexutil.Encode(pub),
		Address:     node.ValidatorAddress(pub),
		nodePriv:    np,
		consPriv:    cp,
	}, nil
}

// sign fills in the proof of possession of an application by applicant to
// run this node in collective with role (validator or observer).
func (id *nodeIdentity) sign(applicant common.Address, collective string, role governance.NodeRole) {
	nodeKey := [32]byte(id.nodePriv.Public().(ed25519.PublicKey))
	keyType, pub := id.KeyType, []byte(id.consPriv.Public().(ed25519.PublicKey))
	if role != governance.NodeValidator {
		keyType, pub = "", nil
	}
	msg := governance.NodeApplicationMessage(applicant, collective, nodeKey, role, keyType, pub)
	id.Applicant, id.Collective = applicant.Hex(), collective
	id.Role, id.NodeSignature, id.KeySignature = role.String(), hexutil.Encode(governance.SignNodeApplication(id.nodePriv, msg)), ""
	if role == governance.NodeValidator {
		id.KeySignature = hexutil.Encode(governance.SignNodeApplication(id.consPriv, msg))
	}
}

func newGovNodeIDCmd() *cobra.Command {
	var home, collective, applicant string
	var observer, asJSON bool
	cmd := &cobra.Command{
		Use:   "node-id",
		Short: "Print a node's p2p ID and keys, and sign its application for apply-node",
		Long: `Print the p2p node ID and key (from config/node_key.json) and the consensus
public key (from config/priv_validator_key.json) of the node in --home.

With --applicant (the account that will send apply-node) and --collective, it
also signs the application with both keys: the proof of possession apply-node
checks on chain (nodeSignature, keySignature), and prints the apply-node
command line. --observer signs for an observer node (no consensus key).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := readNodeIdentity(home)
			if err != nil {
				return err
			}
			role := governance.NodeValidator
			if observer {
				role = governance.NodeObserver
			}
			if applicant != "" {
				if !common.IsHexAddress(applicant) {
					return fmt.Errorf("--applicant: want an address (0x and 40 hex digits), got %q", applicant)
				}
				if collective == "" {
					return errors.New("--applicant needs --collective: the signature covers the collective")
				}
				id.sign(common.HexToAddress(applicant), collective, role)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, id)
			}
			fmt.Fprintf(out, "node ID:           %s (CometBFT: %s)\n", id.NodeID, id.CometNodeID)
			fmt.Fprintf(out, "node key:          %s\n", id.NodeKey)
			fmt.Fprintf(out, "key type:          %s\n", id.KeyType)
			fmt.Fprintf(out, "public key:        %s\n", id.PubKey)
			fmt.Fprintf(out, "validator address: %s\n", id.Address)
			if id.Applicant == "" {
				fmt.Fprintf(out, "\nTo apply, sign the application with the node's keys: add --applicant <account>\n"+
					"--collective <collective> (the account that sends apply-node).\n")
				return nil
			}
			fmt.Fprintf(out, "node signature:    %s\n", id.NodeSignature)
			if id.KeySignature != "" {
				fmt.Fprintf(out, "key signature:     %s\n", id.KeySignature)
			}
			fmt.Fprintf(out, "\nApply (from %s; memberKind 1 institution, 2 individual; institution,\n"+
				"letter and adhesion: salted commitments from 'redmx gov commitment'):\n", id.Applicant)
			keyType, pub, keySig := id.KeyType, id.PubKey, id.KeySignature
			if observer {
				keyType, pub, keySig = `""`, `""`, `""`
			}
			fmt.Fprintf(out, "  redmx gov apply-node %s %s %s %s %s <memberKind> <institution> <letterCommitment> <letterURI> <adhesionCommitment> <adhesionURI> %s %s --from %s\n",
				collective, id.NodeKey, id.Role, keyType, pub, id.NodeSignature, keySig, id.Applicant)
			return nil
		},
	}
	addHomeFlag(cmd, &home)
	cmd.Flags().StringVar(&collective, "collective", "", "the collective to apply to (signed)")
	cmd.Flags().StringVar(&applicant, "applicant", "", "the account that sends apply-node: sign the application for it")
	cmd.Flags().BoolVar(&observer, "observer", false, "sign for an observer node (no consensus key)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
