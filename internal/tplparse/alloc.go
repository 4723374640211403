package tplparse

// block hands out pointers into slices it allocates in growing chunks, so a
// template with thousands of nodes of one type costs a few dozen
// allocations instead of thousands. All nodes of a tree live exactly as long
// as the tree, so no chunk outlives its use.
type block[T any] struct {
	free []T
	size int
}

func (b *block[T]) new() *T {
	if len(b.free) == 0 {
		b.size = min(max(2*b.size, 4), 128)
		b.free = make([]T, b.size)
	}
	p := &b.free[0]
	b.free = b.free[1:]
	return p
}

// slices carves exact-length slices out of shared chunks. Each slice's
// capacity equals its length, so an append by a later user copies instead of
// overwriting a neighbour.
type slices[T any] struct {
	free []T
	size int
}

func (s *slices[T]) copyOf(src []T) []T {
	n := len(src)
	if n == 0 {
		return nil
	}
	if len(s.free) < n {
		s.size = min(max(2*s.size, 16), 1024)
		s.free = make([]T, max(n, s.size))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	copy(out, src)
	return out
}
