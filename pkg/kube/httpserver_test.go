package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// apiServer is a minimal API server over HTTP for ConfigMaps and
// Deployments in any namespace: discovery, list (full or metadata-only),
// get, server-side apply (storing the applied object as it is), delete and
// watch. It checks what the fakes cannot: the requests the real clients
// send, and how watches behave over a connection that drops.
type apiServer struct {
	t   testing.TB
	srv *httptest.Server

	mu   sync.Mutex
	rv   int
	objs map[string]map[string]any // by path of the object
	// requests counts requests by "METHOD resource[?watch]".
	requests map[string]int
	// watchRVs are the resourceVersions watches asked to start from.
	watchRVs []string
	// dropWatches closes this many watches of Deployments right after they
	// open; watchers are the open ones.
	dropWatches int
	watchers    []chan watchEvent
}

type watchEvent struct {
	Type   string         `json:"type"`
	Object map[string]any `json:"object"`
}

func newAPIServer(t testing.TB) *apiServer {
	s := &apiServer{t: t, objs: map[string]map[string]any{}, requests: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *apiServer) client(t testing.TB) *Client {
	c, err := NewForConfig(&rest.Config{Host: s.srv.URL}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var discoveryDocs = map[string]string{
	"/api":           `{"kind":"APIVersions","versions":["v1"]}`,
	"/apis":          `{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}`,
	"/api/v1":        `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch","patch","delete"]},{"name":"pods","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]}]}`,
	"/apis/apps/v1":  `{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get","list","watch","patch","delete"]}]}`,
	"/version":       `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`,
	"/apis/apps":     `{"kind":"APIGroup","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}]}`,
	"/openapi/v2":    `{}`,
	"/openapi/v3":    `{}`,
	"/healthz":       `ok`,
	"/api/v1/status": `{}`,
}

func (s *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	if body, ok := discoveryDocs[r.URL.Path]; ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
		return
	}
	// /api/v1/namespaces/NS/RESOURCE[/NAME] or /apis/apps/v1/namespaces/NS/RESOURCE[/NAME]
	parts := strings.Split(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/apis/apps/v1"), "/api/v1"), "/")
	if len(parts) < 4 || parts[1] != "namespaces" {
		http.NotFound(w, r)
		return
	}
	ns, resource, name := parts[2], parts[3], ""
	if len(parts) > 4 {
		name = parts[4]
	}
	watching := r.URL.Query().Get("watch") == "true"
	s.mu.Lock()
	key := r.Method + " " + resource
	if watching {
		key += "?watch"
	}
	s.requests[key]++
	s.mu.Unlock()
	prefix := ns + "/" + resource + "/"
	switch {
	case watching:
		s.watch(w, r, prefix)
	case r.Method == http.MethodGet && name == "":
		s.list(w, r, prefix)
	case r.Method == http.MethodGet:
		s.get(w, r, prefix+name)
	case r.Method == http.MethodPatch:
		s.apply(w, r, prefix+name, resource)
	case r.Method == http.MethodDelete:
		s.mu.Lock()
		delete(s.objs, prefix+name)
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"})
	default:
		http.Error(w, "unsupported", http.StatusMethodNotAllowed)
	}
}

// metadataOnly reports whether the client asked for PartialObjectMetadata.
func metadataOnly(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadata")
}

func (s *apiServer) list(w http.ResponseWriter, r *http.Request, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := []any{}
	for k, obj := range s.objs {
		if strings.HasPrefix(k, prefix) {
			if metadataOnly(r) {
				obj = map[string]any{"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": obj["metadata"]}
			}
			items = append(items, obj)
		}
	}
	kinds := map[string][2]string{"pods": {"v1", "PodList"}, "configmaps": {"v1", "ConfigMapList"}, "deployments": {"apps/v1", "DeploymentList"}}
	k := kinds[strings.Split(prefix, "/")[1]]
	list := map[string]any{"apiVersion": k[0], "kind": k[1], "metadata": map[string]any{"resourceVersion": strconv.Itoa(s.rv)}, "items": items}
	if metadataOnly(r) {
		list["apiVersion"], list["kind"] = "meta.k8s.io/v1", "PartialObjectMetadataList"
	}
	writeJSON(w, 200, list)
}

func (s *apiServer) get(w http.ResponseWriter, r *http.Request, key string) {
	s.mu.Lock()
	obj, ok := s.objs[key]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, 404, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})
		return
	}
	if metadataOnly(r) {
		obj = map[string]any{"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": obj["metadata"]}
	}
	writeJSON(w, 200, obj)
}

func (s *apiServer) apply(w http.ResponseWriter, r *http.Request, key, resource string) {
	if ct := r.Header.Get("Content-Type"); ct != "application/apply-patch+yaml" {
		http.Error(w, "not an apply: "+ct, http.StatusUnsupportedMediaType)
		return
	}
	if r.URL.Query().Get("fieldManager") != FieldManager {
		http.Error(w, "field manager "+r.URL.Query().Get("fieldManager"), http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var obj map[string]any
	if err := yaml.Unmarshal(body, &obj); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.set(key, obj)
	writeJSON(w, 200, obj)
}

// set stores obj under a new resourceVersion and tells the watches of
// Deployments.
func (s *apiServer) set(key string, obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rv++
	obj["metadata"].(map[string]any)["resourceVersion"] = strconv.Itoa(s.rv)
	_, existed := s.objs[key]
	s.objs[key] = obj
	typ := "ADDED"
	if existed {
		typ = "MODIFIED"
	}
	if strings.Contains(key, "/deployments/") {
		for _, ch := range s.watchers {
			ch <- watchEvent{Type: typ, Object: obj}
		}
	}
}

func (s *apiServer) watch(w http.ResponseWriter, r *http.Request, prefix string) {
	deployments := strings.HasSuffix(prefix, "/deployments/")
	events := make(chan watchEvent, 10)
	s.mu.Lock()
	s.watchRVs = append(s.watchRVs, r.URL.Query().Get("resourceVersion"))
	drop := deployments && s.dropWatches > 0
	if drop {
		s.dropWatches--
	} else if deployments {
		s.watchers = append(s.watchers, events)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
	w.(http.Flusher).Flush()
	if drop {
		return // the connection ends, as when the API server restarts
	}
	enc := json.NewEncoder(w)
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-events:
			_ = enc.Encode(ev)
			w.(http.Flusher).Flush()
		}
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *apiServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

// Over HTTP, applying 50 ConfigMaps costs one metadata LIST and a PATCH
// each, with the field manager and content type of server-side apply.
func TestApplyOverHTTP(t *testing.T) {
	s := newAPIServer(t)
	c := s.client(t)
	infos := mustBuild(t, c, configMaps(50, "x"))
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
		t.Fatal(err)
	}
	if n := s.count("GET configmaps"); n != 1 {
		t.Errorf("%d GETs of configmaps, want 1 LIST", n)
	}
	if n := s.count("PATCH configmaps"); n != 50 {
		t.Errorf("%d PATCHes, want 50", n)
	}
	// The second apply reads ownership from the list, which now has them.
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: Owner{Name: "other", Namespace: "shop"}}); err == nil ||
		!strings.Contains(err.Error(), `belongs to release "web"`) {
		t.Errorf("Apply as another release = %v", err)
	}
}

// A watch whose connection drops is resumed from the last resourceVersion
// seen; the wait ends when the object becomes ready.
func TestWaitOverHTTPResumesDroppedWatch(t *testing.T) {
	s := newAPIServer(t)
	s.set("shop/deployments/web", mustObject(t, deployment("web", 0)).Object)
	s.dropWatches = 1
	c := s.client(t)
	infos := mustBuild(t, c, deployment("web", 0))
	go func() {
		for {
			s.mu.Lock()
			n := len(s.watchRVs)
			s.mu.Unlock()
			if n >= 3 { // the pods' watch, the dropped one and its successor
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		s.set("shop/deployments/web", mustObject(t, deployment("web", 2)).Object)
	}()
	if err := c.Wait(context.Background(), infos, WaitOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requests["GET deployments"] != 1 {
		t.Errorf("deployments listed %d times, want once", s.requests["GET deployments"])
	}
	if fmt.Sprint(s.watchRVs) != "[1 1 1]" {
		t.Errorf("watches started from %v, want the lists' version each (pods, dropped, resumed)", s.watchRVs)
	}
}

// Over HTTP, with the default rate limit, applying 300 objects is bound by
// the server, not by the client-side limiter.
func BenchmarkApply300OverHTTP(b *testing.B) {
	s := newAPIServer(b)
	c := s.client(b)
	infos := mustBuild(b, c, configMaps(300, "x"))
	s.mu.Lock()
	clear(s.requests)
	s.mu.Unlock()
	b.ResetTimer()
	for range b.N {
		if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for _, n := range s.requests {
		total += n
	}
	b.ReportMetric(float64(total)/float64(b.N*300), "requests/object")
}
