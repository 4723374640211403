// Package localcluster owns the lifecycle of a real, single-machine
// Kubernetes control plane for kpkg's tests and demos: it builds the
// binaries (kube-apiserver, kube-controller-manager, kube-scheduler,
// kubectl, etcd and kwok) from the harness modules into a versioned cache,
// generates the PKI and kubeconfig, starts every process on 127.0.0.1 with
// free ports in a run directory, waits until the cluster can run
// workloads, and stops exactly the processes it started.
//
// Pods never run: kwok plays the kubelet's part on one fake Node, so
// workloads report Ready, Complete or (on request, see SimulateAnnotation)
// CrashLoopBackOff and ErrImagePull within seconds.
package localcluster
