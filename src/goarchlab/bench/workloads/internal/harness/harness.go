// Package harness runs each benchmark of a workload once per process and
// prints the result in the Go benchmark format
// (https://go.googlesource.com/proposal/+/master/design/14313-benchmark-format.md).
//
// Why not testing.Benchmark: goarchlab's method is one process = one sample
// per benchmark, with the sample count controlled from outside (N processes,
// interleaved across variants). The testing package adds its own -count and
// flag handling that a plain main does not need. The iteration-count
// calibration below follows testing.B's: grow n until one run of n
// iterations lasts at least -benchtime, report the last run.
package harness

import (
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	benchRe   = flag.String("bench", ".", "run only benchmarks whose name matches this regexp")
	benchtime = flag.String("benchtime", "100ms", "time per benchmark (a duration) or iterations (Nx)")
	list      = flag.Bool("list", false, "list benchmark names and exit")
)

// B is the state of one benchmark run: N iterations, a timer, extra metrics.
type B struct {
	N       int
	start   time.Time
	elapsed time.Duration
	running bool
	extra   map[string]float64
	order   []string
}

// ResetTimer zeroes the elapsed time and restarts the timer if it runs.
func (b *B) ResetTimer() {
	b.elapsed = 0
	if b.running {
		b.start = time.Now()
	}
}

// StopTimer pauses timing (setup work that must not count).
func (b *B) StopTimer() {
	if b.running {
		b.elapsed += time.Since(b.start)
		b.running = false
	}
}

// StartTimer resumes timing.
func (b *B) StartTimer() {
	if !b.running {
		b.start = time.Now()
		b.running = true
	}
}

// ReportMetric records an extra metric for the final run, e.g. (3, "gc-cycles").
func (b *B) ReportMetric(v float64, unit string) {
	if _, ok := b.extra[unit]; !ok {
		b.order = append(b.order, unit)
	}
	b.extra[unit] = v
}

// Bench is one benchmark: its name (without the -procs suffix), the bytes
// processed per iteration (0: no MB/s), GOMAXPROCS for the run (0: leave as is),
// and the function that runs b.N iterations.
type Bench struct {
	Name  string
	Bytes int64
	Procs int
	F     func(b *B)
}

func runN(bench Bench, n int) *B {
	b := &B{N: n, extra: map[string]float64{}}
	runtime.GC()
	b.StartTimer()
	bench.F(b)
	b.StopTimer()
	return b
}

// measure calibrates n like testing.B.launch and returns the last run.
func measure(bench Bench, target time.Duration, fixed int) *B {
	if fixed > 0 {
		return runN(bench, fixed)
	}
	n := 1
	for {
		b := runN(bench, n)
		if b.elapsed >= target || n >= 1e9 {
			return b
		}
		// testing's predictN: multiply before dividing (a fast benchmark's
		// ns per op truncated to an integer would hide an order of magnitude),
		// aim 1.2x over the goal, grow at most 100x, at least by one, cap at 1e9.
		last := int64(n)
		prevns := b.elapsed.Nanoseconds()
		if prevns <= 0 {
			prevns = 1
		}
		next := target.Nanoseconds() * last / prevns
		next += next / 5
		// (spelled out: go.mod says go 1.20, before the min and max builtins)
		if next > 100*last {
			next = 100 * last
		}
		if next < last+1 {
			next = last + 1
		}
		if next > 1e9 {
			next = 1e9
		}
		n = int(next)
	}
}

func parseBenchtime(s string) (time.Duration, int) {
	if strings.HasSuffix(s, "x") {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "x"))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "invalid -benchtime %q\n", s)
			os.Exit(2)
		}
		return 0, n
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		fmt.Fprintf(os.Stderr, "invalid -benchtime %q\n", s)
		os.Exit(2)
	}
	return d, 0
}

// Main parses the flags, runs the matching benchmarks and prints the results.
// pkg names the workload in the "pkg:" configuration line.
func Main(pkg string, benches []Bench) {
	flag.Parse()
	re, err := regexp.Compile(*benchRe)
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid -bench: %v\n", err)
		os.Exit(2)
	}
	if *list {
		for _, bench := range benches {
			fmt.Println(bench.Name)
		}
		return
	}
	target, fixed := parseBenchtime(*benchtime)
	fmt.Printf("goos: %s\ngoarch: %s\npkg: %s\n", runtime.GOOS, runtime.GOARCH, pkg)
	for _, bench := range benches {
		if !re.MatchString(bench.Name) {
			continue
		}
		old := runtime.GOMAXPROCS(0)
		if bench.Procs > 0 {
			runtime.GOMAXPROCS(bench.Procs)
		}
		procs := runtime.GOMAXPROCS(0)
		b := measure(bench, target, fixed)
		runtime.GOMAXPROCS(old)
		line := fmt.Sprintf("Benchmark%s", bench.Name)
		if procs != 1 {
			line += fmt.Sprintf("-%d", procs)
		}
		nsop := float64(b.elapsed.Nanoseconds()) / float64(b.N)
		line += fmt.Sprintf("\t%d\t%s ns/op", b.N, fmtFloat(nsop))
		if bench.Bytes > 0 && b.elapsed > 0 {
			mbs := float64(bench.Bytes) * float64(b.N) / 1e6 / b.elapsed.Seconds()
			line += fmt.Sprintf("\t%s MB/s", fmtFloat(mbs))
		}
		for _, unit := range b.order {
			line += fmt.Sprintf("\t%s %s", fmtFloat(b.extra[unit]), unit)
		}
		fmt.Println(line)
	}
}

// fmtFloat prints like testing's prettyPrint without its padding: no decimals
// from 999.95 up, then more decimals for smaller values (about four digits).
func fmtFloat(v float64) string {
	y := math.Abs(v)
	prec := 7
	switch {
	case y == 0 || y >= 999.95:
		prec = 0
	case y >= 99.995:
		prec = 1
	case y >= 9.9995:
		prec = 2
	case y >= 0.99995:
		prec = 3
	case y >= 0.099995:
		prec = 4
	case y >= 0.0099995:
		prec = 5
	case y >= 0.00099995:
		prec = 6
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// Metrics reads runtime/metrics samples by name; names this Go does not
// have are left out, so a workload built with an older toolchain still runs.
type Metrics struct {
	samples []metrics.Sample
}

// NewMetrics prepares the named metrics that this runtime supports.
func NewMetrics(names ...string) *Metrics {
	have := map[string]bool{}
	for _, d := range metrics.All() {
		have[d.Name] = true
	}
	m := &Metrics{}
	for _, n := range names {
		if have[n] {
			m.samples = append(m.samples, metrics.Sample{Name: n})
		}
	}
	return m
}

// Has reports whether the runtime supports the named metric.
func (m *Metrics) Has(name string) bool {
	for _, s := range m.samples {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Snapshot reads the metrics now.
func (m *Metrics) Snapshot() map[string]metrics.Value {
	s := make([]metrics.Sample, len(m.samples))
	copy(s, m.samples)
	metrics.Read(s)
	out := map[string]metrics.Value{}
	for _, x := range s {
		out[x.Name] = x.Value
	}
	return out
}

// HistDelta is the difference of two snapshots of one cumulative histogram.
type HistDelta struct {
	Counts  []uint64
	Buckets []float64
}

// Delta subtracts histogram a from b (same metric, read later).
func Delta(a, b *metrics.Float64Histogram) HistDelta {
	d := HistDelta{Counts: make([]uint64, len(b.Counts)), Buckets: b.Buckets}
	for i := range b.Counts {
		d.Counts[i] = b.Counts[i]
		if a != nil && i < len(a.Counts) {
			d.Counts[i] -= a.Counts[i]
		}
	}
	return d
}

// Total is the number of observations in the delta.
func (h HistDelta) Total() uint64 {
	var t uint64
	for _, c := range h.Counts {
		t += c
	}
	return t
}

// Quantile returns the upper bound of the bucket that holds quantile q
// (0 < q <= 1), in the histogram's unit; NaN when there are no observations.
// Bucket i spans [Buckets[i], Buckets[i+1]); an infinite upper bound falls
// back to the lower one.
func (h HistDelta) Quantile(q float64) float64 {
	total := h.Total()
	if total == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(total)))
	if rank == 0 {
		rank = 1
	}
	var cum uint64
	for i, c := range h.Counts {
		cum += c
		if cum >= rank {
			hi := h.Buckets[i+1]
			if math.IsInf(hi, 1) {
				return h.Buckets[i]
			}
			return hi
		}
	}
	return h.Buckets[len(h.Buckets)-1]
}

// Procs returns 1, 2, 4, ... up to runtime.NumCPU, always ending at NumCPU.
func Procs() []int {
	n := runtime.NumCPU()
	var out []int
	for p := 1; p < n; p *= 2 {
		out = append(out, p)
	}
	out = append(out, n)
	sort.Ints(out)
	return out
}
