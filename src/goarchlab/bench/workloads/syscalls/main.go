// Command syscalls: the cost of crossing into the kernel, which an emulator
// must translate on every call: getpid, stat, a 64-byte write to the null
// device, and a pipe round trip.
package main

import (
	"os"
	"syscall"

	"goarchlab.local/workloads/internal/harness"
)

var sink int

func main() {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 64)
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	one := make([]byte, 1)
	benches := []harness.Bench{
		{Name: "Getpid", F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				sink += syscall.Getpid()
			}
		}},
		{Name: "Stat", F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				if _, err := os.Stat(exe); err != nil {
					panic(err)
				}
			}
		}},
		{Name: "WriteDevNull/64B", Bytes: 64, F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				if _, err := null.Write(buf); err != nil {
					panic(err)
				}
			}
		}},
		{Name: "PipeRoundTrip", F: func(b *harness.B) {
			for i := 0; i < b.N; i++ {
				if _, err := w.Write(one); err != nil {
					panic(err)
				}
				if _, err := r.Read(one); err != nil {
					panic(err)
				}
			}
		}},
	}
	harness.Main("goarchlab/syscall", benches)
}
