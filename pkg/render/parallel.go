package render

import (
	"runtime"
	"sync"
)

// forEachParallel calls fn(i) for i in [0, n) on up to GOMAXPROCS
// goroutines. Callers write results into per-index slots and read them in
// order afterwards, so the outcome never depends on scheduling.
func forEachParallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
