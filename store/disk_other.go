//go:build !unix

package store

import "errors"

// FreeBytes is not implemented off Unix: set min_free_mb = 0 there.
func FreeBytes(string) (uint64, error) {
	return 0, errors.New("free disk space is read only on Unix systems; set redmx.storage.min_free_mb = 0")
}
