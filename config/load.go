package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/go-viper/mapstructure/v2"
)

// Section is the name of redmx's table in config.toml.
const Section = "redmx"

// ErrUnknownKey is returned by [Load] for a key in [redmx] that no setting has.
var ErrUnknownKey = errors.New("unknown key")

// Path returns where config.toml lives in a node's home: CometBFT's layout,
// <home>/config/config.toml.
func Path(home string) string {
	return filepath.Join(home, cmtcfg.DefaultConfigDir, cmtcfg.DefaultConfigFileName)
}

// File is a whole config.toml: CometBFT's sections and the [redmx] table.
type File struct {
	// CometBFT holds CometBFT's sections, rooted at the home directory.
	CometBFT *cmtcfg.Config
	// Redmx is the [redmx] table.
	Redmx Config
	// Unknown lists keys outside [redmx] that CometBFT has no setting for.
	// CometBFT's own command line ignores them silently; callers should warn.
	Unknown []string
}

// Load reads the [redmx] table of the file at path strictly: an unknown key is
// an error that names it. Missing keys keep their [Default]. The result is
// not validated; call [Config.Validate].
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return decodeRedmx(path, data)
}

// LoadFile reads <home>/config/config.toml: CometBFT's sections with CometBFT's
// own decoding rules over [cmtcfg.DefaultConfig], and [redmx] as [Load] does.
// Both parts are validated.
func LoadFile(home string) (*File, error) {
	path := Path(home)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rcfg, err := decodeRedmx(path, data)
	if err != nil {
		return nil, err
	}
	if err := rcfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ccfg, unknown, err := decodeCometBFT(path, data)
	if err != nil {
		return nil, err
	}
	ccfg.SetRoot(home)
	if err := ccfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{CometBFT: ccfg, Redmx: rcfg, Unknown: unknown}, nil
}

func decodeRedmx(path string, data []byte) (Config, error) {
	var doc struct {
		Redmx Config `toml:"redmx"`
	}
	doc.Redmx = Default()
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	var unknown []string
	for _, k := range md.Undecoded() {
		if len(k) > 0 && k[0] == Section {
			unknown = append(unknown, k.String())
		}
	}
	if len(unknown) > 0 {
		return Config{}, fmt.Errorf("%s: %s: %w in [%s] (see `redmx init` for the known keys)",
			path, strings.Join(unknown, ", "), ErrUnknownKey, Section)
	}
	if err := checkDurations(md, doc.Redmx); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Redmx, nil
}

// checkDurations refuses a duration written as a bare integer. The TOML
// decoder takes one as nanoseconds, so evm_timeout = 5 would be 5ns and
// every eth_call would time out; earlier versions refused it, and so does
// this one, with the fix in the error.
func checkDurations(md toml.MetaData, c Config) error {
	durationType := reflect.TypeFor[time.Duration]()
	for _, s := range c.sections() {
		t := reflect.TypeOf(s.value)
		for i := range t.NumField() {
			f := t.Field(i)
			key := f.Tag.Get("toml")
			if f.Type != durationType || key == "" || key == "-" {
				continue
			}
			if md.Type(Section, s.name, key) == "Integer" {
				return &FieldError{Field: Section + "." + s.name + "." + key,
					Err: errors.New(`a duration is a string with a unit, such as "5s" or "500ms", not a bare integer`)}
			}
		}
	}
	return nil
}

// decodeCometBFT decodes CometBFT's sections the way `cometbft start` does:
// viper parses the file into nested maps and mapstructure decodes them over
// cmtcfg.DefaultConfig() with weak typing, "1s"-style durations and
// comma-separated strings for string lists. We parse with BurntSushi/toml
// instead of viper (same maps) and use the same mapstructure module, so every
// key keeps its documented meaning, without viper's globals or environment.
func decodeCometBFT(path string, data []byte) (*cmtcfg.Config, []string, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	delete(raw, Section)
	cfg := cmtcfg.DefaultConfig()
	var md mapstructure.Metadata
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Metadata:         &md,
		Result:           cfg,
		WeaklyTypedInput: true,
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		),
	})
	if err != nil {
		return nil, nil, err
	}
	if err := dec.Decode(raw); err != nil {
		return nil, nil, fmt.Errorf("%s: CometBFT sections: %w", path, err)
	}
	unknown := slices.Clone(md.Unused)
	slices.Sort(unknown)
	return cfg, unknown, nil
}
