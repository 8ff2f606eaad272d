package audio

// resample16 is resampler.out for kernels of 16 weights with exact
// phases (22.05 kHz to 16 kHz): it writes outputs to p while in holds
// their kernel's span, and returns how many and the position and phase
// after them. In SSE: four products at a time, then summed in the order
// resample16_other.go's Go adds them. in must hold 7 samples before pos,
// kern 16 weights per entry of adv.
//
//go:noescape
func resample16(p, in, kern []float32, adv []int, pos, frac int) (n, pos1, frac1 int)
