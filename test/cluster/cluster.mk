# Local Kubernetes cluster for tests and the demo (see test/cluster/README.md).
# Included by the root Makefile; paths are relative to the repository root.
#
#   make cluster-build                 build missing binaries into the cache
#   make cluster-up [CLUSTER_NAME=x]   start a cluster; last line KUBECONFIG=<path>
#   make cluster-down [CLUSTER_NAME=x] stop it and remove its state
#   make e2e                           run test/e2e against a cluster of its own

GO           ?= go
CLUSTER_NAME ?= default
CLUSTER_SRC  := $(abspath test/cluster)
# The harness modules build on their own: no go.work, go.sum may be fixed
# up from a clean clone, and the environment's -buildvcs=false is kept.
CLUSTER_GOENV := GOWORK=off GOFLAGS='-mod=mod -buildvcs=false'
CLUSTER_TOOL  := cd $(CLUSTER_SRC)/localcluster && $(CLUSTER_GOENV) $(GO) run ./cmd/kpkg-cluster
E2E_TIMEOUT  ?= 30m

.PHONY: cluster-build cluster-up cluster-down e2e

cluster-build:
	@$(CLUSTER_TOOL) build -src $(CLUSTER_SRC)

cluster-up:
	@$(CLUSTER_TOOL) up -src $(CLUSTER_SRC) -name $(CLUSTER_NAME)

cluster-down:
	@$(CLUSTER_TOOL) down -name $(CLUSTER_NAME)

# The e2e tests start (and stop) a cluster of their own unless
# KPKG_E2E_KUBECONFIG names a running one. Building first keeps the long
# cold build out of go test's timeout and shows its progress. The
# harness's own unit tests run first: they need no cluster.
# The OCI round trip pushes to the test registry that test/registry builds.
e2e: cluster-build registry-bin tools
	cd $(CLUSTER_SRC)/localcluster && $(CLUSTER_GOENV) $(GO) test -count=1 ./...
	cd test/e2e && $(TOOL_ENV) KPKG_CLUSTER_SRC=$(CLUSTER_SRC) KPKG_TEST_REGISTRY=$(REGISTRY_BIN) $(CLUSTER_GOENV) $(GO) test -count=1 -timeout $(E2E_TIMEOUT) -v ./...
