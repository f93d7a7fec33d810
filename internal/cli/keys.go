package cli

import (
	"bufio"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// keystoreFlags locate an encrypted keystore and its password.
type keystoreFlags struct {
	dir          string
	passwordFile string
	lightKDF     bool
}

// defaultKeystore is <user config dir>/redmx/keystore.
func defaultKeystore() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "redmx", "keystore")
	}
	return filepath.Join(".redmx", "keystore")
}

func (k *keystoreFlags) add(cmd *cobra.Command, password bool) {
	f := cmd.Flags()
	f.StringVar(&k.dir, "keystore", defaultKeystore(), "directory of the encrypted keystore (go-ethereum's format)")
	if password {
		f.StringVar(&k.passwordFile, "password-file", "", "file whose first line is the password (default: ask, when stdin is a terminal)")
		f.BoolVar(&k.lightKDF, "lightkdf", false, "weaker but faster key encryption (for tests and throwaway keys)")
	}
}

func (k *keystoreFlags) open() *keystore.KeyStore {
	n, p := keystore.StandardScryptN, keystore.StandardScryptP
	if k.lightKDF {
		n, p = keystore.LightScryptN, keystore.LightScryptP
	}
	return keystore.NewKeyStore(k.dir, n, p)
}

// errNoPassword: neither a password file nor a terminal to ask on.
var errNoPassword = errors.New("no password: give --password-file, or run in a terminal to be asked")

// password reads the first line of --password-file, or asks on the
// terminal (twice when confirm is set, for a new key).
func (k *keystoreFlags) password(cmd *cobra.Command, confirm bool) (string, error) {
	if k.passwordFile != "" {
		data, err := os.ReadFile(k.passwordFile)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errNoPassword
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(cmd.ErrOrStderr(), prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(b), err
	}
	pw, err := ask("Password: ")
	if err != nil || !confirm {
		return pw, err
	}
	again, err := ask("Repeat password: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", errors.New("the passwords differ")
	}
	return pw, nil
}

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, import and list accounts in an encrypted keystore",
		Long: `Accounts live in go-ethereum's encrypted keystore (the format geth, Foundry's
'cast wallet' and ethers' Wallet.fromEncryptedJson read), by default in
` + defaultKeystore() + ` (--keystore to change). Passwords come from
--password-file, or are asked for when stdin is a terminal; private keys are
never taken from the command line.`,
	}
	cmd.AddCommand(newKeysCreateCmd(), newKeysImportCmd(), newKeysListCmd())
	return cmd
}

func newKeysCreateCmd() *cobra.Command {
	var k keystoreFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a new account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, err := k.password(cmd, true)
			if err != nil {
				return err
			}
			acc, err := k.open().NewAccount(pw)
			if err != nil {
				return err
			}
			return printAccount(cmd.OutOrStdout(), acc, asJSON)
		},
	}
	k.add(cmd, true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the account as JSON")
	return cmd
}

func newKeysImportCmd() *cobra.Command {
	var k keystoreFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import [FILE]",
		Short: "Import a hex private key from FILE, or from stdin",
		Long: `Import a private key (64 hex digits, 0x optional) read from FILE, or from
stdin when FILE is absent or "-", into the keystore, encrypted with the
password.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var src io.Reader = cmd.InOrStdin()
			name := "stdin"
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				src, name = f, args[0]
			}
			key, err := readHexKey(src)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			pw, err := k.password(cmd, true)
			if err != nil {
				return err
			}
			acc, err := k.open().ImportECDSA(key, pw)
			if err != nil {
				return err
			}
			return printAccount(cmd.OutOrStdout(), acc, asJSON)
		},
	}
	k.add(cmd, true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the account as JSON")
	return cmd
}

func newKeysListCmd() *cobra.Command {
	var k keystoreFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the keystore's accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			accs := k.open().Accounts()
			out := cmd.OutOrStdout()
			if asJSON {
				list := make([]accountJSON, 0, len(accs))
				for _, a := range accs {
					list = append(list, accountJSON{a.Address, a.URL.Path})
				}
				return writeJSON(out, list)
			}
			if len(accs) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no accounts in %s\n", k.dir)
			}
			for _, a := range accs {
				fmt.Fprintf(out, "%s  %s\n", a.Address.Hex(), a.URL.Path)
			}
			return nil
		},
	}
	k.add(cmd, false)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the accounts as JSON")
	return cmd
}

type accountJSON struct {
	Address common.Address `json:"address"`
	File    string         `json:"file"`
}

func printAccount(w io.Writer, a accounts.Account, asJSON bool) error {
	if asJSON {
		return writeJSON(w, accountJSON{a.Address, a.URL.Path})
	}
	fmt.Fprintf(w, "%s  %s\n", a.Address.Hex(), a.URL.Path)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readHexKey reads a private key in hex (0x optional) from the first line
// of r.
func readHexKey(r io.Reader) (*ecdsa.PrivateKey, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	s := strings.TrimPrefix(strings.TrimSpace(line), "0x")
	if s == "" {
		return nil, errors.New("no private key: want 64 hex digits")
	}
	key, err := crypto.HexToECDSA(s)
	if err != nil {
		return nil, fmt.Errorf("not a private key (want 64 hex digits): %w", err)
	}
	return key, nil
}
