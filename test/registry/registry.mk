# test/registry: the in-memory CNCF Distribution registry that kpkg's OCI
# tests push to and pull from (its own Go module, so the registry's
# dependencies stay out of kpkg's). `make unit` builds it first and hands its
# path to the tests through KPKG_TEST_REGISTRY, so the OCI tests run for real;
# a bare `go test ./...` without that variable skips them with a message.
REGISTRY_BIN := $(abspath bin/kpkg-test-registry)

.PHONY: registry-bin
registry-bin:
	cd test/registry && $(GO) build -o $(REGISTRY_BIN) .

unit: registry-bin
unit: export KPKG_TEST_REGISTRY := $(REGISTRY_BIN)
