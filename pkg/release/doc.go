// Package release owns kpkg's releases: the record of every revision of a
// chart installed into a namespace, stored as Secrets (compressed, split
// across several Secrets when larger than one can hold), the lease that
// serialises operations on a release and recovers from a holder that died,
// and the operations themselves — Install, Upgrade, Rollback, Uninstall,
// History, Status, List, Get and Test — with Helm's hooks, statuses and
// value semantics.
//
// Operations take a context and a small options struct and return typed
// results; they write nothing to stdout. Progress goes to the callbacks in
// Config.
package release
