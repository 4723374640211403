# kpkg — build, test and measure. Every tool the targets need is installed by
# the targets themselves (Go modules through the module proxy).
GO        ?= go
BIN       := bin/kpkg
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.1.0-dev)
GIT_COMMIT := $(shell git rev-parse HEAD 2>/dev/null)
GIT_TREE  := $(if $(GIT_COMMIT),$(shell test -z "$$(git status --porcelain 2>/dev/null)" && echo clean || echo dirty))
LDFLAGS   := -X github.com/kpkg/kpkg/internal/cli.version=$(VERSION) \
             -X github.com/kpkg/kpkg/internal/cli.gitCommit=$(GIT_COMMIT) \
             -X github.com/kpkg/kpkg/internal/cli.gitTreeState=$(GIT_TREE)
CORPUS    ?= $(abspath ../shared/corpus)

.PHONY: all build test unit compat bench bench-cluster lint fmt clean demo fuzz

# The local cluster harness (test/cluster) brings its own targets.
-include test/cluster/cluster.mk
-include test/registry/registry.mk
-include test/tools/tools.mk

.DEFAULT_GOAL := build
all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/kpkg

# unit: the root module's tests (no cluster needed), with the real Helm,
# kustomize and helm-unittest beside kpkg (built once into the cache).
unit: tools
	$(TOOL_ENV) KPKG_COMPAT_REQUIRE_ALL=1 KPKG_CORPUS=$(CORPUS) $(GO) test ./...

# test: everything CI runs: static checks, unit and compatibility tests, then
# the end-to-end tests on a local cluster built from Go modules (cold: ~15-25
# min to build it once into ~/.cache/kpkg/cluster; warm: seconds).
test: lint unit e2e

# compat: render every corpus case and compare with Helm's goldens.
SHELL := bash
compat:
	@KPKG_CORPUS=$(CORPUS) $(GO) test ./test/compat -run TestCompat -count=1 -v 2>&1 | grep -v '^=== RUN\|^--- \|^PASS\|^ok\|^FAIL' | sed 's/^ *compat_test.go:[0-9]*: //'; exit $${PIPESTATUS[0]}

# bench: kpkg next to Helm v3.22.0 in the same run. Raw lines go to
# bench.out (benchstat input); the table of medians follows them.
bench:
	@{ $(GO) test ./test/bench -run '^$$' -bench 'Render' -benchmem -benchtime 5x -count 3 -timeout 60m; \
	   $(GO) test ./test/bench -run '^$$' -bench 'Process' -benchtime 1x -count 11 -timeout 60m; \
	   $(GO) test ./test/bench -run '^$$' -bench 'ReleaseStore' -benchmem -benchtime 5x -count 3 -timeout 60m; \
	   $(GO) test ./pkg/repo -run '^$$' -bench 'LoadIndex' -benchmem -count 3 -timeout 60m; \
	   $(GO) test ./test/bench -run '^$$' -bench 'Scaling' -benchtime 1x -count 1 -timeout 60m; \
	   $(GO) test ./test/bench -run '^$$' -bench 'Scaling/.*/impl=kpkg' -benchtime 1x -count 6 -timeout 60m; } \
	| tee bench.out | $(GO) run ./test/bench/benchtable

# fuzz: every fuzz target of the module, one after the other, for FUZZTIME
# each (go test ./... already runs each over its seed corpus). Inputs that
# fail are written to the package's testdata/fuzz/<Target>/: keep them
# there as regressions once fixed. FUZZPARALLEL is the number of fuzzing
# workers per target.
FUZZTIME     ?= 30s
FUZZPARALLEL ?= 1
fuzz:
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' pkg internal cmd | sort); do \
	  for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
	    echo "== ./$$(dirname $$file) $$target ($(FUZZTIME))"; \
	    KPKG_CORPUS=$(CORPUS) $(GO) test ./$$(dirname $$file) -run '^$$' -fuzz "^$${target}\$$" \
	      -fuzztime $(FUZZTIME) -fuzzminimizetime 5s -parallel $(FUZZPARALLEL); \
	  done; \
	done

# bench-cluster: install, upgrade, rollback and uninstall (each --wait) of
# generated charts of 100, 300 and 1,000 objects and of kube-prometheus-stack
# with kpkg, Helm v3.22.0 and Helm v4.3.1 side by side on a local cluster of
# its own, stopped at the end; prints a table of medians and kpkg's requests
# per object, raw timings in bench-cluster.out. Not part of `make test`: it
# takes about an hour (Helm 4 takes minutes per operation).
# BENCH_CLUSTER_ARGS passes flags (see go run ./test/bench/clusterbench -h),
# e.g. BENCH_CLUSTER_ARGS='-sizes 100,300 -reps 5'.
BENCH_CLUSTER_NAME ?= bench
BENCH_CLUSTER_ARGS ?=
bench-cluster: build tools cluster-build
	@kc=$$($(MAKE) -s cluster-up CLUSTER_NAME=$(BENCH_CLUSTER_NAME) | tail -n1 | cut -d= -f2-); \
	trap '$(MAKE) -s cluster-down CLUSTER_NAME=$(BENCH_CLUSTER_NAME)' EXIT; \
	$(TOOL_ENV) $(GO) run ./test/bench/clusterbench -kubeconfig "$$kc" -kpkg $(BIN) -corpus $(CORPUS) $(BENCH_CLUSTER_ARGS)

# demo: the Todo stack on a local cluster (install, status, upgrade,
# rollback, history); leaves the cluster running.
demo:
	@bash hack/demo.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null; git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go')

clean:
	rm -rf bin
