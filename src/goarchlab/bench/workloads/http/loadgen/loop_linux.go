//go:build linux

package main

// The closed loop on Linux: wrk's design. Each event loop owns a share of the
// connections (non-blocking sockets registered once, edge-triggered, with one
// epoll instance) and runs on one goroutine that never parks: it blocks in
// epoll_wait itself. Against a goroutine per connection this saves, per
// request, the netpoller's park/unpark of a goroutine, a scheduler pass and
// the read that returns EAGAIN right after the write (Go's net.Conn.Read tries
// the read before it parks); what is left is one write and (usually) one read
// per request, plus a share of an epoll_wait.
//
// Reads and writes on the non-blocking sockets use RawSyscall (they never
// block, so the runtime need not be told); epoll_wait, which blocks, goes
// through syscall.EpollWait (entersyscall). The caller sets GOMAXPROCS to the
// number of loops plus one: with an idle P the runtime's sysmon leaves a P
// that sits in a system call alone for 10 ms instead of handing it to another
// thread after 20 µs (runtime.retake), which would cost a thread wake-up and a
// slow exitsyscall per blocking epoll_wait.

import (
	"net"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

const haveEventLoop = true

const (
	cConnecting = iota
	cWriting
	cReading
	cRetry // waiting to reconnect after a failed connect
	cDone
)

type econn struct {
	fd    int
	st    int
	buf   []byte
	r, w  int // unconsumed bytes are buf[r:w]
	off   int // request bytes written so far
	p     respParser
	t0    int64 // ns since base: when the request was written
	retry int64 // ns since base: when to reconnect (cRetry)
}

type eloop struct {
	epfd      int
	conns     []*econn
	sa        syscall.Sockaddr
	family    int
	raw       []byte
	head      bool
	w         *worker
	base      time.Time
	baseUnix  int64
	end, hard int64 // ns since base: stop sending; give up on answers
	active    int   // connections not done
	retrying  int   // connections in cRetry
}

// runEventLoops runs the closed loop with len(ws) event loops, each owning
// about c/len(ws) connections and recording into its own worker.
func runEventLoops(hostport string, raw []byte, head bool, c int, start, end time.Time,
	timeout time.Duration, ws []*worker) error {
	addr, err := net.ResolveTCPAddr("tcp", hostport)
	if err != nil {
		return err
	}
	var sa syscall.Sockaddr
	family := syscall.AF_INET
	if ip4 := addr.IP.To4(); ip4 != nil {
		s := &syscall.SockaddrInet4{Port: addr.Port}
		copy(s.Addr[:], ip4)
		sa = s
	} else {
		s := &syscall.SockaddrInet6{Port: addr.Port}
		copy(s.Addr[:], addr.IP.To16())
		sa, family = s, syscall.AF_INET6
	}
	loops := make([]*eloop, len(ws))
	for i := range loops {
		n := c / len(ws)
		if i < c%len(ws) {
			n++
		}
		epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			return err
		}
		l := &eloop{epfd: epfd, sa: sa, family: family, raw: raw, head: head, w: ws[i],
			base: start, baseUnix: start.UnixNano(), end: int64(end.Sub(start)),
			hard: int64(end.Add(timeout).Sub(start))}
		for j := 0; j < n; j++ {
			l.conns = append(l.conns, &econn{fd: -1, buf: make([]byte, bufSize)})
		}
		loops[i] = l
	}
	done := make(chan struct{}, len(loops))
	for _, l := range loops {
		go func(l *eloop) {
			l.run()
			syscall.Close(l.epfd)
			done <- struct{}{}
		}(l)
	}
	for range loops {
		<-done
	}
	return nil
}

func (l *eloop) now() int64 { return int64(time.Since(l.base)) }

func (l *eloop) run() {
	now := l.now()
	for i, c := range l.conns {
		l.active++
		l.connect(i, c, now)
	}
	events := make([]syscall.EpollEvent, 128)
	lastYield := now
	for l.active > 0 {
		if gone.Load() {
			break
		}
		if now-lastYield > int64(time.Millisecond) {
			// A goroutine that never yields is preempted by sysmon after
			// 10 ms (a signal), and taking its P from a system call resets
			// sysmon's sleep to 20 µs: thousands of wake-ups a second
			// (measured: 7% of the generator's CPU in nanosleep). A yield
			// each millisecond keeps sysmon asleep.
			runtime.Gosched()
			lastYield = now
		}
		// Wait until the next deadline: the end of sending, the end of the
		// grace time for answers, or the next reconnect.
		next := l.end
		if now >= l.end {
			next = l.hard
		}
		if l.retrying > 0 && now+int64(10*time.Millisecond) < next {
			next = now + int64(10*time.Millisecond)
		}
		ms := int((next - now + int64(time.Millisecond) - 1) / int64(time.Millisecond))
		if ms < 0 {
			ms = 0
		}
		// First look without blocking (a raw call: the scheduler need not
		// know): answers that arrived while the last batch was handled are
		// taken without the thread going to sleep and being woken again.
		n, errno := rawEpollWait(l.epfd, events, 0)
		if n <= 0 && ms > 0 {
			var err error
			n, err = syscall.EpollWait(l.epfd, events, ms)
			if err != nil && err != syscall.EINTR {
				panic("epoll_wait: " + err.Error()) // a bug: EBADF, EFAULT, EINVAL
			}
		} else if errno != 0 && errno != syscall.EINTR {
			panic("epoll_wait: " + errno.Error())
		}
		if n < 0 {
			n = 0
		}
		for _, ev := range events[:n] {
			i := int(ev.Fd)
			l.event(i, l.conns[i], ev.Events)
		}
		now = l.now()
		if l.retrying > 0 || now >= l.end {
			l.sweep(now)
		}
	}
	for _, c := range l.conns {
		if c.fd >= 0 {
			syscall.Close(c.fd)
			c.fd = -1
		}
	}
}

// sweep reconnects the connections whose wait is over, ends the idle ones
// after the end, and counts the answers still missing at the hard deadline
// as timeouts.
func (l *eloop) sweep(now int64) {
	for i, c := range l.conns {
		switch {
		case c.st == cDone:
		case c.st == cRetry && now >= l.end:
			l.retrying--
			l.finish(c)
		case c.st == cRetry && now >= c.retry:
			l.retrying--
			l.connect(i, c, now)
		case c.st != cRetry && now >= l.hard:
			l.w.fail("timeout")
			l.finish(c)
		}
	}
}

func (l *eloop) finish(c *econn) {
	if c.fd >= 0 {
		syscall.Close(c.fd)
		c.fd = -1
	}
	c.st = cDone
	l.active--
}

func (l *eloop) connect(i int, c *econn, now int64) {
	if now >= l.end {
		l.finish(c)
		return
	}
	fd, err := syscall.Socket(l.family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		l.connectFailed(c, err, now)
		return
	}
	c.fd = fd
	c.r, c.w = 0, 0
	// As wrk and Go's net package do: a request goes out at once.
	syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	if err := syscall.Connect(fd, l.sa); err != nil && err != syscall.EINPROGRESS {
		l.connectFailed(c, err, now)
		return
	}
	// Registered once for the connection's life; edge-triggered, so a writable
	// socket does not wake the loop again and again.
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLOUT | syscall.EPOLLRDHUP |
		(syscall.EPOLLET & 0xffffffff), Fd: int32(i)}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.connectFailed(c, err, now)
		return
	}
	c.st = cConnecting
}

// connectFailed counts a failed connect and retries in 10 ms, unless nothing
// has answered for a second: then the server is gone and the run stops.
func (l *eloop) connectFailed(c *econn, err error, now int64) {
	l.w.fail(errKind(err))
	if c.fd >= 0 {
		syscall.Close(c.fd)
		c.fd = -1
	}
	if l.baseUnix+now-lastOK.Load() > int64(time.Second) {
		gone.Store(true)
		l.finish(c)
		return
	}
	c.st = cRetry
	c.retry = now + int64(10*time.Millisecond)
	l.retrying++
}

// broken counts a failed read or write (or a malformed answer), closes the
// connection and opens a new one, as the goroutine path does.
func (l *eloop) broken(i int, c *econn, kind string) {
	l.w.fail(kind)
	syscall.Close(c.fd)
	c.fd = -1
	l.connect(i, c, l.now())
}

func (l *eloop) event(i int, c *econn, ev uint32) {
	switch c.st {
	case cConnecting:
		if ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) == 0 {
			return
		}
		if soerr, err := syscall.GetsockoptInt(c.fd, syscall.SOL_SOCKET, syscall.SO_ERROR); err != nil || soerr != 0 {
			if err == nil {
				err = syscall.Errno(soerr)
			}
			now := l.now()
			l.connectFailed(c, err, now)
			return
		}
		l.send(i, c, l.now())
	case cWriting:
		if ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) != 0 {
			l.write(i, c)
		}
	case cReading:
		if ev&(syscall.EPOLLIN|syscall.EPOLLERR|syscall.EPOLLHUP|syscall.EPOLLRDHUP) != 0 {
			l.read(i, c)
		}
	}
}

func (l *eloop) send(i int, c *econn, now int64) {
	c.off = 0
	c.p.reset(l.head)
	c.t0 = now
	l.write(i, c)
}

func (l *eloop) write(i int, c *econn) {
	for c.off < len(l.raw) {
		n, errno := rawWrite(c.fd, l.raw[c.off:])
		if errno == syscall.EAGAIN {
			c.st = cWriting // the EPOLLOUT edge resumes it
			return
		}
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			l.broken(i, c, errKind(errno))
			return
		}
		c.off += n
	}
	c.st = cReading
}

func (l *eloop) read(i int, c *econn) {
	for {
		if c.r == c.w {
			c.r, c.w = 0, 0
		} else if c.r > 0 {
			c.w = copy(c.buf, c.buf[c.r:c.w])
			c.r = 0
		}
		space := len(c.buf) - c.w
		n, errno := rawRead(c.fd, c.buf[c.w:])
		switch {
		case errno == syscall.EAGAIN:
			return // the next EPOLLIN edge resumes it
		case errno == syscall.EINTR:
			continue
		case errno != 0:
			l.broken(i, c, errKind(errno))
			return
		case n == 0:
			if ok, _ := c.p.eof(); ok {
				l.complete(i, c, l.now(), false)
			} else {
				l.broken(i, c, "eof")
			}
			return
		}
		now := l.now()
		c.w += n
		k, done, err := c.p.feed(c.buf[c.r:c.w])
		c.r += k
		if err != nil {
			l.broken(i, c, "other")
			return
		}
		if done {
			l.complete(i, c, now, c.p.keep)
			return
		}
		if n < space {
			// The socket had no more; with edge-triggering the next byte
			// to arrive wakes the loop again.
			return
		}
	}
}

// complete records a full answer and, before the end, sends the next request.
func (l *eloop) complete(i int, c *econn, now int64, keep bool) {
	lat := now - c.t0
	if lat < 0 {
		lat = 0
	}
	w := l.w
	w.h.record(uint64(lat))
	w.count(c.p.code)
	w.bytes += uint64(c.p.body)
	w.lastDoneNs = now
	if ns := l.baseUnix + now; ns-lastOK.Load() > int64(100*time.Millisecond) {
		lastOK.Store(ns) // rarely: a store per answer would bounce the cache line
	}
	if now >= l.end {
		l.finish(c)
		return
	}
	if !keep {
		syscall.Close(c.fd)
		c.fd = -1
		l.connect(i, c, now)
		return
	}
	l.send(i, c, l.now())
}

// rawRead and rawWrite are read(2) and write(2) without telling the scheduler:
// the sockets are non-blocking, so the calls return at once.
func rawRead(fd int, b []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(n), e
}

func rawWrite(fd int, b []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(n), e
}

const defaultLoopsDoc = "half the cores, at least 1"

// defaultLoops is half the cores (at least one), leaving the rest to the
// server under test. wrk runs a thread per core; on 2 cores one loop took
// less CPU per request than two (larger batches per epoll_wait, fewer
// sleeps and wake-ups: bench/loadgen_vs_wrk.py, docs/performance.md).
func defaultLoops() int {
	if n := runtime.NumCPU() / 2; n > 1 {
		return n
	}
	return 1
}

func rawEpollWait(epfd int, events []syscall.EpollEvent, ms int) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_WAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(ms), 0, 0)
	return int(n), e
}
