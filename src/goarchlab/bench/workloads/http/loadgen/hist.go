package main

import "math/bits"

// hist is a log-linear latency histogram in the manner of HdrHistogram with
// 2 significant digits: values below 256 ns are counted exactly; above, each
// power of two is split into 128 equal buckets, so a bucket is at most 1/128
// (0.78%) of its values wide. A quantile is reported as the highest value
// that falls in its bucket (HdrHistogram's highestEquivalentValue), so it
// never under-reports and is at most 0.78% above the true value. The
// maximum is kept exactly. Values are nanoseconds up to 2^40 ns (18 min).
type hist struct {
	counts []uint64
	total  uint64
	sum    float64
	max    uint64
	min    uint64
}

const (
	subBits  = 7
	subCount = 1 << subBits // 128 buckets per octave
	linear   = 2 * subCount // values below 256 are their own bucket
	maxShift = 32           // 2^(8+32) ns
)

func newHist() *hist {
	return &hist{counts: make([]uint64, linear+maxShift*subCount), min: ^uint64(0)}
}

func bucketOf(v uint64) int {
	if v < linear {
		return int(v)
	}
	e := bits.Len64(v) - (subBits + 1) // >= 1
	if e > maxShift {
		return linear + maxShift*subCount - 1
	}
	m := v >> uint(e) // 128..255
	return linear + (e-1)*subCount + int(m) - subCount
}

// highest is the largest value that falls in bucket i.
func highest(i int) uint64 {
	if i < linear {
		return uint64(i)
	}
	j := i - linear
	e := uint(j/subCount + 1)
	m := uint64(j%subCount + subCount)
	return ((m + 1) << e) - 1
}

func (h *hist) record(ns uint64) {
	h.counts[bucketOf(ns)]++
	h.total++
	h.sum += float64(ns)
	if ns > h.max {
		h.max = ns
	}
	if ns < h.min {
		h.min = ns
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
	if o.min < h.min {
		h.min = o.min
	}
}

// quantile returns the value at quantile q in [0, 1] in nanoseconds, as
// HdrHistogram's getValueAtPercentile: the first bucket whose cumulative
// count reaches ceil(q*total) (at least 1), capped at the exact maximum.
func (h *hist) quantile(q float64) uint64 {
	if h.total == 0 {
		return 0
	}
	want := uint64(q*float64(h.total) + 0.999999999)
	if want < 1 {
		want = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= want {
			v := highest(i)
			if v > h.max {
				v = h.max
			}
			return v
		}
	}
	return h.max
}
