package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForEachVisitsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		seen := make([]int32, n)
		var calls atomic.Int32
		ForEach(n, func(i int) {
			atomic.AddInt32(&seen[i], 1)
			calls.Add(1)
		})
		if int(calls.Load()) != n {
			t.Fatalf("n=%d: %d calls", n, calls.Load())
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, c)
			}
		}
	}
}

func TestPanicsReachTheCaller(t *testing.T) {
	for _, n := range []int{1, 2, 100} {
		func() {
			defer func() {
				v := recover()
				if v == nil {
					t.Fatalf("n=%d: no panic", n)
				}
				if p, ok := v.(*Panic); n > 1 && (!ok || p.Value != "boom" || len(p.Stack) == 0) {
					t.Fatalf("n=%d: recovered %#v", n, v)
				}
			}()
			ForEach(n, func(i int) {
				if i == n-1 {
					panic("boom")
				}
			})
		}()
	}
}

func TestGroupWaitsForAllBeforeRaising(t *testing.T) {
	var done atomic.Int32
	defer func() {
		if recover() == nil || done.Load() != 10 {
			t.Fatalf("done %d", done.Load())
		}
	}()
	var g Group
	g.Go(func() { panic("first") })
	for i := 0; i < 10; i++ {
		g.Go(func() { done.Add(1) })
	}
	g.Wait()
}
