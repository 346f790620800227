// Package corpus holds small benchmarks whose `go test -bench` output is the
// benchstat truth-test corpus (see ../make_corpus.py). Not part of goarchlab.
package corpus

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var sink any

func BenchmarkSHA256(b *testing.B) {
	for _, size := range []int{64, 1024} {
		buf := make([]byte, size)
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				sink = sha256.Sum256(buf)
			}
		})
	}
}

func BenchmarkSortInts(b *testing.B) {
	b.ReportAllocs()
	src := make([]int, 500)
	for i := range src {
		src[i] = (i * 7919) % 1013
	}
	for i := 0; i < b.N; i++ {
		s := append([]int(nil), src...)
		sort.Ints(s)
		sink = s
	}
}

func BenchmarkMapFill(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := make(map[int]string)
		for j := 0; j < 64; j++ {
			m[j] = strconv.Itoa(j)
		}
		sink = m
	}
}

func BenchmarkBigMul(b *testing.B) {
	x := new(big.Int).Lsh(big.NewInt(3), 2000)
	y := new(big.Int).Lsh(big.NewInt(7), 2000)
	z := new(big.Int)
	for i := 0; i < b.N; i++ {
		z.Mul(x, y)
	}
	sink = z
}

func BenchmarkBuilder(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var sb strings.Builder
		for j := 0; j < 20; j++ {
			sb.WriteString("goarchlab")
		}
		sink = sb.String()
	}
	b.ReportMetric(20, "writes/op")
}
