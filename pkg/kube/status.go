package kube

import (
	"context"

	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// ObjectStatus is one object's live readiness.
type ObjectStatus struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	// Status is kstatus': Current, InProgress, Failed, NotFound, ...
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// Statuses reads the objects (one LIST per kind and namespace, a GET for
// an object alone of its kind) and computes their readiness with kstatus; an object
// that is not ready is reported Failed when a pod of its will not start.
func (c *Client) Statuses(ctx context.Context, infos []*resource.Info) ([]ObjectStatus, error) {
	live := c.readObjects(ctx, infos)
	if live.err != nil {
		return nil, live.err
	}
	w := newWaiter(c, WaitOptions{WaitForJobs: true}, nil)
	diag := newDiagnoser(c, c.listPods)
	out := make([]ObjectStatus, 0, len(infos))
	for _, info := range infos {
		obj := live.get(info)
		res := w.compute(obj)
		st := ObjectStatus{Kind: Kind(info), Name: info.Name, Namespace: info.Namespace, Status: string(res.Status), Message: res.Message}
		if res.Status != status.CurrentStatus && obj != nil {
			if ff, _ := diag.diagnose(ctx, info, obj); ff != nil {
				st.Status, st.Message = string(status.FailedStatus), ff.Reason+": "+ff.Message
			}
		}
		out = append(out, st)
	}
	return out, nil
}
