// Package record owns the release record as Helm v3 and v4 store it: one
// revision of a release (its status, chart summary, values, manifest and
// hooks) and its encoding, gzip-compressed JSON with Helm's field names, so
// that a revision written by kpkg is read by Helm and the reverse.
//
// Fields Helm does not know are not added: Helm rewrites a record from its
// own struct when it changes a revision's status, and anything else would
// be lost. kpkg-only facts live outside the payload.
package record
