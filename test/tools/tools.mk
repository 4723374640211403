# test/tools: the real tools the tests run beside kpkg, each built from the
# Go module proxy once per pinned version into ~/.cache/kpkg/tools
# (see test/tools/build.sh):
#
#   make tools    build Helm v3.22.0, Helm v4.3.1, kustomize and the
#                 helm-unittest plugin (cold: a few minutes each; warm: instant)
#
# The test targets export their paths as KPKG_TEST_HELM3, KPKG_TEST_HELM4,
# KPKG_TEST_KUSTOMIZE and KPKG_TEST_UNITTEST_PLUGIN; tests that need one
# skip with a message when run without it (a bare `go test ./...`).
TOOLS_BUILD := bash $(abspath test/tools/build.sh)

.PHONY: tools
tools:
	@$(TOOLS_BUILD) helm3 >/dev/null
	@$(TOOLS_BUILD) helm4 >/dev/null
	@$(TOOLS_BUILD) kustomize >/dev/null
	@$(TOOLS_BUILD) helm-unittest >/dev/null

# tool-env prints the environment the tests get, for `eval`.
TOOL_ENV = KPKG_TEST_HELM3=$$($(TOOLS_BUILD) helm3)/helm \
	KPKG_TEST_HELM4=$$($(TOOLS_BUILD) helm4)/helm \
	KPKG_TEST_KUSTOMIZE=$$($(TOOLS_BUILD) kustomize)/kustomize \
	KPKG_TEST_UNITTEST_PLUGIN=$$($(TOOLS_BUILD) helm-unittest)
