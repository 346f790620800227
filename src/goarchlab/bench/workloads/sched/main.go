// Command sched: goroutine ping-pong over unbuffered channels, a channel
// fan-out to one consumer per core, and the scheduler's own latency
// histogram (/sched/latencies:seconds: time goroutines spent runnable
// before running) over the measured run.
package main

import (
	"runtime"
	"runtime/metrics"
	"sync"

	"goarchlab.local/workloads/internal/harness"
)

const mLatency = "/sched/latencies:seconds"

func withLatency(bench harness.Bench) harness.Bench {
	m := harness.NewMetrics(mLatency)
	f := bench.F
	bench.F = func(b *harness.B) {
		before := m.Snapshot()
		f(b)
		after := m.Snapshot()
		if a, ok := after[mLatency]; ok && a.Kind() == metrics.KindFloat64Histogram {
			d := harness.Delta(before[mLatency].Float64Histogram(), a.Float64Histogram())
			if d.Total() > 0 {
				b.ReportMetric(d.Quantile(0.5)*1e9, "sched-lat-p50-ns")
				b.ReportMetric(d.Quantile(0.99)*1e9, "sched-lat-p99-ns")
			}
		}
	}
	return bench
}

func pingPong(b *harness.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	for i := 0; i < b.N; i++ {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
}

func fanOut(b *harness.B) {
	workers := runtime.GOMAXPROCS(0)
	ch := make(chan int, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum := 0
			for v := range ch {
				sum += v
			}
			mu.Lock()
			total += sum
			mu.Unlock()
		}()
	}
	for i := 0; i < b.N; i++ {
		ch <- i
	}
	close(ch)
	wg.Wait()
	_ = total
}

func main() {
	benches := []harness.Bench{
		withLatency(harness.Bench{Name: "PingPong", F: pingPong}),
		withLatency(harness.Bench{Name: "FanOut", F: fanOut}),
	}
	harness.Main("goarchlab/sched", benches)
}
