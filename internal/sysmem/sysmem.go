package sysmem

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Total is the memory this process may use, in bytes: the host's (MemTotal
// of /proc/meminfo), or less where a cgroup limit is lower (systemd's
// MemoryMax=, a container's memory limit). ok is false when neither can be
// read (not Linux).
func Total() (total uint64, ok bool) {
	total, ok = memTotal("/proc/meminfo")
	if limit, lok := cgroupLimit("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"); lok && (!ok || limit < total) {
		total, ok = limit, true
	}
	return total, ok
}

// memTotal reads the MemTotal line of a meminfo file ("MemTotal: 2035700 kB").
func memTotal(path string) (uint64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !found {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil || kb == 0 || kb > 1<<50 {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}

// cgroupLimit reads the first readable cgroup memory limit (v2's
// memory.max, else v1's limit_in_bytes); "max" or a huge v1 value is none.
func cgroupLimit(paths ...string) (uint64, bool) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(bytes.TrimSpace(b))
		if s == "max" {
			return 0, false
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n == 0 || n >= 1<<60 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}
