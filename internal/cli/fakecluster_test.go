package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	helmrelease "helm.sh/helm/v3/pkg/release"
	helmdriver "helm.sh/helm/v3/pkg/storage/driver"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
)

// fakeCluster is an API server over HTTP that serves what both tools read
// to list and show releases: namespaces, and Secrets and ConfigMaps
// (full or metadata-only lists with label and field selectors, and gets).
// Releases are written into it by Helm's own storage driver, so kpkg and
// the real helm binary read the very records Helm writes. Besides the
// Leases kpkg locks releases with, it is read-only: commands that change
// releases are tested end to end on a real cluster.
type fakeCluster struct {
	srv *httptest.Server

	mu         sync.Mutex
	namespaces []string
	secrets    map[string]corev1.Secret // by namespace/name
	// leases hold kpkg's release locks, so that commands that take one
	// reach the point where they read the release.
	leases map[string]*coordinationv1.Lease
	rv     int
}

func newFakeCluster(t *testing.T, namespaces ...string) *fakeCluster {
	t.Helper()
	c := &fakeCluster{namespaces: namespaces, secrets: map[string]corev1.Secret{}, leases: map[string]*coordinationv1.Lease{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.srv.Close)
	return c
}

// useKubeconfig writes a kubeconfig for the server at path, with a context
// "fake" whose namespace is ns, and points KUBECONFIG at it.
func (c *fakeCluster) useKubeconfig(t *testing.T, path, ns string) {
	t.Helper()
	writeFiles(t, filepath.Dir(path), map[string]string{filepath.Base(path): fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: fake-cluster
  cluster: {server: %q}
users:
- name: u
  user: {token: t}
contexts:
- name: fake
  context: {cluster: fake-cluster, user: u, namespace: %s}
- name: other
  context: {cluster: other-cluster, user: u}
current-context: fake
`, c.srv.URL, ns)})
	t.Setenv("KUBECONFIG", path)
}

// addRelease stores rel as Helm's Secret driver stores it.
func (c *fakeCluster) addRelease(t *testing.T, rel *helmrelease.Release) {
	t.Helper()
	client := fake.NewSimpleClientset()
	d := helmdriver.NewSecrets(client.CoreV1().Secrets(rel.Namespace))
	key := fmt.Sprintf("sh.helm.release.v1.%s.v%d", rel.Name, rel.Version)
	if err := d.Create(key, rel); err != nil {
		t.Fatal(err)
	}
	s, err := client.CoreV1().Secrets(rel.Namespace).Get(context.Background(), key, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Namespace = rel.Namespace
	c.mu.Lock()
	c.secrets[rel.Namespace+"/"+key] = *s
	c.mu.Unlock()
}

func writeJSONResponse(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *fakeCluster) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/apis/coordination.k8s.io/v1/namespaces/") {
		c.serveLease(w, r)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "read-only fake cluster", http.StatusMethodNotAllowed)
		return
	}
	path := r.URL.Path
	if body, ok := discoveryDocs[path]; ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
		return
	}
	switch path {
	case "/version":
		writeJSONResponse(w, 200, map[string]string{"major": "1", "minor": "37", "gitVersion": "v1.37.2"})
		return
	case "/api/v1/namespaces":
		c.listNamespaces(w)
		return
	}
	// /api/v1/[namespaces/NS/]RESOURCE[/NAME]
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	ns := ""
	if len(parts) >= 3 && parts[0] == "namespaces" {
		ns, parts = parts[1], parts[2:]
	}
	switch {
	case len(parts) == 1 && parts[0] == "secrets":
		c.listSecrets(w, r, ns)
	case len(parts) == 2 && parts[0] == "secrets":
		c.getSecret(w, r, ns+"/"+parts[1])
	case len(parts) == 1 && parts[0] == "configmaps":
		list := map[string]any{"kind": "ConfigMapList", "apiVersion": "v1", "metadata": map[string]any{}, "items": []any{}}
		if metadataOnly(r) {
			list["kind"], list["apiVersion"] = "PartialObjectMetadataList", "meta.k8s.io/v1"
		}
		writeJSONResponse(w, 200, list)
	default:
		writeJSONResponse(w, 404, notFound())
	}
}

// discoveryDocs describe the core API group, enough to map the kinds a
// dry run renders (ConfigMaps, Secrets).
var discoveryDocs = map[string]string{
	"/api":  `{"kind":"APIVersions","versions":["v1"]}`,
	"/apis": `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`,
	"/api/v1": `{"kind":"APIResourceList","groupVersion":"v1","resources":[` +
		`{"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","create","update","patch","delete"]},` +
		`{"name":"secrets","namespaced":true,"kind":"Secret","verbs":["get","list","create","update","patch","delete"]},` +
		`{"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","list"]}]}`,
}

func notFound() map[string]any {
	return map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}
}

func metadataOnly(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadata")
}

func (c *fakeCluster) listNamespaces(w http.ResponseWriter) {
	items := []corev1.Namespace{}
	for _, n := range c.namespaces {
		items = append(items, corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}})
	}
	writeJSONResponse(w, 200, corev1.NamespaceList{TypeMeta: metav1.TypeMeta{Kind: "NamespaceList", APIVersion: "v1"}, Items: items})
}

// listSecrets lists by name, as the API server returns them.
func (c *fakeCluster) listSecrets(w http.ResponseWriter, r *http.Request, ns string) {
	sel, err := labels.Parse(r.URL.Query().Get("labelSelector"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fsel, err := fields.ParseSelector(r.URL.Query().Get("fieldSelector"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	var keys []string
	for k := range c.secrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var items []corev1.Secret
	for _, k := range keys {
		s := c.secrets[k]
		if (ns == "" || s.Namespace == ns) && sel.Matches(labels.Set(s.Labels)) &&
			fsel.Matches(fields.Set{"type": string(s.Type), "metadata.name": s.Name, "metadata.namespace": s.Namespace}) {
			items = append(items, s)
		}
	}
	c.mu.Unlock()
	if metadataOnly(r) {
		list := metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadataList", APIVersion: "meta.k8s.io/v1"}}
		for _, s := range items {
			list.Items = append(list.Items, metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{Kind: "PartialObjectMetadata", APIVersion: "meta.k8s.io/v1"}, ObjectMeta: s.ObjectMeta})
		}
		writeJSONResponse(w, 200, list)
		return
	}
	writeJSONResponse(w, 200, corev1.SecretList{TypeMeta: metav1.TypeMeta{Kind: "SecretList", APIVersion: "v1"}, Items: items})
}

func (c *fakeCluster) getSecret(w http.ResponseWriter, r *http.Request, key string) {
	c.mu.Lock()
	s, ok := c.secrets[key]
	c.mu.Unlock()
	if !ok {
		writeJSONResponse(w, 404, notFound())
		return
	}
	s.TypeMeta = metav1.TypeMeta{Kind: "Secret", APIVersion: "v1"}
	writeJSONResponse(w, 200, s)
}

// serveLease stores Leases as they are sent (JSON or protobuf): create,
// get, update, delete.
func (c *fakeCluster) serveLease(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/apis/coordination.k8s.io/v1/namespaces/"), "/")
	if len(parts) < 2 || parts[1] != "leases" {
		writeJSONResponse(w, 404, notFound())
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var lease *coordinationv1.Lease
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		body, _ := io.ReadAll(r.Body)
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(body, nil, &coordinationv1.Lease{})
		l, ok := obj.(*coordinationv1.Lease)
		if err != nil || !ok {
			http.Error(w, fmt.Sprintf("not a Lease: %v", err), http.StatusBadRequest)
			return
		}
		c.rv++
		l.ResourceVersion = fmt.Sprint(c.rv)
		l.Namespace = parts[0]
		l.TypeMeta = metav1.TypeMeta{Kind: "Lease", APIVersion: "coordination.k8s.io/v1"}
		lease = l
	}
	switch {
	case r.Method == http.MethodPost:
		key := parts[0] + "/" + lease.Name
		if _, exists := c.leases[key]; exists {
			writeJSONResponse(w, 409, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "AlreadyExists", "code": 409})
			return
		}
		if r.URL.Query().Get("dryRun") == "" {
			c.leases[key] = lease
		}
		writeJSONResponse(w, 201, lease)
	case len(parts) < 3:
		writeJSONResponse(w, 404, notFound())
	case r.Method == http.MethodGet:
		if l, ok := c.leases[parts[0]+"/"+parts[2]]; ok {
			writeJSONResponse(w, 200, l)
			return
		}
		writeJSONResponse(w, 404, notFound())
	case r.Method == http.MethodPut:
		c.leases[parts[0]+"/"+parts[2]] = lease
		writeJSONResponse(w, 200, lease)
	case r.Method == http.MethodDelete:
		delete(c.leases, parts[0]+"/"+parts[2])
		writeJSONResponse(w, 200, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"})
	default:
		http.Error(w, "unsupported", http.StatusMethodNotAllowed)
	}
}
