package diff

import (
	"strings"
	"testing"
)

const oldManifest = `---
# Source: web/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  message: hello
  color: blue
---
# Source: web/templates/gone.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-gone
data:
  a: b
---
# Source: web/templates/same.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
# Source: web/templates/ingress.yaml
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: web
`

const newManifest = `---
# Source: web/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  message: bye
  color: blue
---
# Source: web/templates/same.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
# Source: web/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
---
# Source: web/templates/new.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: other
`

func TestManifests(t *testing.T) {
	changes, err := Manifests(oldManifest, newManifest, Options{Context: -1, Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := Write(&out, changes); err != nil {
		t.Fatal(err)
	}
	want := `shop, web-config, ConfigMap (v1) has changed:
  # Source: web/templates/config.yaml
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: web-config
  data:
-   message: hello
+   message: bye
    color: blue

shop, web, Ingress (networking.k8s.io/v1) has changed:
  # Source: web/templates/ingress.yaml
- apiVersion: networking.k8s.io/v1beta1
+ apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: web

other, web, Deployment (apps/v1) has been added:
+ # Source: web/templates/new.yaml
+ apiVersion: apps/v1
+ kind: Deployment
+ metadata:
+   name: web
+   namespace: other

shop, web-gone, ConfigMap (v1) has been removed:
- # Source: web/templates/gone.yaml
- apiVersion: v1
- kind: ConfigMap
- metadata:
-   name: web-gone
- data:
-   a: b

`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestContextLimitsUnchangedLines(t *testing.T) {
	old := "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\ndata:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  f: 6\n  g: 7\n"
	changed := strings.Replace(strings.Replace(old, "a: 1", "a: 9", 1), "g: 7", "g: 9", 1)
	changes, err := Manifests(old, changed, Options{Context: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(changes[0].Lines, "\n")
	want := "  data:\n-   a: 1\n+   a: 9\n    b: 2\n...\n    f: 6\n-   g: 7\n+   g: 9"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestIdenticalManifestsHaveNoChanges(t *testing.T) {
	changes, err := Manifests(oldManifest, oldManifest, Options{Context: -1})
	if err != nil || len(changes) != 0 {
		t.Fatalf("changes %v, err %v", changes, err)
	}
}

func TestSecretValuesAreRedacted(t *testing.T) {
	secret := func(password, user string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: " + password + "\n  user: " + user + "\n"
	}
	// "czNjcjN0" is base64 of "s3cr3t", "bmV3LXBhc3N3b3Jk" of "new-password".
	old, changed := secret("czNjcjN0", "cm9vdA=="), secret("bmV3LXBhc3N3b3Jk", "cm9vdA==")
	tests := []struct {
		name        string
		show        bool
		want, never []string
	}{
		{"redacted", false,
			[]string{"-   password: (redacted, 6 bytes)", "+   password: (redacted, 12 bytes, changed)", "    user: (redacted, 4 bytes)"},
			[]string{"czNjcjN0", "bmV3LXBhc3N3b3Jk", "cm9vdA=="}},
		{"shown", true,
			[]string{"-   password: czNjcjN0", "+   password: bmV3LXBhc3N3b3Jk"},
			[]string{"redacted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes, err := Manifests(old, changed, Options{Context: -1, ShowSecrets: tt.show})
			if err != nil || len(changes) != 1 {
				t.Fatalf("changes %v, err %v", changes, err)
			}
			got := strings.Join(changes[0].Lines, "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(got, n) {
					t.Errorf("shows %q:\n%s", n, got)
				}
			}
		})
	}
	if changes, _ := Manifests(old, old, Options{Context: -1}); len(changes) != 0 {
		t.Errorf("an unchanged Secret is reported: %v", changes)
	}
}

func TestMalformedManifestNamesTheDocument(t *testing.T) {
	_, err := Manifests("kind: A\nmetadata: [\n", "", Options{})
	if err == nil || !strings.Contains(err.Error(), "the current manifest") || !strings.Contains(err.Error(), "kind: A") {
		t.Fatalf("error %v", err)
	}
}
