package localcluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one cluster component this package started. Name, PID and
// StartTime are recorded in the run directory so another invocation can
// stop exactly this process later, even after its PID has been reused.
type process struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	// StartTime is field 22 of /proc/PID/stat (clock ticks since boot).
	StartTime uint64 `json:"startTime"`
	Log       string `json:"log"`

	// done is closed when the process has been reaped; nil for a process
	// loaded from a run directory (its parent was another invocation).
	done    chan struct{}
	waitErr error
}

// procSpec describes how to start a component.
type procSpec struct {
	name string
	path string
	args []string
	env  []string
	log  string
	// detach keeps the process alive after this program exits; otherwise
	// the kernel kills it when the thread that started it dies, so a
	// crashed test binary leaves nothing behind.
	detach bool
}

func startProcess(spec procSpec) (*process, error) {
	logFile, err := os.OpenFile(spec.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log for %s: %w", spec.name, err)
	}
	defer logFile.Close()

	cmd := exec.Command(spec.path, spec.args...)
	cmd.Env = spec.env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// A session of its own: ^C in the terminal or a closing terminal does
	// not reach the cluster, and the whole group can be signalled at once.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if !spec.detach {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.name, err)
	}
	p := &process{Name: spec.name, PID: cmd.Process.Pid, Log: spec.log, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if st, err := readStat(p.PID); err == nil {
		p.StartTime = st.startTime
	}
	return p, nil
}

// exited reports whether the process has ended, and how.
func (p *process) exited() (bool, error) {
	if p.done != nil {
		select {
		case <-p.done:
			return true, p.waitErr
		default:
			return false, nil
		}
	}
	return !p.isOurs(), nil
}

// isOurs reports whether p.PID still names the process we started and it
// has not ended (a zombie has ended).
func (p *process) isOurs() bool {
	st, err := readStat(p.PID)
	if err != nil {
		return false
	}
	return st.state != 'Z' && (p.StartTime == 0 || st.startTime == p.StartTime)
}

// stop sends SIGTERM to the process's group, waits up to grace, then
// sends SIGKILL and waits again. A process that is no longer ours is left
// alone.
func (p *process) stop(grace time.Duration) error {
	if done, _ := p.exited(); done {
		return nil
	}
	if !p.isOurs() {
		return nil
	}
	_ = syscall.Kill(-p.PID, syscall.SIGTERM)
	if p.wait(grace) {
		return nil
	}
	_ = syscall.Kill(-p.PID, syscall.SIGKILL)
	if p.wait(10 * time.Second) {
		return nil
	}
	return fmt.Errorf("%s (pid %d) still running after SIGKILL", p.Name, p.PID)
}

// wait polls until the process has ended or timeout passes.
func (p *process) wait(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if done, _ := p.exited(); done {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logTail returns the last lines of the process's log, for error messages.
func (p *process) logTail(lines int) string {
	data, err := os.ReadFile(p.Log)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

type procStat struct {
	state     byte
	startTime uint64
}

// readStat reads the state and start time of a process from /proc.
func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, fmt.Errorf("read stat of pid %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces and parentheses; the
	// fields after its closing parenthesis start with the state (field 3).
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return procStat{}, errors.New("malformed /proc stat")
	}
	fields := strings.Fields(string(data[end+1:]))
	if len(fields) < 20 {
		return procStat{}, errors.New("short /proc stat")
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("parse start time of pid %d: %w", pid, err)
	}
	return procStat{state: fields[0][0], startTime: start}, nil
}
