//go:build !linux

package devnet

import (
	"os/exec"
	"syscall"
)

// childAttr puts a node in its own process group. Without Linux's
// parent-death signal, a node notices its supervisor's death by its
// standard input closing (see [StartProcesses]).
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func startChild(cmd *exec.Cmd) error { return cmd.Start() }
