//go:build !unix

package devnet

// reserve has no cross-process reservation here: the listen check alone.
func reserve(int) bool { return true }
