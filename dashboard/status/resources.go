package status

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// Minimums of a node's host (the network's requirements): memory and disk.
const (
	MinMemory = 2 << 30
	MinDisk   = 25 << 30
)

// HostResources reads this host's CPU count, memory (from /proc/meminfo)
// and the disk holding dir. What cannot be read stays 0.
func HostResources(dir string) Resources {
	r := Resources{CPUs: runtime.NumCPU()}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		r.MemTotal = meminfo(data, "MemTotal:")
		r.MemFree = meminfo(data, "MemAvailable:")
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err == nil {
		r.DiskTotal = fs.Blocks * uint64(fs.Bsize)
		r.DiskFree = fs.Bavail * uint64(fs.Bsize)
	}
	return r
}

// meminfo returns the value in bytes of a /proc/meminfo line (in kB there).
func meminfo(data []byte, key string) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Bytes()
		if rest, ok := bytes.CutPrefix(line, []byte(key)); ok {
			f := bytes.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			kb, err := strconv.ParseUint(string(f[0]), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
