// Package hostile runs the kpkg binary on the inputs of the security review
// (kpkg against Helm v3.22.0, memory capped at 2 GiB): values nested
// millions deep, tpl calling itself, file:// dependency cycles, a
// repository server that never answers, an archive of subchart archives
// inflating to gigabytes, a registry declaring a 4 GiB layer and index
// files Helm refuses. Each must end with a clear error, inside the 2 GiB
// address-space limit (prlimit) and with a small peak resident set.
package hostile
