package main

import (
	"math"
	"math/rand"
	"sort"
	"testing"
)

// The documented precision: a quantile is never below the exact one and at
// most 1/128 above it; the maximum is exact; values below 256 ns are exact.
func TestQuantilesWithinDocumentedPrecision(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 20; trial++ {
		h := newHist()
		vals := make([]uint64, 5000)
		for i := range vals {
			// log-uniform from 100 ns to 10 s: every octave of the histogram
			vals[i] = uint64(math.Exp(math.Log(100) + rng.Float64()*(math.Log(1e10)-math.Log(100))))
			h.record(vals[i])
		}
		sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
		for _, q := range []float64{0, 0.1, 0.5, 0.9, 0.99, 0.999, 1} {
			k := int(math.Ceil(q*float64(len(vals)))) - 1
			if k < 0 {
				k = 0
			}
			exact := vals[k]
			got := h.quantile(q)
			if got < exact || float64(got) > float64(exact)*(1+1.0/128)+1 {
				t.Fatalf("q=%g: got %d, exact %d", q, got, exact)
			}
		}
		if h.quantile(1) != vals[len(vals)-1] || h.max != vals[len(vals)-1] {
			t.Fatalf("max %d, want %d", h.max, vals[len(vals)-1])
		}
	}
}

func TestSmallValuesExactAndBucketsContiguous(t *testing.T) {
	for v := uint64(0); v < 256; v++ {
		if highest(bucketOf(v)) != v {
			t.Fatalf("%d not exact", v)
		}
	}
	prev := uint64(255)
	for i := linear; i < linear+20*subCount; i++ {
		lo := prev + 1
		if bucketOf(lo) != i || bucketOf(highest(i)) != i {
			t.Fatalf("bucket %d: [%d, %d] not contiguous", i, lo, highest(i))
		}
		prev = highest(i)
	}
}

func TestMerge(t *testing.T) {
	a, b := newHist(), newHist()
	for i := uint64(1); i <= 1000; i++ {
		a.record(i * 1000)
		b.record(i * 3000)
	}
	a.merge(b)
	if a.total != 2000 || a.max != 3000000 || a.min != 1000 {
		t.Fatalf("merged: total %d max %d min %d", a.total, a.max, a.min)
	}
}
