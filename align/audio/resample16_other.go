//go:build !amd64

package audio

func resample16(p, in, kern []float32, adv []int, pos, frac int) (n, pos1, frac1 int) {
	return resample16Go(p, in, kern, adv, pos, frac)
}
