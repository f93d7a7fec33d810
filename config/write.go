package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
	cmtcfg "github.com/cometbft/cometbft/config"
)

// Write writes a complete config.toml to path: CometBFT's sections from comet,
// rendered by CometBFT's own commented template, followed by the [redmx]
// table from c with comments. The file is replaced atomically.
func Write(path string, comet *cmtcfg.Config, c Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	redmx, err := Render(c)
	if err != nil {
		return err
	}
	// CometBFT renders its template only through WriteConfigFile, which exits
	// the process if the file cannot be written; write a scratch file beside
	// path first so a permission problem comes back as an error.
	scratch := path + ".cometbft.tmp"
	if err := os.WriteFile(scratch, nil, 0o600); err != nil {
		return err
	}
	defer os.Remove(scratch)
	cmtcfg.WriteConfigFile(scratch, comet)
	cometPart, err := os.ReadFile(scratch)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.Write(cometPart)
	out.WriteString("\n")
	out.Write(redmx)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Render returns the [redmx] table of c as commented TOML: every key of every
// section, preceded by its comment tag.
func Render(c Config) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	for _, s := range c.sections() {
		fmt.Fprintf(&b, "\n[%s.%s]\n", Section, s.name)
		v := reflect.ValueOf(s.value)
		for i := range v.NumField() {
			f := v.Type().Field(i)
			key := f.Tag.Get("toml")
			if key == "" || key == "-" {
				continue
			}
			for _, line := range wrap(f.Tag.Get("comment"), 76) {
				b.WriteString("# " + line + "\n")
			}
			val := v.Field(i)
			if val.Kind() == reflect.Slice && val.IsNil() {
				val = reflect.MakeSlice(val.Type(), 0, 0) // written as [], not left out
			}
			kv, err := toml.Marshal(map[string]any{key: val.Interface()})
			if err != nil {
				return nil, fmt.Errorf("%s.%s.%s: %w", Section, s.name, key, err)
			}
			b.Write(kv)
		}
	}
	return b.Bytes(), nil
}

// wrap breaks text into lines of at most width characters, between words.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

const header = `#######################################################################
###                      redmx node settings                        ###
#######################################################################
# Settings of this node only; they may differ between nodes. What consensus
# depends on (chain ID, gas limit, validators) is in genesis.json.
# An unknown key in the redmx tables is an error at start.
#
# CometBFT's log_level and log_format above are not used: redmx logs
# CometBFT's lines through [redmx.log].
`
