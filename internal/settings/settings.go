package settings

import "fmt"

// Error is a bad value, named by its key: within a section as a section's
// ValidateBasic returns it ("evm_timeout"), or by its place in config.toml
// once package config has placed it ("redmx.rpc.evm_timeout").
type Error struct {
	Field string
	Err   error
}

func (e *Error) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error for key.
func Errorf(key string, format string, args ...any) error {
	return &Error{Field: key, Err: fmt.Errorf(format, args...)}
}
