// Command cgo: the cost of a call from Go into C (an empty C function), next
// to the same empty call in Go, so the difference is the cgo transition.
package main

/*
static int noop(int x) { return x; }
*/
import "C"

import "goarchlab.local/workloads/internal/harness"

var sink int

//go:noinline
func goNoop(x int) int { return x }

func main() {
	benches := []harness.Bench{
		{Name: "CgoCall", F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				sink += int(C.noop(C.int(i)))
			}
		}},
		{Name: "GoCall", F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				sink += goNoop(i)
			}
		}},
	}
	harness.Main("goarchlab/cgo", benches)
}
