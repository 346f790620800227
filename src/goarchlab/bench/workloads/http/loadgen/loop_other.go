//go:build !linux

package main

import "time"

// Without epoll the closed loop runs on the goroutine path (main.go, conn.go).
const haveEventLoop = false

const defaultLoopsDoc = "unused here (no epoll)"

func defaultLoops() int { return 0 }

func runEventLoops(hostport string, raw []byte, head bool, c int, start, end time.Time,
	timeout time.Duration, ws []*worker) error {
	panic("no event loop on this OS")
}
