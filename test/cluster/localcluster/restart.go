package localcluster

import (
	"context"
	"fmt"
	"time"
)

// RestartAPIServer stops the API server (SIGTERM, SIGKILL after 5 s),
// starts it again with the same flags on the same port after down, and
// returns once its /readyz passes. Only a cluster this process started
// can be restarted. Clients see refused connections while it is away and
// their watches end.
//
// The grace is short because a graceful shutdown closes the port at once
// but then waits up to a minute (the request timeout) for clients'
// connections to go idle, which kept connections never do: the server
// would be away for a minute instead of seconds.
func (c *Cluster) RestartAPIServer(ctx context.Context, down time.Duration) error {
	return c.restart(ctx, BinKubeAPIServer, 5*time.Second, down)
}

func (c *Cluster) restart(ctx context.Context, name string, grace, down time.Duration) error {
	spec, ok := c.specs[name]
	if !ok {
		return fmt.Errorf("restart %s: this cluster was not started by this process", name)
	}
	i := -1
	for j, p := range c.procs {
		if p.Name == name {
			i = j
		}
	}
	if i < 0 {
		return fmt.Errorf("restart %s: no such process in the cluster", name)
	}
	if err := c.procs[i].stop(grace); err != nil {
		return fmt.Errorf("restart %s: %w", name, err)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(down):
	}
	proc, err := startProcess(spec)
	if err != nil {
		return fmt.Errorf("restart %s: %w", name, err)
	}
	c.procs[i] = proc
	if err := writePIDs(c.layout.pidsFile(), c.procs); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return waitAPIReady(ctx, c)
}
