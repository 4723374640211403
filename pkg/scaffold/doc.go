// Package scaffold owns writing a new chart: kpkg's own skeleton (a
// Deployment with its Service, ServiceAccount, optional Ingress, HTTPRoute
// and HorizontalPodAutoscaler, notes, a connection test and the helpers they
// share), or a copy of a starter chart, with the placeholder <CHARTNAME>
// replaced by the new chart's name. The skeleton passes 'kpkg lint --strict'
// and renders with 'kpkg template'.
//
// Files are written whole or not at all: a new chart directory appears only
// once complete, and files of an existing chart are replaced atomically.
package scaffold
