// Package kube owns kpkg's conversation with a Kubernetes API server:
// turning a rendered manifest into API objects (mapped through discovery),
// applying them server-side in Helm's kind order with Helm's field manager
// "helm" after taking over the fields Helm 3's client-side writes and
// earlier kpkg versions own, stamping and checking release ownership,
// deleting them, installing CRDs, and waiting for readiness with kstatus,
// failing fast on crash loops, image pull errors, failed Jobs and
// unschedulable pods.
//
// Requests scale with kinds, not objects, where they can: existing objects
// are read with one LIST per kind and namespace, and waits list once and
// then watch. A Client is made of client-go interfaces (NewForClients), so
// the package is tested on client-go's fakes. One made by NewForConfig
// counts its requests and the time they wait for its rate limiters
// (Stats), gives release locks a clientset and limiter of their own (Lock),
// and waits out an API server that restarts (ReconnectWindow).
//
// The package writes nothing to stdout or stderr: progress is reported
// through callbacks, and every error names the object it concerns.
package kube
