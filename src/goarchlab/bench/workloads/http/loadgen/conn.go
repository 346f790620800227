package main

// The HTTP/1.1 client side of one connection: write a pre-built request,
// read one response (status line, headers, Content-Length or chunked body).

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
)

type client struct {
	c  net.Conn
	br *bufio.Reader
}

// roundTrip writes one request and reads one response; it returns the status
// code, the body length, whether the connection stays open, and an error.
func roundTrip(cl *client, raw []byte) (int, int, bool, error) {
	if _, err := cl.c.Write(raw); err != nil {
		return 0, 0, false, err
	}
	line, err := cl.br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, errors.New("malformed status line")
	}
	code := int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	keep := line[7] == '1'
	length, chunked := -1, false
	for {
		h, err := cl.br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, err
		}
		if len(h) <= 2 {
			break
		}
		colon := bytes.IndexByte(h, ':')
		if colon < 0 {
			continue
		}
		name, val := h[:colon], bytes.TrimSpace(h[colon+1:])
		switch {
		case asciiEq(name, "content-length"):
			n, err := strconv.Atoi(string(val))
			if err != nil {
				return 0, 0, false, errors.New("bad Content-Length")
			}
			length = n
		case asciiEq(name, "transfer-encoding"):
			chunked = asciiEq(val, "chunked")
		case asciiEq(name, "connection"):
			if asciiEq(val, "close") {
				keep = false
			} else if asciiEq(val, "keep-alive") {
				keep = true
			}
		}
	}
	switch {
	case chunked:
		n := 0
		for {
			sz, err := cl.br.ReadSlice('\n')
			if err != nil {
				return 0, 0, false, err
			}
			s := bytes.TrimSpace(sz)
			if i := bytes.IndexByte(s, ';'); i >= 0 {
				s = s[:i]
			}
			size, err := strconv.ParseInt(string(s), 16, 64)
			if err != nil {
				return 0, 0, false, errors.New("bad chunk size")
			}
			if size == 0 {
				for { // trailers
					t, err := cl.br.ReadSlice('\n')
					if err != nil {
						return 0, 0, false, err
					}
					if len(t) <= 2 {
						return code, n, keep, nil
					}
				}
			}
			if _, err := cl.br.Discard(int(size) + 2); err != nil {
				return 0, 0, false, err
			}
			n += int(size)
		}
	case length >= 0:
		if _, err := cl.br.Discard(length); err != nil {
			return 0, 0, false, err
		}
		return code, length, keep, nil
	default: // body runs to the end of the connection
		n, err := io.Copy(io.Discard, cl.br)
		if err != nil {
			return 0, 0, false, err
		}
		return code, int(n), false, nil
	}
}

func asciiEq(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
