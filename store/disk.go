package store

import (
	"errors"
	"fmt"
)

// ErrLowDisk is returned when the data directory's filesystem has less free
// space than [Options.MinFreeMB].
var ErrLowDisk = errors.New("not enough free disk space")

// FreeSpace reports the bytes available to the node on the filesystem of a
// directory. [FreeBytes] reads it from the operating system; tests inject
// their own.
type FreeSpace func(dir string) (uint64, error)

// CheckFree returns an error wrapping [ErrLowDisk] when the filesystem of dir
// has less than minMB MiB free (minMB 0: no check), saying how much is free
// and what to do.
func CheckFree(dir string, minMB uint64, free FreeSpace) error {
	if minMB == 0 {
		return nil
	}
	if free == nil {
		free = FreeBytes
	}
	n, err := free(dir)
	if err != nil {
		return fmt.Errorf("free space of %s: %w", dir, err)
	}
	if n < minMB<<20 {
		return fmt.Errorf("%w: %d MiB free on the filesystem of %s, below redmx.storage.min_free_mb = %d; free some space (or lower block_history and state_history, or move the home to a larger disk) and start the node again",
			ErrLowDisk, n>>20, dir, minMB)
	}
	return nil
}
