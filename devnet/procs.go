package devnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// NodeLog is the file in a node's home that receives its process's output.
const NodeLog = "node.log"

// Processes supervises a network's nodes running as child processes.
type Processes struct {
	net    *Network
	binary string
	logger *slog.Logger
	onExit func(*Process)
	edit   func(i int, cmd *exec.Cmd)

	mu       sync.Mutex
	procs    []*Process
	stopping bool
	wg       sync.WaitGroup
}

// Process is one node's OS process.
type Process struct {
	Name    string
	PID     int
	LogPath string

	cmd *exec.Cmd
	// stdin is the write end of the node's standard input, held open
	// while it runs: when this process dies the node reads end of file.
	stdin  *os.File
	exited chan struct{}
	state  *os.ProcessState // set before exited is closed
	err    error            // wait error, if any
	reason string           // the node's own last words, set before exited is closed
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Status describes how the process exited, after [Process.Exited]: the
// exit status, and the error the node stopped with if it printed one.
func (p *Process) Status() string {
	if p.err != nil {
		return p.err.Error()
	}
	if p.state == nil {
		return "running"
	}
	if p.reason != "" {
		return p.state.String() + ": " + p.reason
	}
	return p.state.String()
}

// exitLineTail bounds how much of the end of a node's log is read for its
// last words.
const exitLineTail = 64 << 10

// exitReason is the error a node printed last in its log after offset
// from (where this run's output began): the line "redmx: <error>" the
// command writes when it fails, or "".
func exitReason(logPath string, from int64) string {
	f, err := os.Open(logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	if _, err := f.Seek(max(from, st.Size()-exitLineTail), io.SeekStart); err != nil {
		return ""
	}
	tail, err := io.ReadAll(io.LimitReader(f, exitLineTail))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(tail), "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if r, ok := strings.CutPrefix(lines[i], "redmx: "); ok {
			return r
		}
	}
	return ""
}

// StartProcesses starts `binary start --home <home> --watch-stdin` for every
// node, each with its output appended to <home>/node.log, in its own process
// group so that a Ctrl-C at the terminal reaches only the supervisor, which
// then stops them. The nodes die with the supervisor, even when it is killed:
// on Linux the kernel sends them SIGTERM, and everywhere their standard
// input, a pipe this process holds, closes.
// A node that exits while not stopping is logged as an error with its PID,
// exit status and log path; the others keep running. onExit, if not nil, is
// called from the supervising goroutine for such a node.
func StartProcesses(net *Network, binary string, logger *slog.Logger, onExit func(*Process)) (*Processes, error) {
	return StartProcessesWith(net, binary, logger, onExit, nil)
}

// StartProcessesWith is [StartProcesses] with edit, if not nil, called on
// each node's command before every start and restart: fault tests run a
// node as another binary, with another environment, or in a network
// namespace (a wrapper that ends by exec'ing the node keeps its PID).
func StartProcessesWith(net *Network, binary string, logger *slog.Logger, onExit func(*Process), edit func(i int, cmd *exec.Cmd)) (*Processes, error) {
	ps := &Processes{net: net, binary: binary, logger: logger, onExit: onExit, edit: edit}
	for i := range net.Nodes {
		if _, err := ps.start(i); err != nil {
			ps.Stop(10 * time.Second)
			return nil, err
		}
	}
	return ps, nil
}

// Restart starts node i again with the same command, after its process has
// exited (it crashed, or a test killed it), and returns the new process.
// It must not run concurrently with [Processes.Stop].
func (ps *Processes) Restart(i int) (*Process, error) {
	ps.mu.Lock()
	if i < 0 || i >= len(ps.procs) {
		ps.mu.Unlock()
		return nil, fmt.Errorf("no node %d", i)
	}
	old, stopping := ps.procs[i], ps.stopping
	ps.mu.Unlock()
	if stopping {
		return nil, errors.New("processes are stopping")
	}
	select {
	case <-old.exited:
	default:
		return nil, fmt.Errorf("%s (pid %d) is still running", old.Name, old.PID)
	}
	return ps.start(i)
}

// start starts node i's process and the goroutine that waits for it, and
// records it as the i-th process.
func (ps *Processes) start(i int) (*Process, error) {
	info := ps.net.Nodes[i]
	home := ps.net.Home(i)
	logPath := filepath.Join(home, NodeLog)
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer out.Close() // the child has its own descriptor
	var logStart int64
	if st, err := out.Stat(); err == nil {
		logStart = st.Size()
	}
	stdin, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer stdin.Close()
	cmd := exec.Command(ps.binary, "start", "--home", home, "--watch-stdin")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, out
	cmd.SysProcAttr = childAttr()
	if ps.edit != nil {
		ps.edit(i, cmd)
	}
	if err := startChild(cmd); err != nil {
		stdinW.Close()
		return nil, fmt.Errorf("start %s: %w", info.Name, err)
	}
	p := &Process{Name: info.Name, PID: cmd.Process.Pid, LogPath: logPath, cmd: cmd, stdin: stdinW, exited: make(chan struct{})}
	ps.mu.Lock()
	if i < len(ps.procs) {
		ps.procs[i] = p
	} else {
		ps.procs = append(ps.procs, p)
	}
	ps.mu.Unlock()
	ps.logger.Info("node process started", "node", info.Name, "pid", p.PID, "log", logPath)
	ps.wg.Add(1)
	go func() {
		defer ps.wg.Done()
		err := cmd.Wait()
		p.stdin.Close()
		p.state = cmd.ProcessState
		if p.state != nil && !p.state.Success() {
			p.reason = exitReason(p.LogPath, logStart)
		}
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			p.err = err
		}
		close(p.exited)
		ps.mu.Lock()
		stopping := ps.stopping
		ps.mu.Unlock()
		if !stopping {
			ps.logger.Error("node process exited", "node", p.Name, "pid", p.PID, "status", p.Status(), "log", p.LogPath)
			if ps.onExit != nil {
				ps.onExit(p)
			}
		}
	}()
	return p, nil
}

// List returns the processes, in node order.
func (ps *Processes) List() []*Process {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]*Process(nil), ps.procs...)
}

// WaitReady waits until every node's JSON-RPC answers and every node has
// committed a block since this wait began (height 1 at least), so a resumed
// network is seen making progress. It fails at once if a process exits.
func (ps *Processes) WaitReady(ctx context.Context) error {
	first := make(map[int]int64) // first height seen per node
	return Poll(ctx, "every node's RPC and a new block", func() error {
		for i, p := range ps.List() {
			select {
			case <-p.exited:
				return Permanent(fmt.Errorf("%s (pid %d) exited: %s; see %s", p.Name, p.PID, p.Status(), p.LogPath))
			default:
			}
			info := ps.net.Nodes[i]
			if err := RPCAnswers(ctx, info.RPC); err != nil {
				return fmt.Errorf("%s rpc: %w", info.Name, err)
			}
			h, err := CometHeight(ctx, info.CometRPC)
			if err != nil {
				return fmt.Errorf("%s height: %w", info.Name, err)
			}
			h0, seen := first[i]
			if !seen {
				first[i], h0 = h, h
			}
			if want := max(1, h0+1); h < want {
				return fmt.Errorf("%s at height %d, waiting for %d", info.Name, h, want)
			}
		}
		return nil
	})
}

// Stop sends SIGTERM to every running node by PID, waits up to timeout for
// them to exit, then sends SIGKILL to those still running and waits for them.
func (ps *Processes) Stop(timeout time.Duration) {
	ps.mu.Lock()
	ps.stopping = true
	procs := append([]*Process(nil), ps.procs...)
	ps.mu.Unlock()
	for _, p := range procs {
		select {
		case <-p.exited:
			continue
		default:
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			ps.logger.Warn("signal node", "node", p.Name, "pid", p.PID, "err", err)
		}
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, p := range procs {
		select {
		case <-p.exited:
			ps.logger.Info("node process stopped", "node", p.Name, "pid", p.PID, "status", p.Status())
		case <-deadline.C:
			deadline.Reset(0) // the rest are already late
			ps.logger.Warn("node did not stop in time, killing", "node", p.Name, "pid", p.PID, "timeout", timeout)
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	ps.wg.Wait()
}
