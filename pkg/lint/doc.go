// Package lint owns checking a chart for problems before it is installed:
// the checks `helm lint` makes (Chart.yaml fields, values.yaml and its
// schema, template file names, rendering in lint mode, YAML validity and
// object names of every rendered document, dependencies against charts/) and
// checks Helm does not make: every rendered object of a built-in kind is
// decoded strictly into its type from k8s.io/api to find unknown, duplicate
// and mistyped fields, custom resources are checked against the schema of a
// CRD the chart ships, and API versions deprecated or removed in the target
// Kubernetes version are flagged. Findings name the file and, where it can be
// found, the line.
//
// Lint reads the chart and renders it; it writes nothing and contacts no
// cluster.
package lint
