package app

// SetSnapshotChunkSize sets the size state chunks are cut at, for tests that
// need many chunks from a small state, and returns the undo.
func SetSnapshotChunkSize(n int) (undo func()) {
	old := snapshotChunkSize
	snapshotChunkSize = n
	return func() { snapshotChunkSize = old }
}
