// Command buildsample is what the build suite compiles. It imports only a
// few standard packages (os, sort, strconv) so a cold build, which compiles
// the runtime and those packages from scratch, stays short enough to repeat,
// even with the go command itself running under an emulator.
package main

import (
	"os"
	"sort"
	"strconv"
)

func main() {
	xs := []int{3, 1, 2}
	sort.Ints(xs)
	out := ""
	for _, x := range xs {
		out += strconv.Itoa(x) + " "
	}
	os.Stdout.WriteString(out + "\n")
}
