// Command alloc: allocation-heavy work (binary trees, short-lived slices and
// maps) with the collector's own view from runtime/metrics: GC cycles, pause
// quantiles and the heap goal over the measured run.
package main

import (
	"runtime"
	"runtime/metrics"
	"strconv"

	"goarchlab.local/workloads/internal/harness"
)

type node struct{ left, right *node }

func tree(depth int) *node {
	if depth == 0 {
		return &node{}
	}
	return &node{tree(depth - 1), tree(depth - 1)}
}

func (n *node) count() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.count() + n.right.count()
}

var sink int

const (
	mCycles   = "/gc/cycles/total:gc-cycles"
	mPausesV2 = "/sched/pauses/total/gc:seconds" // Go 1.22+
	mPausesV1 = "/gc/pauses:seconds"             // older name, deprecated in 1.22
	mGoal     = "/gc/heap/goal:bytes"
	mObjects  = "/memory/classes/heap/objects:bytes"
)

// withGC wraps f so the final run reports GC activity, allocations and heap.
func withGC(name string, f func(b *harness.B)) harness.Bench {
	m := harness.NewMetrics(mCycles, mPausesV2, mPausesV1, mGoal, mObjects)
	pauses := mPausesV2
	if !m.Has(pauses) {
		pauses = mPausesV1
	}
	return harness.Bench{Name: name, F: func(b *harness.B) {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		before := m.Snapshot()
		f(b)
		after := m.Snapshot()
		runtime.ReadMemStats(&ms1)
		b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N), "B/op")
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N), "allocs/op")
		b.ReportMetric(float64(after[mCycles].Uint64()-before[mCycles].Uint64()), "gc-cycles")
		if a, ok := after[pauses]; ok && a.Kind() == metrics.KindFloat64Histogram {
			d := harness.Delta(before[pauses].Float64Histogram(), a.Float64Histogram())
			if d.Total() > 0 {
				b.ReportMetric(d.Quantile(0.5)*1e9, "gc-pause-p50-ns")
				b.ReportMetric(d.Quantile(0.99)*1e9, "gc-pause-p99-ns")
			}
		}
		b.ReportMetric(float64(after[mGoal].Uint64()), "heap-goal-B")
		b.ReportMetric(float64(after[mObjects].Uint64()), "heap-objects-B")
	}}
}

func main() {
	benches := []harness.Bench{
		withGC("BinaryTree/depth14", func(b *harness.B) {
			b.StopTimer()
			long := tree(16) // live heap the collector must mark on every cycle
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				sink += tree(14).count()
			}
			sink += long.count()
		}),
		withGC("SmallObjects", func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				s := make([]string, 0, 8)
				for j := 0; j < 64; j++ {
					s = append(s, strconv.Itoa(i+j))
				}
				m := make(map[string]int, len(s))
				for j, k := range s {
					m[k] = j
				}
				sink += len(m)
			}
		}),
	}
	harness.Main("goarchlab/alloc", benches)
}
