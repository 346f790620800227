package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// feedAll runs the parser over the response cut into pieces at the given
// offsets, the way reads deliver it: unconsumed bytes (an incomplete line)
// are offered again with the next piece behind them.
func feedAll(t *testing.T, resp string, cuts []int, head bool) (p respParser, rest string, err error) {
	t.Helper()
	p.reset(head)
	var pending []byte
	prev := 0
	for _, c := range append(cuts, len(resp)) {
		pending = append(pending, resp[prev:c]...)
		prev = c
		n, done, ferr := p.feed(pending)
		pending = pending[n:]
		if ferr != nil {
			return p, "", ferr
		}
		if done {
			return p, string(pending) + resp[prev:], nil
		}
	}
	if ok, eerr := p.eof(); !ok {
		return p, "", eerr
	}
	return p, string(pending), nil
}

// Every way of cutting the response in two and in three must give the same
// answer as reading it whole.
func everyCut(t *testing.T, resp string, head bool, check func(p respParser, rest string, err error)) {
	t.Helper()
	p, rest, err := feedAll(t, resp, nil, head)
	check(p, rest, err)
	for i := 1; i < len(resp); i++ {
		p, rest, err = feedAll(t, resp, []int{i}, head)
		check(p, rest, err)
		for j := i + 1; j < len(resp); j += 7 {
			p, rest, err = feedAll(t, resp, []int{i, j}, head)
			check(p, rest, err)
		}
	}
}

func TestContentLengthAnyCut(t *testing.T) {
	resp := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 17\r\n\r\n" +
		`{"message":"pong"}`[:17]
	everyCut(t, resp+"NEXT", false, func(p respParser, rest string, err error) {
		if err != nil || p.code != 200 || p.body != 17 || !p.keep || rest != "NEXT" {
			t.Fatalf("code %d body %d keep %v rest %q err %v", p.code, p.body, p.keep, rest, err)
		}
	})
}

func TestChunkedAnyCut(t *testing.T) {
	resp := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n"
	everyCut(t, resp, false, func(p respParser, rest string, err error) {
		if err != nil || p.code != 200 || p.body != 5+26 || !p.keep || rest != "" {
			t.Fatalf("code %d body %d keep %v rest %q err %v", p.code, p.body, p.keep, rest, err)
		}
	})
}

func TestNon2xxAndInterimAnswers(t *testing.T) {
	resp := "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
	everyCut(t, resp, false, func(p respParser, rest string, err error) {
		if err != nil || p.code != 503 || p.body != 4 {
			t.Fatalf("code %d body %d err %v", p.code, p.body, err)
		}
	})
	for _, tc := range []struct {
		resp string
		head bool
		code int
	}{
		{"HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n", false, 204},
		{"HTTP/1.1 304 Not Modified\r\n\r\n", false, 304},
		{"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n", true, 404},
	} {
		p, rest, err := feedAll(t, tc.resp+"X", nil, tc.head)
		if err != nil || p.code != tc.code || p.body != 0 || rest != "X" {
			t.Fatalf("%q: code %d body %d rest %q err %v", tc.resp, p.code, p.body, rest, err)
		}
	}
}

func TestConnectionClose(t *testing.T) {
	// Connection: close with a length: complete, but the connection ends.
	p, _, err := feedAll(t, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", nil, false)
	if err != nil || !p.feedDone() || p.keep {
		t.Fatalf("keep %v err %v", p.keep, err)
	}
	// HTTP/1.0 closes by default, unless keep-alive is asked for.
	p, _, _ = feedAll(t, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", nil, false)
	if p.keep {
		t.Fatal("HTTP/1.0 kept")
	}
	p, _, _ = feedAll(t, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", nil, false)
	if !p.keep {
		t.Fatal("HTTP/1.0 keep-alive not kept")
	}
	// No length and not chunked: the body runs to the end of the connection.
	resp := "HTTP/1.1 200 OK\r\n\r\nuntil the end"
	everyCut(t, resp, false, func(p respParser, rest string, err error) {
		if err != nil || p.body != len("until the end") || p.keep {
			t.Fatalf("body %d keep %v err %v", p.body, p.keep, err)
		}
	})
	// A connection closed in the middle of a response is an error, wherever it is cut.
	full := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	for i := 0; i < len(full); i++ {
		var q respParser
		q.reset(false)
		n, done, err := q.feed([]byte(full[:i]))
		if err != nil || done {
			t.Fatalf("cut at %d: done %v err %v", i, done, err)
		}
		_ = n
		if ok, err := q.eof(); ok || err != errTruncated {
			t.Fatalf("cut at %d: eof gave %v, %v", i, ok, err)
		}
	}
}

func TestMalformed(t *testing.T) {
	for _, resp := range []string{
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n",
		"HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("a", maxLine+10),
	} {
		if _, _, err := feedAll(t, resp, nil, false); err == nil || err == errTruncated {
			t.Fatalf("%.40q: err %v", resp, err)
		}
	}
}

func (p *respParser) feedDone() bool { return p.state == stDone }

// A large body crosses many reads of the real client and is skipped without
// growing the buffer; the next request on the same connection still works.
func TestClientOverPipeLargeBodies(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	body := bytes.Repeat([]byte("x"), 3*bufSize+5)
	go func() {
		req := make([]byte, 4096)
		for i := 0; i < 2; i++ {
			b.Read(req)
			if i == 0 {
				io.WriteString(b, "HTTP/1.1 200 OK\r\nContent-Length: 49157\r\n\r\n")
				b.Write(body)
			} else {
				io.WriteString(b, "HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n")
				for _, c := range [][]byte{body[:bufSize+1], body[:7]} {
					io.WriteString(b, strings.ToLower(strconvHex(len(c)))+"\r\n")
					b.Write(c)
					io.WriteString(b, "\r\n")
				}
				io.WriteString(b, "0\r\n\r\n")
			}
		}
		b.Close()
	}()
	a.SetDeadline(time.Now().Add(10 * time.Second))
	cl := newClient(a)
	code, n, keep, err := roundTrip(cl, []byte("GET / HTTP/1.1\r\n\r\n"), false)
	if err != nil || code != 200 || n != len(body) || !keep || len(cl.buf) != bufSize {
		t.Fatalf("first: %d %d %v %v", code, n, keep, err)
	}
	code, n, keep, err = roundTrip(cl, []byte("GET / HTTP/1.1\r\n\r\n"), false)
	if err != nil || code != 500 || n != bufSize+1+7 || !keep {
		t.Fatalf("second: %d %d %v %v", code, n, keep, err)
	}
	if _, _, _, err = roundTrip(cl, []byte("GET / HTTP/1.1\r\n\r\n"), false); err == nil {
		t.Fatal("a closed connection gave no error")
	}
}

func strconvHex(n int) string {
	const digits = "0123456789abcdef"
	s := ""
	for ; n > 0; n >>= 4 {
		s = string(digits[n&15]) + s
	}
	return s
}
