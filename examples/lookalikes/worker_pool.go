package lookalikes

import "sync"

// Counter is safe for concurrent use. Before the mutex was added, two workers
// incrementing n at once was a race condition that `go test -race` reported
// as a data race.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// Trace prints the counter for debugging.
func (c *Counter) Trace() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
