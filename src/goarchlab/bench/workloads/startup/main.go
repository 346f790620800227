// Command startup prints the wall clock in nanoseconds since the Unix epoch
// as soon as main runs; the engine subtracts the time it took just before
// exec, which gives exec-to-main (loader, translator or emulator start-up,
// Go runtime init). Few imports, so package init stays small.
package main

import (
	"os"
	"strconv"
	"time"
)

func main() {
	now := time.Now().UnixNano()
	os.Stdout.WriteString(strconv.FormatInt(now, 10) + "\n")
}
