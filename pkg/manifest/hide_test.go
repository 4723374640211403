package manifest

import "testing"

func TestHideSecrets(t *testing.T) {
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: dg==\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"no secret", "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n", "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\n"},
		{"secret among others",
			"---\n# Source: c/templates/cm.yaml\nkind: ConfigMap\napiVersion: v1\n---\n# Source: c/templates/s.yaml\n" + secret + "---\n# Source: c/templates/d.yaml\nkind: Deployment\n",
			"---\n# Source: c/templates/cm.yaml\nkind: ConfigMap\napiVersion: v1\n---\n# Source: c/templates/s.yaml\n" + HiddenSecret + "\n---\n# Source: c/templates/d.yaml\nkind: Deployment\n"},
		{"quoted and flow", "---\n# Source: c/t.yaml\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}\n", "---\n# Source: c/t.yaml\n" + HiddenSecret + "\n"},
		{"other API group", "---\n# Source: c/t.yaml\napiVersion: example.com/v1\nkind: Secret\n", "---\n# Source: c/t.yaml\napiVersion: example.com/v1\nkind: Secret\n"},
		{"indented separator inside a body is not a document start", "---\n# Source: c/t.yaml\napiVersion: v1\nkind: Secret\nstringData:\n  x: |\n    ---\n    # Source: c/s.yaml\n---\n# Source: c/cm.yaml\nkind: ConfigMap\n",
			"---\n# Source: c/t.yaml\n" + HiddenSecret + "\n---\n# Source: c/cm.yaml\nkind: ConfigMap\n"},
		{"unreadable document kept", "---\n# Source: c/t.yaml\nkind: [\n", "---\n# Source: c/t.yaml\nkind: [\n"},
	}
	for _, tt := range tests {
		if got := HideSecrets(tt.in); got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
