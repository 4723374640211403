package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestReleaseLifecycle walks one release of the test chart through install,
// upgrade, every read command, rollback, test and uninstall, checking the
// live objects and the stored revisions after each step.
func TestReleaseLifecycle(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	ctx := context.Background()
	chart := testChart("basic")

	r := mustKpkg(t, ns, "install", "web", chart, "--wait", "--set", "extra=true,kept=true")
	for _, want := range []string{"NAME: web", "STATUS: deployed", "REVISION: 1", "NOTES:\nRelease web says hello."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("install output lacks %q:\n%s", want, r.stdout)
		}
	}
	cm, err := env.Client.CoreV1().ConfigMaps(ns).Get(ctx, "web-config", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("installed ConfigMap: %v", err)
	}
	if cm.Labels["app.kubernetes.io/managed-by"] != "Helm" || cm.Annotations["meta.helm.sh/release-name"] != "web" ||
		cm.Annotations["meta.helm.sh/release-namespace"] != ns {
		t.Errorf("ownership metadata missing: labels %v annotations %v", cm.Labels, cm.Annotations)
	}
	if !hasManager(cm.ManagedFields, "helm", "Apply") {
		t.Errorf("ConfigMap not applied server-side with Helm's field manager: %+v", cm.ManagedFields)
	}
	dep, err := env.Client.AppsV1().Deployments(ns).Get(ctx, "web-web", metav1.GetOptions{})
	if err != nil || dep.Status.AvailableReplicas != 1 {
		t.Fatalf("after install --wait the Deployment is not available: %v %+v", err, dep.Status)
	}
	secrets := releaseSecrets(t, ns, "web")
	if len(secrets) != 1 || secrets[0].Name != "sh.helm.release.v1.web.v1" || string(secrets[0].Type) != "helm.sh/release.v1" ||
		secrets[0].Labels["status"] != "deployed" || secrets[0].Labels["owner"] != "helm" {
		t.Fatalf("stored revisions after install: %+v", secretNames(secrets))
	}

	mustKpkg(t, ns, "upgrade", "web", chart, "--wait", "--set", "message=bye")
	wantHistory(t, ns, "web", "1:superseded 2:deployed")
	if msg, _ := configMapData(t, ns, "web-config", "message"); msg != "bye" {
		t.Errorf("after upgrade message = %q, want bye", msg)
	}
	if _, ok := configMapData(t, ns, "web-extra", "extra"); ok {
		t.Errorf("web-extra, no longer rendered, survived the upgrade")
	}
	if _, ok := configMapData(t, ns, "web-kept", "kept"); !ok {
		t.Errorf("web-kept (resource-policy: keep) was deleted by the upgrade")
	}

	checkReadCommands(t, ns)
	checkDiff(t, ns, chart)

	mustKpkg(t, ns, "rollback", "web", "1", "--wait")
	h := wantHistory(t, ns, "web", "1:superseded 2:superseded 3:deployed")
	if h[2].Description != "Rollback to 1" || h[2].Chart != "basic-0.1.0" || h[2].AppVersion != "1.0" || h[2].Updated.IsZero() {
		t.Errorf("rollback revision = %+v", h[2])
	}
	if msg, _ := configMapData(t, ns, "web-config", "message"); msg != "hello" {
		t.Errorf("after rollback message = %q, want hello", msg)
	}
	if _, ok := configMapData(t, ns, "web-extra", "extra"); !ok {
		t.Errorf("rollback to revision 1 did not restore web-extra")
	}

	r = mustKpkg(t, ns, "test", "web")
	if !strings.Contains(r.stdout, "TEST SUITE:     web-smoke-test") || !strings.Contains(r.stdout, "Phase:          Succeeded") {
		t.Errorf("test output:\n%s", r.stdout)
	}
	// The run is stored with the revision: status shows it, and a test
	// run that skips the only test keeps it.
	if r = mustKpkg(t, ns, "status", "web"); !strings.Contains(r.stdout, "Phase:          Succeeded") {
		t.Errorf("status after test does not show the test run:\n%s", r.stdout)
	}
	// --logs reads each test hook as a pod of its name, as Helm does: this
	// test is a Job, so there is no such pod, and the results come first.
	r = failKpkg(t, ns, []string{`read the logs of test pod web-smoke-test`, `pods "web-smoke-test" not found`}, "test", "web", "--logs")
	if !strings.Contains(r.stdout, "TEST SUITE:     web-smoke-test") {
		t.Errorf("test --logs did not print the results before the logs:\n%s", r.stdout)
	}
	if r = mustKpkg(t, ns, "test", "web", "--filter", "!name=web-smoke-test"); !strings.Contains(r.stdout, "Phase:          Succeeded") {
		t.Errorf("test --filter excluding every test:\n%s", r.stdout)
	}

	// --reuse-values keeps revision 3's values (those of revision 1).
	mustKpkg(t, ns, "upgrade", "web", chart, "--reuse-values", "--set", "replicas=2", "--wait")
	if _, ok := configMapData(t, ns, "web-extra", "extra"); !ok {
		t.Errorf("--reuse-values lost extra=true")
	}
	if dep, _ := env.Client.AppsV1().Deployments(ns).Get(ctx, "web-web", metav1.GetOptions{}); dep == nil || dep.Status.AvailableReplicas != 2 {
		t.Errorf("after upgrade --wait to 2 replicas: %+v", dep)
	}

	r = mustKpkg(t, ns, "uninstall", "web", "--keep-history", "--wait")
	if !strings.Contains(r.stdout, `release "web" uninstalled`) || !strings.Contains(r.stdout, "ConfigMap web-kept") {
		t.Errorf("uninstall output:\n%s", r.stdout)
	}
	if _, err := env.Client.AppsV1().Deployments(ns).Get(ctx, "web-web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Deployment survived uninstall: %v", err)
	}
	wantHistory(t, ns, "web", "1:superseded 2:superseded 3:superseded 4:uninstalled")
	if names := listNames(t, ns, "--uninstalled"); names != "web" {
		t.Errorf("list --uninstalled = %q", names)
	}
	mustKpkg(t, ns, "uninstall", "web")
	if s := releaseSecrets(t, ns, "web"); len(s) != 0 {
		t.Errorf("uninstall left stored revisions: %v", secretNames(s))
	}
	if _, err := env.Client.CoordinationV1().Leases(ns).Get(ctx, "kpkg.release.web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the release lock outlived the release: %v", err)
	}
	failKpkg(t, ns, []string{`release "web"`, "not found"}, "status", "web")
}

// checkDiff: with revision 2 of "web" deployed (message=bye; revision 1 had
// message=hello and the extra and kept ConfigMaps), diff reports what an
// upgrade or rollback would change, and --detailed-exitcode tells CI
// whether anything would.
func checkDiff(t *testing.T, ns, chart string) {
	t.Helper()
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"diff", "upgrade", "web", chart, "--set", "message=later", "--detailed-exitcode"}, 2, []string{
			ns + ", web-config, ConfigMap (v1) has changed:", `-   message: "bye"`, `+   message: "later"`, `+   revision: "3"`}},
		{[]string{"diff", "revision", "web", "2", "--detailed-exitcode"}, 0, nil},
		{[]string{"diff", "upgrade", "web", chart, "--set", "message=bye,hook.enabled=true"}, 0, []string{
			ns + ", web-migrate, Job (batch/v1) has been added:"}},
		{[]string{"diff", "rollback", "web"}, 0, []string{
			`+   message: "hello"`, ns + ", web-extra, ConfigMap (v1) has been added:", ns + ", web-kept, ConfigMap (v1) has been added:"}},
		{[]string{"diff", "revision", "web", "1", "2", "-C", "0"}, 0, []string{
			"web-extra, ConfigMap (v1) has been removed:", "-   message: \"hello\"\n-   revision: \"1\"\n+   message: \"bye\"\n"}},
	}
	if r := mustKpkg(t, ns, "diff", "upgrade", "web", chart, "--set", "message=bye,hook.enabled=true", "--no-hooks"); strings.Contains(r.stdout, "web-migrate") {
		t.Errorf("diff --no-hooks compares hooks:\n%s", r.stdout)
	}
	for _, tt := range tests {
		r := kpkg(t, ns, tt.args...)
		if r.code != tt.code {
			t.Errorf("kpkg %s: exit code %d, want %d\n%s", strings.Join(tt.args, " "), r.code, tt.code, r)
		}
		if tt.want == nil && r.stdout != "" {
			t.Errorf("kpkg %s reports changes between identical revisions:\n%s", strings.Join(tt.args, " "), r.stdout)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("kpkg %s: output lacks %q:\n%s", strings.Join(tt.args, " "), w, r.stdout)
			}
		}
	}
}

// checkReadCommands: list, status, get work on revision 2 of "web".
func checkReadCommands(t *testing.T, ns string) {
	t.Helper()
	var list []map[string]string
	r := mustKpkg(t, ns, "list", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
		t.Fatalf("list -o json: %v\n%s", err, r.stdout)
	}
	want := map[string]string{"name": "web", "namespace": ns, "revision": "2", "status": "deployed", "chart": "basic-0.1.0", "app_version": "1.0"}
	for k, v := range want {
		if list[0][k] != v {
			t.Errorf("list[0].%s = %q, want %q", k, list[0][k], v)
		}
	}
	if list[0]["updated"] == "" {
		t.Errorf("list entry has no updated time")
	}
	if names := listNames(t, ns, "--max", "1", "--date", "-r"); names != "web" {
		t.Errorf("list --max 1 --date -r = %q", names)
	}
	if names := listNames(t, ns, "--offset", "1"); names != "" {
		t.Errorf("list --offset 1 with one release = %q", names)
	}
	r = mustKpkg(t, ns, "list", "--time-format", "2006", "--no-headers")
	if year := fmt.Sprint(time.Now().Year()); !slices.Contains(strings.Fields(r.stdout), year) {
		t.Errorf("list --time-format 2006 does not show the year %s:\n%s", year, r.stdout)
	}

	var status struct {
		Info      struct{ Status string }
		Resources []struct{ Kind, Name, Status string }
	}
	r = mustKpkg(t, ns, "status", "web", "-o", "json", "--show-resources")
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, r.stdout)
	}
	if status.Info.Status != "deployed" || len(status.Resources) != 3 {
		t.Errorf("status = %+v", status)
	}
	for _, res := range status.Resources {
		if res.Status != "Current" {
			t.Errorf("%s %s is %s, want Current", res.Kind, res.Name, res.Status)
		}
	}
	if r := mustKpkg(t, ns, "status", "web", "--show-resources"); !strings.Contains(r.stdout, "RESOURCES:") || !strings.Contains(r.stdout, "Deployment") {
		t.Errorf("status table lacks resources:\n%s", r.stdout)
	}
	if r := mustKpkg(t, ns, "status", "web"); strings.Contains(r.stdout, "RESOURCES:") {
		t.Errorf("status without --show-resources lists resources, which Helm does not:\n%s", r.stdout)
	}

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"get", "values", "web"}, "USER-SUPPLIED VALUES:\nmessage: bye"},
		{[]string{"get", "values", "web", "--all"}, "replicas: 1"},
		{[]string{"get", "values", "web", "--revision", "1", "-o", "json"}, `"extra":true`},
		{[]string{"get", "manifest", "web"}, "name: web-config"},
		{[]string{"get", "notes", "web"}, "Release web says bye."},
		{[]string{"get", "hooks", "web"}, "helm.sh/hook: test"},
		{[]string{"get", "metadata", "web", "-o", "json"}, `"revision":2,"status":"deployed"`},
		{[]string{"get", "all", "web"}, "COMPUTED VALUES:"},
	}
	for _, tt := range tests {
		if r := mustKpkg(t, ns, tt.args...); !strings.Contains(r.stdout, tt.want) {
			t.Errorf("kpkg %s: output lacks %q:\n%s", strings.Join(tt.args, " "), tt.want, r.stdout)
		}
	}
}

func listNames(t *testing.T, ns string, flags ...string) string {
	t.Helper()
	r := mustKpkg(t, ns, append([]string{"list", "-q"}, flags...)...)
	return strings.Join(strings.Fields(r.stdout), ",")
}

func hasManager(fields []metav1.ManagedFieldsEntry, manager, op string) bool {
	for _, f := range fields {
		if f.Manager == manager && string(f.Operation) == op {
			return true
		}
	}
	return false
}

func secretNames(items []corev1.Secret) []string {
	var out []string
	for _, s := range items {
		out = append(out, s.Name)
	}
	return out
}

// TestTodoAppRelease is the demo's cycle on charts/todo-app with its default
// values (MongoDB on a PersistentVolumeClaim): install, upgrade the User API
// to 3 replicas, roll back, uninstall, asserting the live objects, the env
// wiring and that the generated MongoDB password survives the upgrade. It
// reports the wall times and the size of the stored revisions.
func TestTodoAppRelease(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	ctx := context.Background()
	chart := repoChart("todo-app")

	install := mustKpkg(t, ns, "install", "todo", chart, "--wait")
	pw := secretValue(t, ns, "todo-mongodb")
	wantReplicas(t, ns, map[string]int32{"todo-todo-app-todo-ui": 1, "todo-todo-app-todo-api": 1, "todo-todo-app-user-api": 2})
	if sts, err := env.Client.AppsV1().StatefulSets(ns).Get(ctx, "todo-mongodb", metav1.GetOptions{}); err != nil || sts.Status.ReadyReplicas != 1 {
		t.Fatalf("MongoDB StatefulSet not ready after install --wait: %+v (%v)", sts.Status, err)
	}
	wantEnvWiring(t, ns)

	upgrade := mustKpkg(t, ns, "upgrade", "todo", chart, "--wait", "--set", "userApi.replicaCount=3")
	if got := secretValue(t, ns, "todo-mongodb"); got != pw {
		t.Errorf("the MongoDB password changed on upgrade: lookup did not read the live Secret")
	}
	wantReplicas(t, ns, map[string]int32{"todo-todo-app-user-api": 3})

	rollback := mustKpkg(t, ns, "rollback", "todo", "1", "--wait")
	wantHistory(t, ns, "todo", "1:superseded 2:superseded 3:deployed")
	wantReplicas(t, ns, map[string]int32{"todo-todo-app-user-api": 2})
	if got := secretValue(t, ns, "todo-mongodb"); got != pw {
		t.Errorf("the MongoDB password changed on rollback")
	}

	t.Logf("charts/todo-app wall time: install --wait %s, upgrade --wait %s, rollback --wait %s",
		install.took.Round(time.Millisecond), upgrade.took.Round(time.Millisecond), rollback.took.Round(time.Millisecond))
	for _, s := range releaseSecrets(t, ns, "todo") {
		t.Logf("stored revision %s: %d bytes (data + annotations)", s.Name, secretSize(s))
	}

	r := mustKpkg(t, ns, "uninstall", "todo", "--wait")
	for _, name := range []string{"todo-todo-app-todo-ui", "todo-todo-app-todo-api", "todo-todo-app-user-api"} {
		if _, err := env.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
			t.Errorf("Deployment %s still exists after uninstall", name)
		}
	}
	if left := releaseSecrets(t, ns, "todo"); len(left) != 0 {
		t.Errorf("uninstall left %d release Secrets", len(left))
	}
	// The MongoDB volume outlives the release, and so does the password it
	// was initialised with: a reinstall reads it back.
	if !strings.Contains(r.stdout, "Secret todo-mongodb") {
		t.Errorf("uninstall does not report keeping the MongoDB Secret:\n%s", r.stdout)
	}
	mustKpkg(t, ns, "install", "todo", chart)
	if got := secretValue(t, ns, "todo-mongodb"); got != pw {
		t.Errorf("reinstalling over the kept volume generated a new MongoDB password")
	}
	mustKpkg(t, ns, "uninstall", "todo")
}

// wantReplicas checks each Deployment's desired and available replicas.
func wantReplicas(t *testing.T, ns string, want map[string]int32) {
	t.Helper()
	for name, n := range want {
		d, err := env.Client.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("Deployment %s: %v", name, err)
		}
		if *d.Spec.Replicas != n || d.Status.AvailableReplicas != n {
			t.Errorf("Deployment %s: spec %d, available %d; want %d", name, *d.Spec.Replicas, d.Status.AvailableReplicas, n)
		}
	}
}

// wantEnvWiring checks that the APIs read their settings from their
// ConfigMaps and their credentials from the Secrets, as the chart promises.
func wantEnvWiring(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	if url, _ := configMapData(t, ns, "todo-todo-app-todo-api", "MONGODB_URL"); url != "mongodb://todo-mongodb:27017/?authSource=admin" {
		t.Errorf("todo-api MONGODB_URL = %q", url)
	}
	if url, _ := configMapData(t, ns, "todo-todo-app-todo-api", "USER_API_BASE_URL"); url != "http://todo-todo-app-user-api:80" {
		t.Errorf("todo-api USER_API_BASE_URL = %q", url)
	}
	for component, secretEnv := range map[string][]string{
		"todo-api": {"AZURE_APP_ID", "AD_IDENTITY_META_DATA_URL", "AZURE_CLIENT_SECRET", "MONGODB_PASSWORD"},
		"user-api": {"AZURE_APP_ID", "AZURE_IDENTITY_META_DATA", "MONGODB_PASSWORD"},
	} {
		name := "todo-todo-app-" + component
		d, err := env.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("Deployment %s: %v", name, err)
		}
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != name {
			t.Errorf("%s does not load ConfigMap %s: %+v", component, name, c.EnvFrom)
		}
		fromSecret := map[string]string{}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				fromSecret[e.Name] = e.ValueFrom.SecretKeyRef.Name
			}
		}
		for _, v := range secretEnv {
			if fromSecret[v] == "" {
				t.Errorf("%s: %s is not read from a Secret (%v)", component, v, fromSecret)
			}
		}
		if fromSecret["MONGODB_PASSWORD"] != "todo-mongodb" {
			t.Errorf("%s: MONGODB_PASSWORD comes from %q, want the mongodb Secret", component, fromSecret["MONGODB_PASSWORD"])
		}
	}
}

func secretValue(t *testing.T, ns, name string) string {
	t.Helper()
	s, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("read Secret %s: %v", name, err)
	}
	var b strings.Builder
	for k, v := range s.Data {
		b.WriteString(k + "=" + string(v) + ";")
	}
	return b.String()
}
