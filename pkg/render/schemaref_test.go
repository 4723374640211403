package render_test

import (
	"os"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// TestSchemaFileReferencesAreBounded: a schema may refer to files, as in
// Helm, but not to endless ones.
func TestSchemaFileReferencesAreBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	c := &chart.Chart{Metadata: &chart.Metadata{Name: "c", Version: "1.0.0", APIVersion: "v2"},
		Schema: []byte(`{"type":"object","properties":{"a":{"$ref":"file:///dev/zero"}}}`)}
	err := render.ValidateSchemas(c, render.Values{"a": 1})
	if err == nil || !strings.Contains(err.Error(), "not a regular file of at most") {
		t.Fatalf("got %v", err)
	}
}
