// Package storage owns where release revisions live: the Driver interface
// that every storage format implements (Helm's Secrets and ConfigMaps,
// kpkg's earlier format, memory for tests), the index entries drivers list
// without reading payloads, and the errors they share.
//
// Drivers store one revision per call and know nothing of operations,
// locks or statuses beyond writing what they are given.
package storage
