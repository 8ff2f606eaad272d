//go:build !amd64

package mfcc

func radix4(re, im, w1r, w1i, w2r, w2i, w3r, w3i []float64) {
	radix4Go(re, im, w1r, w1i, w2r, w2i, w3r, w3i)
}
