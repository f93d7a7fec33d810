package sysmem

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Total is the memory this process may use, in bytes: the host's (MemTotal
// of /proc/meminfo), or less where a cgroup limit is lower (systemd's
// MemoryMax=, a container's memory limit). ok is false when neither can be
// read (not Linux).
func Total() (total uint64, ok bool) {
	total, ok = memTotal("/proc/meminfo")
	for _, p := range cgroupFiles("/proc/self/cgroup", "/sys/fs/cgroup") {
		if limit, lok := cgroupLimit(p); lok && (!ok || limit < total) {
			total, ok = limit, true
		}
	}
	return total, ok
}

// cgroupFiles lists the memory limit files of this process's cgroup and of
// every cgroup above it (a limit on a slice bounds the services in it), as
// /proc/self/cgroup names them: v2's memory.max under the unified
// hierarchy, v1's memory.limit_in_bytes under the memory controller's.
func cgroupFiles(self, root string) []string {
	b, err := os.ReadFile(self)
	if err != nil {
		return nil
	}
	var files []string
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || strings.Contains(parts[2], "..") {
			continue
		}
		var dir, name string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir, name = root, "memory.max"
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			dir, name = filepath.Join(root, "memory"), "memory.limit_in_bytes"
		default:
			continue
		}
		// From the process's own cgroup up to the hierarchy's root, which
		// is the whole host (or a container's cgroup namespace).
		for p := filepath.Clean("/" + parts[2]); ; p = filepath.Dir(p) {
			files = append(files, filepath.Join(dir, p, name))
			if p == "/" {
				break
			}
		}
	}
	return files
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

// cgroupLimit reads a cgroup memory limit file (v2's memory.max, v1's
// limit_in_bytes); a missing file, "max" or a huge v1 value is no limit.
func cgroupLimit(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n == 0 || n >= 1<<60 {
		return 0, false
	}
	return n, true
}
