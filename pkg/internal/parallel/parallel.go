// Package parallel runs independent, index-addressed work on all cores.
// Callers store results per index and read them in order afterwards, so the
// outcome never depends on scheduling. A panic in any of the work is raised
// again in the caller's goroutine, where the program's recover sees it,
// instead of killing the process from a worker.
package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// ForEach calls fn(i) for every i in [0, n) on up to GOMAXPROCS goroutines
// and returns when all calls have returned. If calls panic, the first panic
// is raised again from ForEach as a *Panic once the others have finished.
func ForEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	var g Group
	for w := 0; w < workers; w++ {
		g.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	g.Wait()
}

// Group runs functions on their own goroutines, like sync.WaitGroup's Go,
// and carries the first panic among them back to the goroutine that calls
// Wait. The zero value is ready to use.
type Group struct {
	wg    sync.WaitGroup
	once  sync.Once
	first *Panic
}

// Go runs fn on a new goroutine.
func (g *Group) Go(fn func()) {
	g.wg.Go(func() {
		defer func() {
			if v := recover(); v != nil {
				p, ok := v.(*Panic)
				if !ok {
					p = &Panic{Value: v, Stack: debug.Stack()}
				}
				g.once.Do(func() { g.first = p })
			}
		}()
		fn()
	})
}

// Wait waits for every function and then raises the first panic, if any.
func (g *Group) Wait() {
	g.wg.Wait()
	if g.first != nil {
		panic(g.first)
	}
}

// Panic is a panic raised in a worker goroutine, with the worker's stack.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprint(p.Value) }

// Unwrap gives the panic value when it was an error.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
