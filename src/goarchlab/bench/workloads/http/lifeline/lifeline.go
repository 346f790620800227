// Package lifeline ends goarchlab's own Go programs (the HTTP servers, the load
// generator) when goarchlab has gone, on every OS.
//
// goarchlab starts them with the -lifeline flag and, as standard input, the read
// end of a pipe whose write end only goarchlab holds and never writes to. When
// goarchlab exits, however it exits (SIGKILL included: the kernel closes its
// descriptors), the read returns end of file and the program exits at once.
// Without the flag standard input is left alone (a server run by hand from a
// terminal does not stop at Ctrl-D).
package lifeline

import (
	"fmt"
	"io"
	"os"
)

// ExitCode is the status of a program whose lifeline closed.
const ExitCode = 3

// Watch reads standard input in a goroutine until end of file (or an error),
// then prints why on stderr and exits the process with ExitCode.
func Watch(program string) {
	go func() {
		io.Copy(io.Discard, os.Stdin)
		fmt.Fprintf(os.Stderr, "%s: standard input closed (goarchlab is gone); exiting\n", program)
		os.Exit(ExitCode)
	}()
}
