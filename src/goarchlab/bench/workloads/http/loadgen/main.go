// Command loadgen is goarchlab's HTTP/1.1 load generator.
//
// Why goarchlab has its own (DESIGN.md principle 4): the benchmark needs a
// generator that (1) builds from the Go toolchain goarchlab already installs,
// so it exists on every machine (wrk and oha are optional), (2) has an
// open-loop mode that measures latency from each request's intended send
// time, so a stalled server is not hidden by coordinated omission (wrk
// measures from the actual send), and (3) reports in one JSON document.
// Where wrk or oha are installed, goarchlab can run them instead.
//
// Efficiency: closed loop on Linux runs wrk's design (loop_linux.go): one
// event loop per thread over epoll, each owning a share of the connections
// (non-blocking sockets, registered once, edge-triggered), a pre-built request
// written with one write(2), and an incremental response parser (parse.go)
// over a per-connection buffer that skips bodies without copying. Per request
// that is one write and usually one read, against wrk's two epoll_ctl calls
// more. The open loop, and the closed loop elsewhere, run a goroutine per
// connection with the same parser over net.Conn. Nothing is allocated per
// request; latency goes into a histogram per loop or connection (hist.go),
// merged at the end. Measurements against wrk: bench/loadgen_vs_wrk.py and
// docs/performance.md.
//
// Modes: closed loop (default): C connections each send their next request
// as soon as the previous answer arrived, for D. Open loop (-rate R): each
// connection sends on its own fixed schedule of R/C requests per second
// (staggered across connections); a request's latency runs from its
// scheduled time, so time spent waiting behind a slow answer counts.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"goarchlab.local/workloads/http/lifeline"
)

type result struct {
	Mode        string             `json:"mode"`
	URL         string             `json:"url"`
	Connections int                `json:"connections"`
	Rate        float64            `json:"rate"`
	DurationS   float64            `json:"duration_s"`
	Requests    uint64             `json:"requests"`
	RPS         float64            `json:"rps"`
	Errors      uint64             `json:"errors"`
	Non2xx      uint64             `json:"non2xx"`
	Status      map[string]uint64  `json:"status"`
	ErrorKinds  map[string]uint64  `json:"error_kinds"`
	LatencyUS   map[string]float64 `json:"latency_us"`
	Percentiles [][2]float64       `json:"percentiles"`
	ServerGone  bool               `json:"server_gone"`
	Late        uint64             `json:"late"`
	Precision   string             `json:"precision"`
	BytesRead   uint64             `json:"bytes_read"`
}

type worker struct {
	h          *hist
	codes      [1000]uint64 // answers per status code: an array, not a map, on the hot path
	errs       map[string]uint64
	nerr       uint64
	late       uint64
	lastDone   time.Time // goroutine path
	lastDoneNs int64     // event loop: ns since the start
	bytes      uint64
}

func newWorker() *worker { return &worker{h: newHist(), errs: map[string]uint64{}} }

func (w *worker) count(code int) {
	if code < 0 || code >= len(w.codes) {
		code = 0
	}
	w.codes[code]++
}

var lastOK atomic.Int64 // unix ns of the last good answer, for server-gone detection
var gone atomic.Bool

func main() {
	target := flag.String("url", "", "http://127.0.0.1:PORT/path (loopback only)")
	conns := flag.Int("c", 64, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	rate := flag.Float64("rate", 0, "open loop: requests per second in total (0: closed loop)")
	method := flag.String("method", "GET", "GET or POST")
	bodySize := flag.Int("body", 0, "request body bytes (POST)")
	timeout := flag.Duration("timeout", 5*time.Second, "time an answer may take past the end")
	cpuprof := flag.String("cpuprofile", "", "write the generator's own CPU profile here")
	procs := flag.Int("procs", 0, "Go Ps (GOMAXPROCS) for the goroutine path (open loop, or "+
		"closed loop without epoll); 0: half the cores, at least 1")
	loops := flag.Int("loops", 0, "closed loop on Linux: event loops (threads), each owning "+
		"a share of the connections; 0: "+defaultLoopsDoc)
	life := flag.Bool("lifeline", false, "exit when standard input reaches end of file "+
		"(goarchlab holds the pipe's write end)")
	flag.Parse()
	if *life {
		lifeline.Watch("loadgen")
	}
	nloops := 0
	if haveEventLoop && *rate == 0 {
		nloops = *loops
		if nloops <= 0 {
			nloops = defaultLoops()
		}
		if nloops > *conns {
			nloops = *conns
		}
		// One P more than loops: see loop_linux.go (an idle P keeps sysmon
		// from handing off a P blocked in epoll_wait).
		runtime.GOMAXPROCS(nloops + 1)
	} else if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	} else if os.Getenv("GOMAXPROCS") == "" {
		// Leave the other half to the server under test. With one P per core
		// the runtime also keeps idle Ps spinning for work at every wake-up,
		// CPU the server then lacks (measured: bench/loadgen_vs_wrk.py).
		n := runtime.NumCPU() / 2
		if n < 1 {
			n = 1
		}
		runtime.GOMAXPROCS(n)
	}
	if *cpuprof != "" {
		if f, err := os.Create(*cpuprof); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	res, err := run(*target, *conns, *dur, *rate, *method, *bodySize, *timeout, nloops)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	out, _ := json.Marshal(res)
	os.Stdout.Write(append(out, '\n'))
}

// run loads target; nloops > 0 runs the closed loop on that many event loops
// (Linux), 0 on a goroutine per connection.
func run(target string, c int, d time.Duration, rate float64, method string, bodySize int,
	timeout time.Duration, nloops int) (*result, error) {
	if !strings.HasPrefix(target, "http://") {
		return nil, errors.New("-url must be http://HOST:PORT/PATH")
	}
	rest := strings.TrimPrefix(target, "http://")
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		rest += "/"
		slash = len(rest) - 1
	}
	hostport, path := rest[:slash], rest[slash:]
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing to load %s: loopback addresses only", host)
	}
	if c < 1 || d <= 0 || rate < 0 {
		return nil, errors.New("need -c >= 1, -d > 0, -rate >= 0")
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: goarchlab-loadgen\r\n", method, path, hostport)
	if bodySize > 0 || method == "POST" {
		fmt.Fprintf(&req, "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", bodySize)
		body := make([]byte, bodySize)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		req.Write(body)
	} else {
		req.WriteString("\r\n")
	}
	raw := req.Bytes()
	start := time.Now()
	end := start.Add(d)
	lastOK.Store(start.UnixNano())
	head := method == "HEAD"
	if nloops > 0 {
		ws := make([]*worker, nloops)
		for i := range ws {
			ws[i] = newWorker()
		}
		if err := runEventLoops(hostport, raw, head, c, start, end, timeout, ws); err != nil {
			return nil, err
		}
		return summarize(target, c, rate, d, start, ws), nil
	}
	ws := make([]*worker, c)
	for i := range ws {
		ws[i] = newWorker()
	}
	runGoroutines(hostport, raw, head, c, rate, start, end, timeout, ws)
	return summarize(target, c, rate, d, start, ws), nil
}

func runGoroutines(hostport string, raw []byte, head bool, c int, rate float64, start, end time.Time,
	timeout time.Duration, ws []*worker) {
	var wg sync.WaitGroup
	for i, w := range ws {
		var sched func(k int) time.Time
		if rate > 0 {
			interval := time.Duration(float64(c) / rate * 1e9)
			offset := time.Duration(float64(i) / rate * 1e9)
			sched = func(k int) time.Time { return start.Add(offset + time.Duration(k)*interval) }
		}
		wg.Add(1)
		go func(w *worker, sched func(int) time.Time) {
			defer wg.Done()
			w.loop(hostport, raw, head, end, timeout, sched)
		}(w, sched)
	}
	wg.Wait()
}

func summarize(target string, c int, rate float64, d time.Duration, start time.Time,
	ws []*worker) *result {
	total := newWorker()
	last := start
	for _, w := range ws {
		total.h.merge(w.h)
		for k, v := range w.codes {
			total.codes[k] += v
		}
		if w.lastDoneNs > 0 && start.Add(time.Duration(w.lastDoneNs)).After(last) {
			last = start.Add(time.Duration(w.lastDoneNs))
		}
		for k, v := range w.errs {
			total.errs[k] += v
		}
		total.nerr += w.nerr
		total.late += w.late
		total.bytes += w.bytes
		if w.lastDone.After(last) {
			last = w.lastDone
		}
	}
	elapsed := last.Sub(start).Seconds()
	if elapsed < d.Seconds() && !gone.Load() {
		elapsed = d.Seconds()
	}
	if elapsed <= 0 {
		elapsed = d.Seconds()
	}
	r := &result{Mode: "closed", URL: target, Connections: c, Rate: rate, DurationS: elapsed,
		Requests: total.h.total, Errors: total.nerr, Status: map[string]uint64{},
		ErrorKinds: total.errs, LatencyUS: map[string]float64{}, ServerGone: gone.Load(),
		Late: total.late, BytesRead: total.bytes,
		Precision: "log-linear histogram, 128 buckets per power of two: quantiles within +0.78%, max exact"}
	if rate > 0 {
		r.Mode = "open"
	}
	r.RPS = float64(r.Requests) / elapsed
	for code, n := range total.codes {
		if n == 0 {
			continue
		}
		r.Status[strconv.Itoa(code)] = n
		if code < 200 || code > 299 {
			r.Non2xx += n
		}
	}
	us := func(ns uint64) float64 { return float64(ns) / 1e3 }
	if r.Requests > 0 {
		for _, q := range []struct {
			k string
			q float64
		}{{"p50", .5}, {"p90", .9}, {"p99", .99}, {"p99.9", .999}} {
			r.LatencyUS[q.k] = us(total.h.quantile(q.q))
		}
		r.LatencyUS["max"] = us(total.h.max)
		r.LatencyUS["min"] = us(total.h.min)
		r.LatencyUS["mean"] = total.h.sum / float64(total.h.total) / 1e3
		for _, q := range []float64{0, .1, .25, .5, .75, .9, .95, .99, .995, .999, .9999, 1} {
			r.Percentiles = append(r.Percentiles, [2]float64{q * 100, us(total.h.quantile(q))})
		}
	}
	return r
}

func (w *worker) fail(kind string) {
	w.nerr++
	w.errs[kind]++
}

func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, errTruncated):
		return "eof"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "refused"):
		return "refused"
	case strings.Contains(err.Error(), "reset"):
		return "reset"
	}
	return "other"
}

func (w *worker) loop(hostport string, raw []byte, head bool, end time.Time, timeout time.Duration,
	sched func(int) time.Time) {
	var cl *client
	defer func() {
		if cl != nil {
			cl.c.Close()
		}
	}()
	for k := 0; ; k++ {
		if gone.Load() {
			return
		}
		var t0 time.Time
		if sched != nil {
			t0 = sched(k)
			if !t0.Before(end) {
				return
			}
			if wait := time.Until(t0); wait > 0 {
				time.Sleep(wait)
			} else if wait < -time.Millisecond {
				w.late++
			}
		} else {
			t0 = time.Now()
			if !t0.Before(end) {
				return
			}
		}
		if cl == nil {
			c, err := net.DialTimeout("tcp", hostport, timeout)
			if err != nil {
				w.fail(errKind(err))
				if time.Now().UnixNano()-lastOK.Load() > int64(time.Second) {
					gone.Store(true) // nothing answered for a second and we cannot connect
					return
				}
				time.Sleep(10 * time.Millisecond)
				continue
			}
			c.SetDeadline(end.Add(timeout))
			cl = newClient(c)
		}
		if sched == nil {
			t0 = time.Now()
		}
		code, n, keep, err := roundTrip(cl, raw, head)
		now := time.Now()
		if err != nil {
			w.fail(errKind(err))
			cl.c.Close()
			cl = nil
			continue
		}
		lat := now.Sub(t0)
		if lat < 0 {
			lat = 0
		}
		w.h.record(uint64(lat))
		w.count(code)
		w.bytes += uint64(n)
		w.lastDone = now
		if ns := now.UnixNano(); ns-lastOK.Load() > int64(100*time.Millisecond) {
			lastOK.Store(ns) // rarely: a store per request would bounce the cache line
		}
		if !keep {
			cl.c.Close()
			cl = nil
		}
	}
}
