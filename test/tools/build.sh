#!/usr/bin/env bash
# build.sh NAME: builds the test tool NAME (helm3, helm4, kustomize,
# helm-unittest) from the module in test/tools/NAME into the cache, once per
# version of that module, and prints the directory it is in.
#
# The tools run beside kpkg in tests: Helm v3.22.0 and v4.3.1 built as their
# releases are (same version ldflags), kustomize as a post-renderer, and the
# helm-unittest plugin (plugin.yaml from its module, binary built here; its
# install hook, which downloads a release binary, is left out).
set -euo pipefail
name=$1
here=$(cd "$(dirname "$0")" && pwd)
src=$here/$name
[ -f "$src/go.mod" ] || { echo "build.sh: no tool named $name" >&2; exit 2; }
hash=$(cat "$src/go.mod" "$src/go.sum" "$here/build.sh" | sha256sum | cut -c1-12)
cache=${KPKG_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kpkg/tools}
out=$cache/$name-$hash
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
echo "building test tool $name into $out" >&2
start=$(date +%s)
rm -rf "$out.partial"
mkdir -p "$out.partial"
export GOWORK=off GOFLAGS='-mod=mod -buildvcs=false'
build() { (cd "$src" && go build -trimpath -ldflags "$1" -o "$out.partial/$2" "$3"); }
case $name in
helm3)
	build "-s -w -X helm.sh/helm/v3/internal/version.version=v3.22.0 -X helm.sh/helm/v3/internal/version.gitTreeState=clean -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37" helm helm.sh/helm/v3/cmd/helm ;;
helm4)
	build "-s -w -X helm.sh/helm/v4/internal/version.version=v4.3.1 -X helm.sh/helm/v4/internal/version.metadata= -X helm.sh/helm/v4/internal/version.gitTreeState=clean" helm helm.sh/helm/v4/cmd/helm ;;
kustomize)
	build "-s -w" kustomize sigs.k8s.io/kustomize/kustomize/v5 ;;
helm-unittest)
	mod=$(cd "$src" && go list -m -f '{{.Dir}}' github.com/helm-unittest/helm-unittest)
	build "-s -w" "untt-$(go env GOOS)-$(go env GOARCH)" github.com/helm-unittest/helm-unittest/cmd/helm-unittest
	# The plugin's manifest without its platformHooks block.
	awk '/^platformHooks:/ {skip=1; next} skip && /^[^ ]/ {skip=0} !skip' "$mod/plugin.yaml" > "$out.partial/plugin.yaml"
	[ "$(go env GOOS)" = darwin ] && mv "$out.partial/untt-darwin-$(go env GOARCH)" "$out.partial/untt-macos-$(go env GOARCH)"
	;;
*)
	echo "build.sh: no recipe for $name" >&2
	exit 2 ;;
esac
touch "$out.partial/.complete"
rm -rf "$out"
mv "$out.partial" "$out"
echo "built $name in $(($(date +%s) - start))s" >&2
echo "$out"
