// Package helmv1 stores release revisions as Helm v3 and v4 do, so that
// Helm and kpkg share one history: one Secret (or ConfigMap, Helm's
// "configmap" driver) per revision named sh.helm.release.v1.NAME.vN,
// labelled owner=helm, name, status and version, holding
// base64(gzip(JSON)) under "release".
//
// A revision too large for one object (the API server caps Secrets and
// ConfigMaps at 1 MiB) is stored in parts, objects named
// sh.helm.release.v1.NAME.vN.part-K that carry no owner=helm label, so
// Helm never lists them. Beside them the usual record object holds a small
// record Helm can decode, list and show: its status, chart and values are
// real, and its manifest is a single ExternalReleasePayload document that
// names the parts and their digest. Helm's upgrade, rollback and uninstall
// stop on that document with a "no matches for kind" error before changing
// anything (a rollback to it is recorded as failed); kpkg reads the parts.
// Parts are written before the record and deleted after it, so no reader
// meets a record whose parts are missing.
package helmv1
