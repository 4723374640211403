// Package repo owns getting charts from somewhere and putting them
// somewhere: classic HTTP chart repositories (index.yaml plus .tgz files),
// OCI registries, the repositories.yaml configuration and its cache, chart
// references ("REPO/CHART", URLs, "oci://"), Chart.yaml dependency
// resolution with Chart.lock, packaging a chart directory into a
// reproducible archive, and carrying provenance files along: "<chart>.prov"
// beside HTTP archives, the provenance layer in OCI manifests (signing and
// checking them is pkg/provenance's job).
//
// File formats and on-disk layout follow Helm's conventions so that Helm and
// kpkg can share repositories, caches and registries. Every write to the
// configuration or the cache is atomic (temporary file, then rename) and
// configuration changes are serialised by a file lock. Nothing here writes to
// stdout; progress goes through the Log callbacks of the option structs.
package repo
