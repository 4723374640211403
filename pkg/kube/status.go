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

// Statuses reads each object and computes its readiness with kstatus.
func (c *Client) Statuses(ctx context.Context, infos []*resource.Info) ([]ObjectStatus, error) {
	w := &waiter{c: c, opts: WaitOptions{WaitForJobs: true}, last: map[string]Event{}}
	out := make([]ObjectStatus, 0, len(infos))
	for _, info := range infos {
		live, err := c.get(ctx, info)
		if err != nil {
			return nil, err
		}
		res := w.compute(live)
		st := ObjectStatus{Kind: Kind(info), Name: info.Name, Namespace: info.Namespace, Status: string(res.Status), Message: res.Message}
		if res.Status != status.CurrentStatus && live != nil {
			if ff, _ := c.diagnose(ctx, info, live); ff != nil {
				st.Status, st.Message = string(status.FailedStatus), ff.Reason+": "+ff.Message
			}
		}
		out = append(out, st)
	}
	return out, nil
}
