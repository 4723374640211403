// Package parallel runs independent, index-addressed work on all cores.
// Callers store results per index and read them in order afterwards, so the
// outcome never depends on scheduling.
package parallel

import (
	"runtime"
	"sync"
)

// ForEach calls fn(i) for every i in [0, n) on up to GOMAXPROCS goroutines
// and returns when all calls have returned.
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
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	wg.Wait()
}
