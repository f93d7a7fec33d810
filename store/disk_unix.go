//go:build unix

package store

import "golang.org/x/sys/unix"

// FreeBytes is the space on dir's filesystem available to this process's
// user (what statfs calls available, not free: root's reserve excluded).
func FreeBytes(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
