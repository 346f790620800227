// Package server holds what the HTTP benchmark servers share: the endpoints'
// work, the command-line contract with goarchlab, profiling and the GC view.
//
// Contract (read by goarchlab.bench.http.server):
//   - the server listens on 127.0.0.1 only, on an ephemeral port unless -addr
//     names one, and prints one JSON line {"addr": "127.0.0.1:PORT"} on stdout
//     once it accepts connections;
//   - on SIGTERM (or SIGINT) it stops the CPU profile (-cpuprofile), writes a
//     heap profile (-memprofile) and the GC view (-metrics, JSON), then exits 0;
//   - with -lifeline it exits (status 3) when its standard input reaches end of
//     file: goarchlab holds the write end of that pipe, so a goarchlab killed
//     without a chance to stop it (SIGKILL) leaves no server listening;
//   - GOARCHLAB_HTTP_CRASH_AFTER=N makes it panic after N requests (used by
//     goarchlab's tests to check how a crash mid-run is reported).
package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"goarchlab.local/workloads/http/lifeline"
)

// Options are the flags every server takes.
type Options struct {
	Addr       string
	CPUProfile string
	MemProfile string
	Metrics    string
	Interval   time.Duration
	Lifeline   bool
}

// ParseFlags reads the shared flags.
func ParseFlags() Options {
	var o Options
	flag.StringVar(&o.Addr, "addr", "127.0.0.1:0", "listen address (loopback only)")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile (pprof) here on exit")
	flag.StringVar(&o.MemProfile, "memprofile", "", "write a heap profile (pprof) here on exit")
	flag.StringVar(&o.Metrics, "metrics", "", "write the GC view (JSON) here on exit")
	flag.DurationVar(&o.Interval, "sample", 100*time.Millisecond, "runtime/metrics sampling interval")
	flag.BoolVar(&o.Lifeline, "lifeline", false, "exit when standard input reaches end of file "+
		"(goarchlab holds the pipe's write end)")
	flag.Parse()
	return o
}

// Pong is the small JSON answer of /api/ping.
type Pong struct {
	Message string `json:"message"`
	Time    int64  `json:"time"`
}

// Item is one element of the heavy endpoint's list.
type Item struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Price  float64  `json:"price"`
	Tags   []string `json:"tags"`
	Active bool     `json:"active"`
}

// Heavy is the heavy endpoint's answer: the request body's sha256 and a list.
type Heavy struct {
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	Items  []Item `json:"items"`
}

// HeavyItems is how many structs the heavy endpoint encodes per request.
const HeavyItems = 50

var tags = []string{"alpha", "beta", "gamma", "delta"}

// NewPong builds the ping answer.
func NewPong() Pong { return Pong{Message: "pong", Time: time.Now().UnixNano()} }

// NewHeavy hashes body and builds the list (fresh allocations each call, on purpose).
func NewHeavy(body []byte) Heavy {
	sum := sha256.Sum256(body)
	items := make([]Item, HeavyItems)
	for i := range items {
		items[i] = Item{ID: i, Name: "item-" + strconv.Itoa(i), Price: float64(i) * 1.25,
			Tags: tags[:1+i%len(tags)], Active: i%2 == 0}
	}
	return Heavy{SHA256: hex.EncodeToString(sum[:]), Bytes: len(body), Items: items}
}

var served atomic.Int64
var crashAfter int64

func init() {
	if v := os.Getenv("GOARCHLAB_HTTP_CRASH_AFTER"); v != "" {
		crashAfter, _ = strconv.ParseInt(v, 10, 64)
	}
}

// Count is called once per request; it implements GOARCHLAB_HTTP_CRASH_AFTER.
func Count() {
	n := served.Add(1)
	if crashAfter > 0 && n == crashAfter {
		// Outside the handler: net/http and Gin recover a handler's panic, and
		// the point is a process that dies.
		go panic(fmt.Sprintf("goarchlab test crash after %d requests", n))
	}
}

// ReadBody reads a request body fully (bounded to 16 MiB).
func ReadBody(r io.Reader) ([]byte, error) { return io.ReadAll(io.LimitReader(r, 16<<20)) }

// Serve listens, announces the address, serves h until SIGTERM, then writes
// the profiles and the GC view. It returns the process exit code.
func Serve(o Options, h http.Handler) int {
	if o.Lifeline {
		lifeline.Watch("server")
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
		fmt.Fprintln(os.Stderr, "refusing to listen on", o.Addr, "(loopback only)")
		return 2
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		return 1
	}
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "cpuprofile:", err)
			return 1
		}
	}
	gc := startGCView(o.Interval)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	line, _ := json.Marshal(map[string]string{"addr": ln.Addr().String()})
	os.Stdout.Write(append(line, '\n'))
	select {
	case <-sig:
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 1
	}
	ln.Close()
	if o.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	view := gc.stop()
	view.Requests = served.Load()
	if o.MemProfile != "" {
		if err := writeHeap(o.MemProfile); err != nil {
			fmt.Fprintln(os.Stderr, "memprofile:", err)
			return 1
		}
	}
	if o.Metrics != "" {
		b, _ := json.Marshal(view)
		if err := os.WriteFile(o.Metrics, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "metrics:", err)
			return 1
		}
	}
	return 0
}

func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // up-to-date statistics, as go test -memprofile does
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---- GC view: runtime/metrics sampled over the run ----

const (
	mCycles   = "/gc/cycles/total:gc-cycles"
	mPausesV2 = "/sched/pauses/total/gc:seconds" // Go 1.22+
	mPausesV1 = "/gc/pauses:seconds"             // older name, deprecated in 1.22
	mHeap     = "/memory/classes/heap/objects:bytes"
	mGoal     = "/gc/heap/goal:bytes"
	mAllocB   = "/gc/heap/allocs:bytes"
	mAllocN   = "/gc/heap/allocs:objects"
)

// Point is one sample of the GC view: seconds since start, heap in use
// (live and not yet swept objects, bytes), heap goal (bytes), GC cycles so far.
type Point struct {
	T      float64 `json:"t"`
	Heap   uint64  `json:"heap"`
	Goal   uint64  `json:"goal"`
	Cycles uint64  `json:"cycles"`
}

// View is what the server reports at the end: the timeline and totals over
// the whole run, stop-the-world GC pause quantiles in seconds (from the
// runtime's pause histogram: each quantile is the upper bound of its bucket).
type View struct {
	GoVersion   string             `json:"go_version"`
	GOGC        string             `json:"gogc"`
	Seconds     float64            `json:"seconds"`
	Requests    int64              `json:"requests"`
	Cycles      uint64             `json:"gc_cycles"`
	AllocBytes  uint64             `json:"alloc_bytes"`
	AllocObjs   uint64             `json:"alloc_objects"`
	HeapPeak    uint64             `json:"heap_peak"`
	Pauses      uint64             `json:"pauses"`
	PauseQuant  map[string]float64 `json:"pause_quantiles"`
	Timeline    []Point            `json:"timeline"`
	PauseMetric string             `json:"pause_metric"`
}

type gcView struct {
	start   time.Time
	samples []metrics.Sample
	pause   string
	first   []metrics.Sample
	points  []Point
	peak    uint64
	done    chan struct{}
	stopped chan struct{}
}

func startGCView(every time.Duration) *gcView {
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	g := &gcView{start: time.Now(), done: make(chan struct{}), stopped: make(chan struct{})}
	g.pause = mPausesV1
	if known[mPausesV2] {
		g.pause = mPausesV2
	}
	names := []string{mCycles, mHeap, mGoal, mAllocB, mAllocN, g.pause}
	for _, n := range names {
		g.samples = append(g.samples, metrics.Sample{Name: n})
	}
	g.first = g.read()
	go func() {
		defer close(g.stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-g.done:
				return
			case <-t.C:
				g.sample()
			}
		}
	}()
	return g
}

func (g *gcView) read() []metrics.Sample {
	s := make([]metrics.Sample, len(g.samples))
	copy(s, g.samples)
	metrics.Read(s)
	return s
}

func u64(s metrics.Sample) uint64 {
	if s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

func (g *gcView) sample() []metrics.Sample {
	s := g.read()
	p := Point{T: time.Since(g.start).Seconds(), Cycles: u64(s[0]) - u64(g.first[0]),
		Heap: u64(s[1]), Goal: u64(s[2])}
	if p.Heap > g.peak {
		g.peak = p.Heap
	}
	g.points = append(g.points, p)
	return s
}

func (g *gcView) stop() View {
	close(g.done)
	<-g.stopped
	last := g.sample()
	v := View{GoVersion: runtime.Version(), GOGC: os.Getenv("GOGC"),
		Seconds: time.Since(g.start).Seconds(), Cycles: u64(last[0]) - u64(g.first[0]),
		AllocBytes: u64(last[3]) - u64(g.first[3]), AllocObjs: u64(last[4]) - u64(g.first[4]),
		HeapPeak: g.peak, Timeline: thin(g.points, 600), PauseMetric: g.pause,
		PauseQuant: map[string]float64{}}
	if last[5].Value.Kind() == metrics.KindFloat64Histogram {
		h := last[5].Value.Float64Histogram()
		var h0 *metrics.Float64Histogram
		if g.first[5].Value.Kind() == metrics.KindFloat64Histogram {
			h0 = g.first[5].Value.Float64Histogram()
		}
		counts := make([]uint64, len(h.Counts))
		for i, c := range h.Counts {
			counts[i] = c
			if h0 != nil && i < len(h0.Counts) {
				counts[i] -= h0.Counts[i]
			}
		}
		var total uint64
		for _, c := range counts {
			total += c
		}
		v.Pauses = total
		for _, q := range []struct {
			k string
			q float64
		}{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1}} {
			if total > 0 {
				v.PauseQuant[q.k] = quantile(h.Buckets, counts, total, q.q)
			}
		}
	}
	return v
}

// quantile: the upper bound of the bucket holding the q-th value (a finite
// bound: the last bucket's +Inf falls back to its lower bound).
func quantile(bounds []float64, counts []uint64, total uint64, q float64) float64 {
	want := uint64(q * float64(total))
	if want < 1 {
		want = 1
	}
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= want {
			hi := bounds[i+1]
			if hi > 1e300 {
				return bounds[i]
			}
			return hi
		}
	}
	return bounds[len(bounds)-1]
}

// thin keeps at most n points, evenly spread (always the last).
func thin(p []Point, n int) []Point {
	if len(p) <= n {
		return p
	}
	out := make([]Point, 0, n)
	step := float64(len(p)-1) / float64(n-1)
	idx := map[int]bool{}
	for i := 0; i < n; i++ {
		idx[int(float64(i)*step+0.5)] = true
	}
	keys := make([]int, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		out = append(out, p[k])
	}
	return out
}
