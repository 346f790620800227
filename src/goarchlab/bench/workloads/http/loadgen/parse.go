package main

// An incremental HTTP/1.1 response parser in the manner of wrk's http_parser:
// it is fed whatever bytes a read returned, keeps its place between calls, and
// skips bodies without copying or allocating. Lines (status line, headers,
// chunk sizes, trailers) are parsed only when complete: a line cut by the end
// of a read is left unconsumed, and the caller keeps those bytes at the front
// of its buffer and reads more behind them (so a line must fit the buffer:
// maxLine).

import "errors"

// maxLine is the longest status, header, chunk-size or trailer line accepted,
// in bytes; a connection's read buffer must be larger.
const maxLine = 8 << 10

var (
	errStatusLine  = errors.New("malformed status line")
	errLength      = errors.New("bad Content-Length")
	errChunkSize   = errors.New("bad chunk size")
	errChunkEnd    = errors.New("chunk data not followed by CRLF")
	errLineTooLong = errors.New("response line longer than 8 KiB")
	errTruncated   = errors.New("connection closed in the middle of a response")
)

const (
	stStatus    = iota // expecting the status line
	stHeader           // expecting a header line or the blank line
	stBody             // Content-Length body: left bytes to skip
	stChunkSize        // expecting a chunk-size line
	stChunkData        // left bytes of chunk data to skip
	stChunkCRLF        // expecting the CRLF after chunk data
	stTrailer          // expecting a trailer line or the blank line
	stUntilEOF         // body runs to the end of the connection
	stDone
)

// respParser parses one response at a time; reset before each request.
type respParser struct {
	state   int
	code    int   // status code of the final (non-1xx) response
	keep    bool  // the connection stays open after this response
	left    int64 // body or chunk bytes still to skip
	length  int64 // Content-Length, -1 when absent
	chunked bool
	body    int // body bytes seen (chunk framing excluded)
	noBody  bool
	head    bool // the request was HEAD: no body whatever the headers say
}

func (p *respParser) reset(head bool) {
	*p = respParser{head: head}
}

// feed parses b, the bytes received and not yet consumed. It returns how many
// bytes it consumed (the rest, an incomplete line, must be offered again with
// more data behind it) and whether the response is complete. After done, b[n:]
// holds bytes past the end of the response.
func (p *respParser) feed(b []byte) (n int, done bool, err error) {
	for n < len(b) {
		switch p.state {
		case stBody, stChunkData:
			k := int64(len(b) - n)
			if k > p.left {
				k = p.left
			}
			n += int(k)
			p.left -= k
			p.body += int(k)
			if p.left == 0 {
				if p.state == stBody {
					p.state = stDone
					return n, true, nil
				}
				p.state = stChunkCRLF
			}
			continue
		case stUntilEOF:
			p.body += len(b) - n
			return len(b), false, nil
		case stDone:
			return n, true, nil
		}
		// A line-oriented state: find the end of the line.
		i := indexLF(b[n:])
		if i < 0 {
			if len(b)-n > maxLine {
				return n, false, errLineTooLong
			}
			return n, false, nil
		}
		line := b[n : n+i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		n += i + 1
		if done, err = p.line(line); done || err != nil {
			return n, done, err
		}
	}
	return n, p.state == stDone, nil
}

// line handles one complete line (without its CRLF).
func (p *respParser) line(l []byte) (bool, error) {
	switch p.state {
	case stStatus:
		// HTTP/1.x SSS[ reason]
		if len(l) < 12 || string(l[:7]) != "HTTP/1." || l[8] != ' ' || (len(l) > 12 && l[12] != ' ') {
			return false, errStatusLine
		}
		c0, c1, c2 := l[9]-'0', l[10]-'0', l[11]-'0'
		if c0 > 9 || c1 > 9 || c2 > 9 {
			return false, errStatusLine
		}
		p.code = int(c0)*100 + int(c1)*10 + int(c2)
		p.keep = l[7] == '1' // HTTP/1.1 keeps the connection by default, 1.0 does not
		p.length = -1
		p.chunked = false
		p.state = stHeader
	case stHeader:
		if len(l) == 0 {
			return p.endHeaders(), nil
		}
		colon := indexColon(l)
		if colon < 0 {
			return false, nil // not a header; ignored as before
		}
		name, val := l[:colon], trimSpace(l[colon+1:])
		switch {
		case asciiEq(name, "content-length"):
			v, ok := parseDec(val)
			if !ok {
				return false, errLength
			}
			p.length = v
		case asciiEq(name, "transfer-encoding"):
			p.chunked = hasToken(val, "chunked")
		case asciiEq(name, "connection"):
			if hasToken(val, "close") {
				p.keep = false
			} else if hasToken(val, "keep-alive") {
				p.keep = true
			}
		}
	case stChunkSize:
		v, ok := parseHex(l)
		if !ok {
			return false, errChunkSize
		}
		if v == 0 {
			p.state = stTrailer
		} else {
			p.left = v
			p.state = stChunkData
		}
	case stChunkCRLF:
		if len(l) != 0 {
			return false, errChunkEnd
		}
		p.state = stChunkSize
	case stTrailer:
		if len(l) == 0 {
			p.state = stDone
			return true, nil
		}
	}
	return false, nil
}

// endHeaders decides how the body is framed (RFC 9112 section 6.3).
func (p *respParser) endHeaders() bool {
	switch {
	case p.code >= 100 && p.code < 200:
		// An interim answer (100 Continue, 103 Early Hints): the final one follows.
		p.state = stStatus
		return false
	case p.head || p.code == 204 || p.code == 304:
		p.noBody = true
	case p.chunked:
		p.state = stChunkSize
		return false
	case p.length > 0:
		p.left = p.length
		p.state = stBody
		return false
	case p.length < 0:
		p.state = stUntilEOF
		p.keep = false
		return false
	}
	p.state = stDone
	return true
}

// eof tells the parser that the connection was closed after the bytes fed so
// far: the response is complete only when its body ran to the end of the
// connection.
func (p *respParser) eof() (bool, error) {
	if p.state == stUntilEOF {
		p.state = stDone
		return true, nil
	}
	return false, errTruncated
}

func indexLF(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

func indexColon(b []byte) int {
	for i, c := range b {
		if c == ':' {
			return i
		}
	}
	return -1
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// parseDec parses a non-negative decimal of at most 18 digits.
func parseDec(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// parseHex parses a chunk-size line: hex digits, then optional extensions
// after ';' (ignored), surrounding blanks allowed.
func parseHex(b []byte) (int64, bool) {
	b = trimSpace(b)
	for i, c := range b {
		if c == ';' {
			b = trimSpace(b[:i])
			break
		}
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | int64(c)
	}
	return v, true
}

// hasToken reports whether the comma-separated list v holds tok (ASCII case
// insensitive), as in "Connection: keep-alive, Upgrade".
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		i := 0
		for i < len(v) && v[i] != ',' {
			i++
		}
		if asciiEq(trimSpace(v[:i]), tok) {
			return true
		}
		if i == len(v) {
			break
		}
		v = v[i+1:]
	}
	return false
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
