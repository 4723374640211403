package localcluster

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRemoveStaleRunDirs(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	live := startSleep(t, true)
	dead := &process{Name: "gone", PID: live.PID, StartTime: live.StartTime + 1}

	mk := func(procs []*process, age time.Duration) string {
		t.Helper()
		dir, err := TempRunDir("e2e-")
		if err != nil {
			t.Fatal(err)
		}
		l := layout{root: dir}
		if err := prepareRunDir(l); err != nil {
			t.Fatal(err)
		}
		if procs != nil {
			if err := writePIDs(l.pidsFile(), procs); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name     string
		dir      string
		wantKept bool
	}{
		{"processes gone", mk([]*process{dead}, 0), false},
		{"process alive", mk([]*process{live}, time.Hour), true},
		{"starting, no pids yet", mk(nil, 0), true},
		{"abandoned before any process", mk(nil, time.Hour), false},
	}
	if err := RemoveStaleRunDirs("e2e-"); err != nil {
		t.Fatalf("RemoveStaleRunDirs: %v", err)
	}
	for _, tt := range tests {
		_, err := os.Stat(tt.dir)
		if kept := err == nil; kept != tt.wantKept {
			t.Errorf("%s: kept=%v, want %v", tt.name, kept, tt.wantKept)
		}
	}
}

func TestRemoveRunDirRefusesForeignDirs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "precious"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := removeRunDir(layout{root: dir}); err == nil {
		t.Fatal("removeRunDir removed a directory without the run-dir marker")
	}
	if _, err := os.Stat(filepath.Join(dir, "precious")); err != nil {
		t.Errorf("foreign file gone: %v", err)
	}
}
