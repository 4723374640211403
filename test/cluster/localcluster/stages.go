package localcluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// SimulateAnnotation, set on a pod (or a pod template), makes kwok play a
// failure instead of a healthy start. Its values are SimulateCrashLoop and
// SimulateErrImagePull; the stages live in test/cluster/kwok/stages.
const SimulateAnnotation = "test.kpkg.io/simulate"

// Values of SimulateAnnotation.
const (
	// SimulateCrashLoop: with restart policy Always or OnFailure the pod
	// runs and its containers wait in CrashLoopBackOff with a growing
	// restart count; with Never the pod fails with exit code 1.
	SimulateCrashLoop = "CrashLoopBackOff"
	// SimulateErrImagePull: the pod stays Pending and its containers
	// alternate between ErrImagePull and ImagePullBackOff.
	SimulateErrImagePull = "ErrImagePull"
)

// upstreamStages lists, relative to the kwok module, the stage files kwok
// ships that make up a fast, healthy cluster: nodes initialise at once and
// keep a lease, pods become ready, Job pods complete, deleted pods go away.
func upstreamStages() []string {
	return []string{
		"kustomize/stage/node/fast/node-initialize.yaml",
		"kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
		"kustomize/stage/pod/fast/pod-ready.yaml",
		"kustomize/stage/pod/fast/pod-complete.yaml",
		"kustomize/stage/pod/fast/pod-delete.yaml",
	}
}

// assembleStages writes one multi-document kwok configuration to out: the
// upstream stages from the kwok module's source in the module cache, then
// the harness's own stages from sourceDir/kwok/stages.
func assembleStages(ctx context.Context, sourceDir, out string) error {
	kwokModDir := filepath.Join(sourceDir, "kwok")
	moduleDir, err := goOutput(ctx, kwokModDir, "list", "-m", "-f", "{{.Dir}}", modKwok)
	if err != nil {
		return fmt.Errorf("locate the kwok module's source: %w", err)
	}
	if moduleDir == "" {
		return fmt.Errorf("the kwok module %s is not in the module cache", modKwok)
	}

	var files []string
	for _, rel := range upstreamStages() {
		files = append(files, filepath.Join(moduleDir, filepath.FromSlash(rel)))
	}
	own, err := filepath.Glob(filepath.Join(kwokModDir, "stages", "*.yaml"))
	if err != nil {
		return fmt.Errorf("list the harness's kwok stages: %w", err)
	}
	files = append(files, own...)

	var buf bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read kwok stage file: %w", err)
		}
		fmt.Fprintf(&buf, "---\n# from %s\n", filepath.Base(f))
		buf.Write(bytes.TrimSpace(data))
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write kwok stages: %w", err)
	}
	return nil
}
