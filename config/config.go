package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/redmx/redmx/internal/settings"
	"github.com/redmx/redmx/metrics"
	"github.com/redmx/redmx/rpc"
	"github.com/redmx/redmx/store"
	"github.com/redmx/redmx/txpool"
)

// Config is the [redmx] table of config.toml: settings local to this node.
// Each section is the configured package's own struct, which carries its
// keys, defaults, validation and documentation.
type Config struct {
	RPC     rpc.Config    `toml:"rpc"`
	Storage store.Options `toml:"storage"`
	Log     LogConfig     `toml:"log"`
	Pool    txpool.Config `toml:"pool"`
	Memory  MemoryConfig  `toml:"memory"`
	// Snapshot is the state snapshots served to nodes joining by state sync.
	Snapshot store.SnapshotOptions `toml:"snapshot"`
	Metrics  metrics.Config        `toml:"metrics"`
}

// MemoryConfig is [redmx.memory]: the node's memory budget, of which the
// store's caches ([redmx.storage] cache_mb) are a part.
type MemoryConfig struct {
	TotalMB uint64 `toml:"total_mb" comment:"The memory the node may use, in MiB, from which its caches, pool and Go heap limit are sized when they are left at 0 (0: the host's, or its cgroup's limit if lower; a larger value is lowered to that). Set it when the host runs other things; a devnet gives each of its nodes an equal share of the host, 1024 at most."`
	LimitMB uint64 `toml:"limit_mb" comment:"Soft limit of the Go heap, in MiB: the garbage collector works harder as the node nears it, before the kernel's out-of-memory killer would act (0: three quarters of the memory the node may use, the host's or its cgroup's, less 1.5 × the pebble cache, which lives outside the Go heap; the GOMEMLIMIT environment variable overrides both)."`
}

// DefaultMemoryConfig leaves the limit to the host.
func DefaultMemoryConfig() MemoryConfig { return MemoryConfig{} }

// LogConfig is [redmx.log]: the node's one slog logger, CometBFT's included.
type LogConfig struct {
	Format string `toml:"format" comment:"\"text\" or \"json\", to standard error."`
	Level  string `toml:"level" comment:"\"debug\", \"info\", \"warn\" or \"error\"."`
}

// Log formats and levels accepted by [LogConfig].
var (
	LogFormats = []string{"text", "json"}
	LogLevels  = []string{"debug", "info", "warn", "error"}
)

// DefaultLogConfig is text at level info.
func DefaultLogConfig() LogConfig { return LogConfig{Format: "text", Level: "info"} }

// ValidateBasic reports a format or level not in [LogFormats], [LogLevels].
func (c LogConfig) ValidateBasic() error {
	if !slices.Contains(LogFormats, c.Format) {
		return settings.Errorf("format", "must be one of %s, got %q", strings.Join(LogFormats, ", "), c.Format)
	}
	if !slices.Contains(LogLevels, c.Level) {
		return settings.Errorf("level", "must be one of %s, got %q", strings.Join(LogLevels, ", "), c.Level)
	}
	return nil
}

// Default returns a Config in which every section has its package's
// defaults.
func Default() Config {
	return Config{
		RPC:      rpc.DefaultConfig(),
		Storage:  store.DefaultOptions(),
		Log:      DefaultLogConfig(),
		Pool:     txpool.DefaultConfig(),
		Memory:   DefaultMemoryConfig(),
		Snapshot: store.DefaultSnapshotOptions(),
		Metrics:  metrics.DefaultConfig(),
	}
}

// FieldError is a bad value, named by its place in config.toml, e.g.
// "redmx.rpc.address".
type FieldError = settings.Error

// Validate reports the first bad value by its place, e.g. "redmx.rpc.address: …".
func (c Config) Validate() error {
	for _, s := range c.sections() {
		v, ok := s.value.(interface{ ValidateBasic() error })
		if !ok {
			continue
		}
		if err := v.ValidateBasic(); err != nil {
			var fe *settings.Error
			if errors.As(err, &fe) {
				return &FieldError{Field: Section + "." + s.name + "." + fe.Field, Err: fe.Err}
			}
			return fmt.Errorf("%s.%s: %w", Section, s.name, err)
		}
	}
	return nil
}

// section is one table of [redmx]: its name in the file and its struct.
type section struct {
	name  string
	value any
}

// sections lists c's tables in the order of their fields.
func (c Config) sections() []section {
	v := reflect.ValueOf(c)
	out := make([]section, v.NumField())
	for i := range out {
		out[i] = section{name: v.Type().Field(i).Tag.Get("toml"), value: v.Field(i).Interface()}
	}
	return out
}
