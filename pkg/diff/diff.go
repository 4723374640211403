// Package diff compares two rendered manifests object by object, the way a
// reviewer reads a change: which objects are added, removed or changed, and
// for each change the lines of its YAML that differ. It backs `kpkg diff`,
// which Helm lacks (its users install the helm-diff plugin).
//
// Secret values are never shown unless asked for: each is replaced by its
// length, marked when it differs from the old value.
package diff

import (
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/pmezard/go-difflib/difflib"
	"sigs.k8s.io/yaml"
)

// Options shape a comparison.
type Options struct {
	// Context is the number of unchanged lines shown around each change;
	// negative shows whole objects.
	Context int
	// ShowSecrets shows the values of Secrets instead of their lengths.
	ShowSecrets bool
	// Namespace names objects that do not set one, in the report.
	Namespace string
}

// Change is one object that differs between the manifests.
type Change struct {
	Action     string // "added", "removed" or "changed"
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// Lines are the object's YAML lines, each prefixed "+ ", "- " or "  ".
	Lines []string
}

// object is one document of a manifest.
type object struct {
	apiVersion, kind, namespace, name string
	text                              string
	fields                            map[string]any
}

// key identifies an object across revisions whatever its API version.
func (o *object) key() string {
	return manifest.NewID(o.apiVersion, o.kind, o.namespace, o.name).String()
}

// Manifests compares old and new, in the order of the new manifest, removed
// objects last.
func Manifests(old, new string, o Options) ([]Change, error) {
	before, err := parse(old, "the current manifest")
	if err != nil {
		return nil, err
	}
	after, err := parse(new, "the new manifest")
	if err != nil {
		return nil, err
	}
	byKey := map[string]*object{}
	for _, ob := range before {
		byKey[ob.key()] = ob
	}
	var changes []Change
	seen := map[string]bool{}
	for _, nb := range after {
		k := nb.key()
		seen[k] = true
		ob := byKey[k]
		if ob == nil {
			changes = append(changes, o.change("added", nil, nb))
			continue
		}
		if c := o.change("changed", ob, nb); len(c.Lines) > 0 {
			changes = append(changes, c)
		}
	}
	var removed []Change
	for _, ob := range before {
		if !seen[ob.key()] {
			removed = append(removed, o.change("removed", ob, nil))
		}
	}
	return append(changes, removed...), nil
}

func (o Options) change(action string, before, after *object) Change {
	id := after
	if id == nil {
		id = before
	}
	ns := id.namespace
	if ns == "" {
		ns = o.Namespace
	}
	c := Change{Action: action, APIVersion: id.apiVersion, Kind: id.kind, Namespace: ns, Name: id.name}
	oldText, newText := o.texts(before, after)
	if action == "changed" && oldText == newText {
		return c
	}
	c.Lines = lineDiff(splitLines(oldText), splitLines(newText), o.Context)
	return c
}

// texts returns the YAML shown for each side, with Secret values redacted
// unless ShowSecrets.
func (o Options) texts(before, after *object) (string, string) {
	text := func(ob *object) string {
		if ob == nil {
			return ""
		}
		return ob.text
	}
	isSecret := func(ob *object) bool { return ob != nil && ob.kind == "Secret" && ob.apiVersion == "v1" }
	if o.ShowSecrets || !isSecret(before) && !isSecret(after) {
		return text(before), text(after)
	}
	return redactSecrets(before, after)
}

// Write prints changes as the helm-diff plugin does: a header per object,
// then its lines.
func Write(w io.Writer, changes []Change) error {
	for _, c := range changes {
		if _, err := fmt.Fprintf(w, "%s, %s, %s (%s) has %s:\n", c.Namespace, c.Name, c.Kind, c.APIVersion, c.beenVerb()); err != nil {
			return err
		}
		for _, l := range c.Lines {
			if _, err := fmt.Fprintln(w, l); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}

func (c Change) beenVerb() string {
	if c.Action == "changed" {
		return "changed"
	}
	return "been " + c.Action
}

// parse splits a manifest into objects. Documents without a kind (empty or
// comments only) are skipped.
func parse(stream, what string) ([]*object, error) {
	var out []*object
	for _, doc := range manifest.SplitDocuments(stream) {
		var fields map[string]any
		if err := yaml.Unmarshal([]byte(doc), &fields); err != nil {
			return nil, fmt.Errorf("read %s: %w in document:\n%s", what, err, firstLines(doc, 3))
		}
		if fields == nil {
			continue
		}
		ob := &object{text: doc, fields: fields}
		ob.apiVersion, _ = fields["apiVersion"].(string)
		ob.kind, _ = fields["kind"].(string)
		meta, _ := fields["metadata"].(map[string]any)
		ob.name, _ = meta["name"].(string)
		ob.namespace, _ = meta["namespace"].(string)
		if ob.kind == "" {
			continue
		}
		out = append(out, ob)
	}
	return out, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// lineDiff marks each line of a and b as removed, added or kept, keeping
// only context kept lines around each run of changes when context >= 0.
func lineDiff(a, b []string, context int) []string {
	m := difflib.NewMatcher(a, b)
	var out []string
	emit := func(op difflib.OpCode) {
		switch op.Tag {
		case 'e':
			for _, l := range a[op.I1:op.I2] {
				out = append(out, "  "+l)
			}
		case 'd', 'r':
			for _, l := range a[op.I1:op.I2] {
				out = append(out, "- "+l)
			}
			if op.Tag == 'd' {
				return
			}
			fallthrough
		case 'i':
			for _, l := range b[op.J1:op.J2] {
				out = append(out, "+ "+l)
			}
		}
	}
	if context < 0 {
		for _, op := range m.GetOpCodes() {
			emit(op)
		}
		return out
	}
	for i, group := range m.GetGroupedOpCodes(context) {
		if i > 0 {
			out = append(out, "...")
		}
		for _, op := range group {
			emit(op)
		}
	}
	return out
}

// redactSecrets renders both sides of a Secret with each value of data and
// stringData replaced by its length, marked "changed" on the new side when
// it differs from the old value, so a reviewer sees which keys changed but
// not what they hold.
func redactSecrets(before, after *object) (string, string) {
	values := func(ob *object) map[string]string {
		out := map[string]string{}
		if ob == nil {
			return out
		}
		for _, field := range []string{"data", "stringData"} {
			m, _ := ob.fields[field].(map[string]any)
			for k, v := range m {
				out[field+"/"+k] = fmt.Sprint(v)
			}
		}
		return out
	}
	oldVals, newVals := values(before), values(after)
	render := func(ob *object, vals, other map[string]string, markChanged bool) string {
		if ob == nil {
			return ""
		}
		copied := map[string]any{}
		for k, v := range ob.fields {
			copied[k] = v
		}
		for _, field := range []string{"data", "stringData"} {
			m, ok := ob.fields[field].(map[string]any)
			if !ok {
				continue
			}
			red := map[string]any{}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				v := vals[field+"/"+k]
				size := len(v)
				if raw, err := base64.StdEncoding.DecodeString(v); field == "data" && err == nil {
					size = len(raw)
				}
				s := fmt.Sprintf("(redacted, %d bytes)", size)
				if prev, had := other[field+"/"+k]; markChanged && (!had || prev != v) {
					s = fmt.Sprintf("(redacted, %d bytes, changed)", size)
				}
				red[k] = s
			}
			copied[field] = red
		}
		b, err := yaml.Marshal(copied)
		if err != nil {
			return "(secret could not be shown: " + err.Error() + ")\n"
		}
		return string(b)
	}
	return render(before, oldVals, newVals, false), render(after, newVals, oldVals, true)
}
