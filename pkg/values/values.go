// Package values owns the values a user supplies on the command line: -f
// files merged in order, then --set-json, --set, --set-string, --set-file and
// --set-literal, parsed exactly as Helm parses them (helm.sh/helm/v3/pkg/strvals).
package values

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"helm.sh/helm/v3/pkg/strvals"

	"github.com/kpkg/kpkg/pkg/internal/yamldec"
)

// Options are the value flags of one command. The zero value supplies no values.
type Options struct {
	// Files are -f/--values paths ("-" reads Stdin), merged in order.
	Files []string
	// JSON are --set-json entries.
	JSON []string
	// Set are --set entries.
	Set []string
	// String are --set-string entries.
	String []string
	// File are --set-file entries (key=path).
	File []string
	// Literal are --set-literal entries.
	Literal []string
	// Stdin is read for a "-" file; nil means os.Stdin.
	Stdin io.Reader
	// ReadFile reads value files; nil means os.ReadFile. Callers plug in
	// remote getters here.
	ReadFile func(ctx context.Context, name string) ([]byte, error)
}

// Kind is the kind of a key=value assignment, as the flag family names
// them: --set, --set-string, --set-json, --set-file, --set-literal.
type Kind int

// Kinds of assignments.
const (
	KindSet Kind = iota
	KindString
	KindJSON
	KindFile
	KindLiteral
)

func (k Kind) String() string {
	return [...]string{"value", "string", "JSON", "file", "literal"}[k]
}

// SetError is an assignment that could not be parsed or applied.
type SetError struct {
	Kind  Kind
	Value string
	Err   error
}

func (e *SetError) Error() string {
	return fmt.Sprintf("parse %s assignment %q: %v", e.Kind, e.Value, e.Err)
}
func (e *SetError) Unwrap() error { return e.Err }

// Merge returns the merged user values.
func (o Options) Merge(ctx context.Context) (map[string]any, error) {
	base := map[string]any{}
	for _, name := range o.Files {
		data, err := o.read(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("read values file %s: %w", name, err)
		}
		cur := map[string]any{}
		if err := yamldec.UnmarshalMap(data, &cur); err != nil {
			return nil, fmt.Errorf("values file %s: cannot parse: %w", name, err)
		}
		base = mergeMaps(base, cur)
	}
	for _, v := range o.JSON {
		if err := strvals.ParseJSON(v, base); err != nil {
			return nil, &SetError{Kind: KindJSON, Value: v, Err: err}
		}
	}
	for _, v := range o.Set {
		if err := strvals.ParseInto(v, base); err != nil {
			return nil, &SetError{Kind: KindSet, Value: v, Err: err}
		}
	}
	for _, v := range o.String {
		if err := strvals.ParseIntoString(v, base); err != nil {
			return nil, &SetError{Kind: KindString, Value: v, Err: err}
		}
	}
	for _, v := range o.File {
		reader := func(rs []rune) (any, error) {
			data, err := o.read(ctx, string(rs))
			if err != nil {
				return nil, err
			}
			return string(data), nil
		}
		if err := strvals.ParseIntoFile(v, base, reader); err != nil {
			return nil, &SetError{Kind: KindFile, Value: v, Err: err}
		}
	}
	for _, v := range o.Literal {
		if err := strvals.ParseLiteralInto(v, base); err != nil {
			return nil, &SetError{Kind: KindLiteral, Value: v, Err: err}
		}
	}
	return base, nil
}

func (o Options) read(ctx context.Context, name string) ([]byte, error) {
	if strings.TrimSpace(name) == "-" {
		in := o.Stdin
		if in == nil {
			in = os.Stdin
		}
		return io.ReadAll(in)
	}
	if o.ReadFile != nil {
		return o.ReadFile(ctx, name)
	}
	return os.ReadFile(name)
}

// mergeMaps merges b over a: tables merge key by key, anything else replaces.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
