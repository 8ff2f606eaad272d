package mfcc

// radix4 is radix4Go two k at a time in SSE2 (part of the amd64
// baseline): the same products and sums in the same order, so the same
// results, for the FFT that every feature frame and tonal frame runs.
func radix4(re, im, w1r, w1i, w2r, w2i, w3r, w3i []float64) {
	q := len(w2r)
	if q%2 != 0 || len(re) < 4*q || len(im) < 4*q || len(w1r) < q || len(w1i) < q ||
		len(w2i) < q || len(w3r) < q || len(w3i) < q {
		radix4Go(re, im, w1r, w1i, w2r, w2i, w3r, w3i)
		return
	}
	if q == 0 {
		return
	}
	radix4SSE2(&re[0], &im[0], q, &w1r[0], &w1i[0], &w2r[0], &w2i[0], &w3r[0], &w3i[0])
}

//go:noescape
func radix4SSE2(re, im *float64, q int, w1r, w1i, w2r, w2i, w3r, w3i *float64)
