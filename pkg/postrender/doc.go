// Package postrender runs Helm v3 post-renderers: an external executable
// that receives a release's whole rendered manifest (hooks excluded) on stdin
// and whose stdout replaces it.
//
// The package owns finding the executable the way Helm does, bounding what
// it may write, and checking that what it writes is YAML. Leaving hooks out
// of the manifest and splitting the result back into objects is the caller's
// job.
package postrender
