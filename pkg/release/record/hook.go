package record

// Hook is a rendered hook document and its last execution.
type Hook struct {
	Name              string        `json:"name,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	Path              string        `json:"path,omitempty"`
	Manifest          string        `json:"manifest,omitempty"`
	Events            []string      `json:"events,omitempty"`
	LastRun           HookExecution `json:"last_run"`
	Weight            int           `json:"weight,omitempty"`
	DeletePolicies    []string      `json:"delete_policies,omitempty"`
	OutputLogPolicies []string      `json:"output_log_policies,omitempty"`
}

// HookExecution records one run of a hook.
type HookExecution struct {
	StartedAt   Time   `json:"started_at,omitempty"`
	CompletedAt Time   `json:"completed_at,omitempty"`
	Phase       string `json:"phase"`
}

// Hook phases, as Helm names them.
const (
	HookPhaseUnknown   = "Unknown"
	HookPhaseRunning   = "Running"
	HookPhaseSucceeded = "Succeeded"
	HookPhaseFailed    = "Failed"
)

// IsTest reports whether the hook runs on `test`.
func (h *Hook) IsTest() bool {
	for _, e := range h.Events {
		if e == "test" || e == "test-success" {
			return true
		}
	}
	return false
}
