#!/usr/bin/env bash
# The Todo stack demo behind `make demo`: start a local cluster, install the
# Todo application with kpkg, show it running, upgrade it, roll it back, and
# leave the cluster running for you to explore.
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=${CLUSTER_NAME:-demo}
kpkg=./bin/kpkg
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Building kpkg"
run make -s build

step "Starting the local cluster '$cluster' (the first run builds Kubernetes from Go modules: ~10 min)"
line=$(make -s cluster-up CLUSTER_NAME="$cluster" | tail -n1)
case "$line" in
KUBECONFIG=*) export "$line" ;;
*) echo "cluster-up did not print KUBECONFIG=<path>: $line" >&2; exit 1 ;;
esac
echo "$line"

if "$kpkg" status todo --namespace todo >/dev/null 2>&1; then
  step "Removing the Todo release of an earlier demo run"
  run "$kpkg" uninstall todo --namespace todo --wait
fi

step "Installing the Todo stack (UI, TodoItem API, User API, MongoDB) and waiting until it is ready"
run "$kpkg" install todo charts/todo-app --namespace todo --create-namespace --wait --timeout 5m

step "Status: every resource with its live readiness"
run "$kpkg" status todo --namespace todo --show-resources

step "Upgrading: 3 replicas of the User API"
run "$kpkg" upgrade todo charts/todo-app --namespace todo --set userApi.replicaCount=3 --wait --timeout 5m
run "$kpkg" get values todo --namespace todo

step "Rolling back to revision 1"
run "$kpkg" rollback todo 1 --namespace todo --wait --timeout 5m

step "History"
run "$kpkg" history todo --namespace todo

step "Done. The cluster is still running:"
echo "$line"
echo "  export $line"
echo "  $kpkg list -A                       # releases"
echo "Stop it with: make cluster-down CLUSTER_NAME=$cluster"
