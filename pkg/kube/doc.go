// Package kube owns kpkg's conversation with a Kubernetes API server: turning
// a rendered manifest into API objects (cli-runtime's resource builder with a
// discovery-backed REST mapper), applying them server-side with field manager
// "kpkg" in Helm's kind order, stamping and checking release ownership,
// deleting them, installing CRDs, and waiting for readiness with kstatus,
// failing fast on crash loops, image pull errors, failed Jobs and
// unschedulable pods.
//
// The package writes nothing to stdout or stderr: progress is reported
// through callbacks, and every error names the object it concerns.
package kube
