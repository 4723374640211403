// Package provenance owns chart provenance files: signing a chart archive
// into "<archive>.prov" and checking an archive against one, in Helm's
// format so that Helm and kpkg accept each other's signatures.
//
// A provenance file is an OpenPGP clear-signed message. Its signed text is
// the chart's Chart.yaml as YAML, a "..." line (the YAML document end
// marker; "---" cannot start a line in a clear-signed message), then a YAML
// map "files:" from the archive's base name to "sha256:<hex>" of its bytes.
// Verifying checks the signature against a keyring of trusted public keys
// first, and only then compares the archive's digest with the signed one.
//
// Keyrings are GnuPG's exported formats (binary as written by
// "gpg --export", or ASCII-armored); GnuPG 2.1's keybox files (.kbx) are
// not readable here, as in Helm. Inputs are bounded: a provenance file over
// MaxProvenanceSize and a keyring over MaxKeyringSize are refused.
//
// This package reads files it is pointed at and nothing else; it prints
// nothing and keeps no global state.
package provenance
