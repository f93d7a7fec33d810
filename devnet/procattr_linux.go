package devnet

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// childAttr puts a node in its own process group and has the kernel send
// it SIGTERM when the supervisor dies, even by SIGKILL.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// The parent-death signal fires when the OS thread that forked the child
// exits, not the process; Go may end an idle thread. So every child is
// started from one goroutine locked to its thread for the process's life.
var starter struct {
	once sync.Once
	reqs chan startRequest
}

type startRequest struct {
	cmd *exec.Cmd
	err chan<- error
}

func startChild(cmd *exec.Cmd) error {
	starter.once.Do(func() {
		starter.reqs = make(chan startRequest)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for r := range starter.reqs {
				r.err <- r.cmd.Start()
			}
		}()
	})
	errc := make(chan error, 1)
	starter.reqs <- startRequest{cmd: cmd, err: errc}
	return <-errc
}
