package store

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// SnapshotInfo describes a snapshot on disk, as CometBFT's state sync lists
// it: Metadata is the SHA-256 hashes of the chunks, one after the other, and
// Hash the SHA-256 of Metadata.
type SnapshotInfo struct {
	Height   uint64 `json:"height"`
	Format   uint32 `json:"format"`
	Chunks   uint32 `json:"chunks"`
	Hash     []byte `json:"hash"`
	Metadata []byte `json:"metadata"`
}

// ChunkHash is the hash of chunk i in s's Metadata, or nil if there is none.
func (s *SnapshotInfo) ChunkHash(i uint32) []byte {
	if i >= s.Chunks || len(s.Metadata) != int(s.Chunks)*sha256.Size {
		return nil
	}
	return s.Metadata[int(i)*sha256.Size : int(i+1)*sha256.Size]
}

// Snapshots are the state snapshots a node keeps in a directory, one
// subdirectory per height: its chunks and a meta.json. A snapshot is written
// in a temporary directory and renamed into place when complete, so a crash
// never leaves a partial one listed.
type Snapshots struct {
	dir string
	mu  sync.Mutex
}

const (
	snapshotMeta      = "meta.json"
	snapshotTmpPrefix = "tmp-"
)

// OpenSnapshots opens (or creates) the snapshot directory dir and deletes
// what an interrupted write left there.
func OpenSnapshots(dir string) (*Snapshots, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), snapshotTmpPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, err
			}
		}
	}
	return &Snapshots{dir: dir}, nil
}

// Dir is the directory the snapshots are kept in.
func (s *Snapshots) Dir() string { return s.dir }

func (s *Snapshots) path(height uint64) string {
	return filepath.Join(s.dir, strconv.FormatUint(height, 10))
}

// List returns the complete snapshots, newest first.
func (s *Snapshots) List() ([]*SnapshotInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list()
}

func (s *Snapshots) list() ([]*SnapshotInfo, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []*SnapshotInfo
	for _, e := range entries {
		h, err := strconv.ParseUint(e.Name(), 10, 64)
		if err != nil || !e.IsDir() {
			continue
		}
		info, err := s.info(h)
		if err != nil {
			continue // not a complete snapshot
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b *SnapshotInfo) int { return -cmpUint(a.Height, b.Height) })
	return out, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Snapshots) info(height uint64) (*SnapshotInfo, error) {
	b, err := os.ReadFile(filepath.Join(s.path(height), snapshotMeta))
	if err != nil {
		return nil, err
	}
	info := new(SnapshotInfo)
	if err := json.Unmarshal(b, info); err != nil {
		return nil, err
	}
	if info.Height != height || len(info.Metadata) != int(info.Chunks)*sha256.Size {
		return nil, fmt.Errorf("store: snapshot %d: inconsistent %s", height, snapshotMeta)
	}
	return info, nil
}

// Chunk returns chunk index of the snapshot at height in format, or nil if
// there is no such chunk.
func (s *Snapshots) Chunk(height uint64, format, index uint32) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info, err := s.info(height)
	if err != nil || info.Format != format || index >= info.Chunks {
		return nil, nil
	}
	return os.ReadFile(filepath.Join(s.path(height), chunkName(index)))
}

func chunkName(i uint32) string { return fmt.Sprintf("chunk-%06d", i) }

// Create starts writing the snapshot at height; [SnapshotWriter.Commit]
// lists it.
func (s *Snapshots) Create(height uint64, format uint32) (*SnapshotWriter, error) {
	tmp, err := os.MkdirTemp(s.dir, fmt.Sprintf("%s%d-", snapshotTmpPrefix, height))
	if err != nil {
		return nil, err
	}
	return &SnapshotWriter{s: s, tmp: tmp, info: SnapshotInfo{Height: height, Format: format}}, nil
}

// SnapshotWriter writes one snapshot's chunks in order.
type SnapshotWriter struct {
	s    *Snapshots
	tmp  string
	info SnapshotInfo
	size int64
}

// Add writes the next chunk.
func (w *SnapshotWriter) Add(chunk []byte) error {
	if err := writeSynced(filepath.Join(w.tmp, chunkName(w.info.Chunks)), chunk); err != nil {
		return err
	}
	sum := sha256.Sum256(chunk)
	w.info.Metadata = append(w.info.Metadata, sum[:]...)
	w.info.Chunks++
	w.size += int64(len(chunk))
	return nil
}

// Chunks is how many chunks were added, and their total size in bytes.
func (w *SnapshotWriter) Chunks() (uint32, int64) { return w.info.Chunks, w.size }

// Commit completes the snapshot and lists it, replacing one at the same
// height.
func (w *SnapshotWriter) Commit() (*SnapshotInfo, error) {
	if w.info.Chunks == 0 {
		w.Abort()
		return nil, errors.New("store: a snapshot needs at least one chunk")
	}
	sum := sha256.Sum256(w.info.Metadata)
	w.info.Hash = sum[:]
	meta, err := json.Marshal(&w.info)
	if err != nil {
		w.Abort()
		return nil, err
	}
	if err := writeSynced(filepath.Join(w.tmp, snapshotMeta), meta); err != nil {
		w.Abort()
		return nil, err
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	dst := w.s.path(w.info.Height)
	if err := os.RemoveAll(dst); err != nil {
		w.Abort()
		return nil, err
	}
	if err := os.Rename(w.tmp, dst); err != nil {
		w.Abort()
		return nil, err
	}
	info := w.info
	return &info, syncDir(w.s.dir)
}

// Abort deletes what was written.
func (w *SnapshotWriter) Abort() { os.RemoveAll(w.tmp) }

// Prune deletes all but the newest keep snapshots.
func (s *Snapshots) Prune(keep int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	all, err := s.list()
	if err != nil {
		return err
	}
	for i, info := range all {
		if i < keep {
			continue
		}
		if err := os.RemoveAll(s.path(info.Height)); err != nil {
			return err
		}
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
