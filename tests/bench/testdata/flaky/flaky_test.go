package flaky

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// TestMain counts the processes in a file; from the FLAKY_AT-th on it crashes or hangs.
func TestMain(m *testing.M) {
	f := os.Getenv("FLAKY_COUNTER")
	b, _ := os.ReadFile(f)
	n, _ := strconv.Atoi(string(b))
	n++
	os.WriteFile(f, []byte(strconv.Itoa(n)), 0o644)
	at, _ := strconv.Atoi(os.Getenv("FLAKY_AT"))
	if n >= at {
		switch os.Getenv("FLAKY_MODE") {
		case "crash":
			panic("flaky: simulated crash")
		case "hang":
			child := exec.Command("sleep", "3600")
			child.Start()
			pids := strconv.Itoa(os.Getpid()) + " " + strconv.Itoa(child.Process.Pid)
			os.WriteFile(os.Getenv("FLAKY_PIDS"), []byte(pids), 0o644)
			time.Sleep(time.Hour)
		}
	}
	os.Exit(m.Run())
}

func BenchmarkWork(b *testing.B) {
	buf := make([]byte, 256)
	for i := 0; i < b.N; i++ {
		sha256.Sum256(buf)
	}
}
