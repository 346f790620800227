//go:build linux

package main

import (
	"bufio"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// A raw loopback server that answers in turn: 200 with a length, 503
// chunked in pieces written apart (split reads), 200 with Connection: close
// (then closes), and every 50th answer is garbage (then closes). The event
// loops must count each status, reconnect after each close, and count the
// garbage as errors.
func TestEventLoopsAgainstRawServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted, served atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func(c net.Conn) {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if line != "\r\n" {
						continue
					}
					n := served.Add(1)
					switch {
					case n%50 == 0:
						c.Write([]byte("HTTP/1.1 2x0 nonsense\r\n\r\n"))
						return
					case n%3 == 0:
						c.Write([]byte("HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbu"))
						time.Sleep(time.Millisecond)
						c.Write([]byte("sy\r\n0\r\n\r\n"))
					case n%3 == 1:
						c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
					default:
						c.Write([]byte("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"))
						return
					}
				}
			}(c)
		}
	}()
	ws := []*worker{newWorker(), newWorker()}
	start := time.Now()
	raw := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if err := runEventLoops(ln.Addr().String(), raw, false, 5, start, start.Add(400*time.Millisecond),
		time.Second, ws); err != nil {
		t.Fatal(err)
	}
	res := summarize("http://"+ln.Addr().String()+"/", 5, 0, 400*time.Millisecond, start, ws)
	ok, busy := res.Status["200"], res.Status["503"]
	if ok < 100 || busy < 50 || res.Non2xx != busy || res.Requests != ok+busy {
		t.Fatalf("status %v non2xx %d requests %d", res.Status, res.Non2xx, res.Requests)
	}
	// every garbage answer is an error, and nothing else is
	garbage := uint64(served.Load() / 50)
	if res.Errors < garbage-1 || res.Errors > garbage+1 || res.ErrorKinds["other"] != res.Errors {
		t.Fatalf("errors %d %v, garbage answers %d", res.Errors, res.ErrorKinds, garbage)
	}
	if res.BytesRead < 2*ok+4*busy || res.BytesRead > 5*ok+4*busy {
		t.Fatalf("bytes %d", res.BytesRead)
	}
	if accepted.Load() < int64(ok/3) {
		t.Fatalf("only %d connections for %d Connection: close answers", accepted.Load(), ok/2)
	}
	if res.LatencyUS["p50"] <= 0 || res.Percentiles == nil {
		t.Fatalf("latency %v", res.LatencyUS)
	}
}

// A server that is not there: connects fail, the run stops early and says
// the server is gone.
func TestEventLoopsServerGone(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ws := []*worker{newWorker()}
	start := time.Now()
	lastOK.Store(start.UnixNano())
	gone.Store(false)
	defer gone.Store(false)
	runEventLoops(addr, []byte("GET / HTTP/1.1\r\n\r\n"), false, 3, start, start.Add(5*time.Second), time.Second, ws)
	if el := time.Since(start); el > 3*time.Second || !gone.Load() {
		t.Fatalf("took %v, gone %v", el, gone.Load())
	}
	if ws[0].errs["refused"] == 0 {
		t.Fatalf("errors %v", ws[0].errs)
	}
}
