// Package compat measures kpkg's Helm compatibility: it renders every case of
// the shared corpus (../shared/corpus, or $KPKG_CORPUS) with `kpkg template`
// and compares the bytes with Helm v3.22.0's goldens. `make compat` runs it.
package compat
