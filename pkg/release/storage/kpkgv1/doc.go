// Package kpkgv1 reads the release storage of kpkg before it shared Helm's
// (Secrets of type kpkg.dev/release.v1 named kpkg.release.v1.NAME.vN, with
// the mutable state in annotations and large payloads split into
// kpkg.dev/release-part.v1 Secrets), so that releases installed then keep
// working. It reads and deletes; it never writes: kpkg moves such releases
// into Helm's format the first time it operates on them.
package kpkgv1
