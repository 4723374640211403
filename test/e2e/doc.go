// Package e2e holds kpkg's end-to-end tests. They run against a real
// kube-apiserver, controller manager and scheduler, with kwok standing in
// for the kubelet (see test/cluster); TestMain starts that cluster once
// for the package and each test works in a namespace of its own.
package e2e
