// Command cpu: sha256 at three sizes, math/big multiplication and modular
// exponentiation, and sha256 on every core at GOMAXPROCS 1..NumCPU.
package main

import (
	"crypto/sha256"
	"math/big"
	"sync"

	"goarchlab.local/workloads/internal/harness"
)

func shaBench(name string, size int) harness.Bench {
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	return harness.Bench{Name: "SHA256/" + name, Bytes: int64(size), F: func(b *harness.B) {
		for i := 0; i < b.N; i++ {
			sha256.Sum256(buf)
		}
	}}
}

// parallelSHA splits b.N hashes of 1 KiB over GOMAXPROCS goroutines.
func parallelSHA(procs int) harness.Bench {
	buf := make([]byte, 1024)
	return harness.Bench{Name: "SHA256Parallel/1KiB", Bytes: 1024, Procs: procs, F: func(b *harness.B) {
		var wg sync.WaitGroup
		per := b.N / procs
		for g := 0; g < procs; g++ {
			n := per
			if g == 0 {
				n += b.N % procs
			}
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				for i := 0; i < n; i++ {
					sha256.Sum256(buf)
				}
			}(n)
		}
		wg.Wait()
	}}
}

func operand(bits int, seed int64) *big.Int {
	x := new(big.Int)
	for x.BitLen() < bits {
		x.Lsh(x, 62)
		seed = seed*6364136223846793005 + 1442695040888963407
		x.Or(x, big.NewInt(seed&(1<<62-1)))
	}
	return x.Rsh(x, uint(x.BitLen()-bits))
}

func main() {
	a, c := operand(4096, 1), operand(4096, 2)
	base, exp, mod := operand(2048, 3), operand(2048, 4), operand(2048, 5)
	mod.SetBit(mod, 0, 1) // odd modulus: Montgomery multiplication, as in RSA
	benches := []harness.Bench{
		shaBench("64B", 64),
		shaBench("1KiB", 1024),
		shaBench("1MiB", 1<<20),
		{Name: "BigMul/4096bit", F: func(b *harness.B) {
			z := new(big.Int)
			for i := 0; i < b.N; i++ {
				z.Mul(a, c)
			}
		}},
		{Name: "BigExp/2048bit", F: func(b *harness.B) {
			z := new(big.Int)
			for i := 0; i < b.N; i++ {
				z.Exp(base, exp, mod)
			}
		}},
	}
	for _, p := range harness.Procs() {
		benches = append(benches, parallelSHA(p))
	}
	harness.Main("goarchlab/cpu", benches)
}
