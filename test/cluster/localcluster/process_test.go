package localcluster

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func startSleep(t *testing.T, detach bool) *process {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	p, err := startProcess(procSpec{
		name: "sleep", path: sleep, args: []string{"60"},
		log: filepath.Join(t.TempDir(), "sleep.log"), detach: detach,
	})
	if err != nil {
		t.Fatalf("startProcess: %v", err)
	}
	t.Cleanup(func() { _ = p.stop(time.Second) })
	return p
}

func TestProcessStop(t *testing.T) {
	p := startSleep(t, false)
	if !p.isOurs() || p.StartTime == 0 {
		t.Fatalf("fresh process: isOurs=%v startTime=%d, want true and non-zero", p.isOurs(), p.StartTime)
	}
	if err := p.stop(5 * time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if done, _ := p.exited(); !done {
		t.Error("process still running after stop")
	}
}

// A process loaded from a pids file is stopped by PID only while the PID
// still names the process that was started.
func TestProcessFromPIDsFile(t *testing.T) {
	p := startSleep(t, true)
	path := filepath.Join(t.TempDir(), "pids.json")
	if err := writePIDs(path, []*process{p}); err != nil {
		t.Fatal(err)
	}
	loaded, err := readPIDs(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 1 || loaded[0].PID != p.PID {
		t.Fatalf("readPIDs = %+v, want the started process", loaded)
	}

	reused := *loaded[0]
	reused.StartTime++
	if reused.isOurs() {
		t.Error("a PID with another start time counts as ours; a reused PID could be killed")
	}
	if err := reused.stop(time.Second); err != nil || !p.isOurs() {
		t.Fatalf("stop of a foreign process: err=%v, still alive=%v; want it left alone", err, p.isOurs())
	}

	if err := loaded[0].stop(5 * time.Second); err != nil {
		t.Fatalf("stop: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Error("process not reaped after stop")
	}
}
