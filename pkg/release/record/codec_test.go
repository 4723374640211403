package record

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEncodeDecode(t *testing.T) {
	in := &Release{Name: "web", Namespace: "shop", Version: 2,
		Info:  &Info{Status: StatusDeployed, LastDeployed: Time{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		Hooks: []*Hook{{Name: "t", Events: []string{"test"}}}}
	for _, level := range []Level{Default, Best} {
		data, err := Encode(in, level)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Decode(data, 0)
		if err != nil || out.Name != "web" || !out.Info.LastDeployed.Equal(in.Info.LastDeployed.Time) || !out.Hooks[0].IsTest() {
			t.Errorf("level %d: %+v, %v", level, out, err)
		}
	}
	// Helm 3 writes zero times as "" and always writes deleted.
	raw, _ := json.Marshal(in.Info)
	if !strings.Contains(string(raw), `"deleted":""`) || !strings.Contains(string(raw), `"first_deployed":""`) {
		t.Errorf("info JSON = %s", raw)
	}
}

func TestDecodeBoundsAndRejects(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"name":"`))
	zw.Write(bytes.Repeat([]byte("a"), 4<<20))
	zw.Write([]byte(`","info":{}}`))
	zw.Close()
	if _, err := Decode(bomb.Bytes(), 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a payload over the limit = %v, want ErrTooLarge", err)
	}
	for _, bad := range []string{`{"name":"x"}`, `[1]`, "\x1f\x8b\x08garbage"} {
		if _, err := Decode([]byte(bad), 0); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
}
