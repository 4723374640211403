package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/kpkg/kpkg/pkg/kube"
)

func TestProgress(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	events := []kube.Event{
		{Object: "Deployment web", Status: status.InProgressStatus, Message: "Available: 0/1", Time: at},
		{Object: "Service web", Status: status.CurrentStatus, Message: "Service is ready", Time: at},
		{Object: "Deployment web", Status: status.CurrentStatus, Message: "Deployment is available", Time: at},
	}
	t.Run("one line per change off a terminal", func(t *testing.T) {
		var buf bytes.Buffer
		p := &progress{w: &buf, rows: map[string]kube.Event{}}
		for _, ev := range events {
			p.event(ev)
		}
		want := "03:04:05 Deployment web: InProgress Available: 0/1\n03:04:05 Service web: Current Service is ready\n03:04:05 Deployment web: Current Deployment is available\n"
		if buf.String() != want {
			t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
		}
	})
	t.Run("live table on a terminal", func(t *testing.T) {
		var buf bytes.Buffer
		p := &progress{w: &buf, tty: true, rows: map[string]kube.Event{}}
		for _, ev := range events {
			p.event(ev)
		}
		out := buf.String()
		// The last redraw moves up over the 3 lines drawn before and shows
		// each object once, with its latest status.
		last := out[strings.LastIndex(out, "\x1b[3A"):]
		if strings.Count(last, "Deployment web") != 1 || !strings.Contains(last, "Deployment is available") || strings.Contains(last, "Available: 0/1") {
			t.Errorf("last redraw:\n%q", last)
		}
	})
}

// TestHelmFieldNames: history and list print Helm's JSON field names.
func TestHelmFieldNames(t *testing.T) {
	h, _ := json.Marshal(historyEntry{})
	l, _ := json.Marshal(listEntry{})
	for _, want := range []string{`"revision"`, `"updated"`, `"status"`, `"chart"`, `"app_version"`, `"description"`} {
		if !strings.Contains(string(h), want) {
			t.Errorf("history JSON %s lacks %s", h, want)
		}
	}
	for _, want := range []string{`"name"`, `"namespace"`, `"revision"`, `"updated"`, `"status"`, `"chart"`, `"app_version"`} {
		if !strings.Contains(string(l), want) {
			t.Errorf("list JSON %s lacks %s", l, want)
		}
	}
}
