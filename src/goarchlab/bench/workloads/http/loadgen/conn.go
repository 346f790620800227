package main

// The HTTP/1.1 client side of one connection for the goroutine path (open
// loop everywhere, closed loop where there is no epoll loop): write a
// pre-built request with one write, then read into the connection's own
// buffer and feed the incremental parser (parse.go) until the response is
// complete.

import (
	"io"
	"net"
)

// bufSize is a connection's read buffer; larger than maxLine.
const bufSize = 16 << 10

type client struct {
	c    net.Conn
	buf  []byte
	r, w int // unconsumed bytes are buf[r:w]
	p    respParser
}

func newClient(c net.Conn) *client {
	return &client{c: c, buf: make([]byte, bufSize)}
}

// roundTrip writes one request and reads one response; it returns the status
// code, the body length, whether the connection stays open, and an error.
func roundTrip(cl *client, raw []byte, head bool) (int, int, bool, error) {
	if _, err := cl.c.Write(raw); err != nil {
		return 0, 0, false, err
	}
	cl.p.reset(head)
	for {
		if cl.r < cl.w {
			n, done, err := cl.p.feed(cl.buf[cl.r:cl.w])
			cl.r += n
			if err != nil {
				return 0, 0, false, err
			}
			if done {
				return cl.p.code, cl.p.body, cl.p.keep, nil
			}
		}
		cl.compact()
		n, err := cl.c.Read(cl.buf[cl.w:])
		cl.w += n
		if err == io.EOF && n == 0 {
			if done, perr := cl.p.eof(); done {
				return cl.p.code, cl.p.body, false, nil
			} else {
				return 0, 0, false, perr
			}
		}
		if err != nil && n == 0 {
			return 0, 0, false, err
		}
	}
}

// compact moves an incomplete line to the front of the buffer so that the
// next read lands behind it.
func (cl *client) compact() {
	if cl.r == cl.w {
		cl.r, cl.w = 0, 0
	} else if cl.r > 0 {
		cl.w = copy(cl.buf, cl.buf[cl.r:cl.w])
		cl.r = 0
	}
}
