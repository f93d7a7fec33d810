//go:build unix

package devnet

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// held keeps the reservations this process took, open until it exits (the
// kernel then releases their locks): a network's ports stay reserved while
// one of its nodes is down and restarting.
var held struct {
	sync.Mutex
	files []*os.File
}

// reserve takes an exclusive reservation of port among the processes of
// this machine that draw ports with [FreePorts] (a lock on a file of the
// system temporary directory), or reports that another holds it.
func reserve(port int) bool {
	dir := filepath.Join(os.TempDir(), "redmx-ports")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return true // no reservations on this machine: the listen check alone
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(port)), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		// Held by another only when the lock would block; any other
		// error: no reservations here, the listen check alone.
		return !errors.Is(err, syscall.EWOULDBLOCK)
	}
	held.Lock()
	held.files = append(held.files, f)
	held.Unlock()
	return true
}
