package audio

// resample16Go is resampler.out for kernels of 16 weights with exact
// phases: it writes outputs to p while in holds their kernel's span,
// and returns how many and the position and phase after them.
func resample16Go(p, in, kern []float32, adv []int, pos, frac int) (n, pos1, frac1 int) {
	den := len(adv)
	for n < len(p) {
		if pos+8 >= len(in) {
			break
		}
		xx := (*[16]float32)(in[pos-7:])
		ww := (*[16]float32)(kern[frac*16:])
		// The products rounded before they are added, and added in the
		// order the SSE version adds them, so both give the same samples.
		a0 := float32(xx[0]*ww[0]) + float32(xx[8]*ww[8])
		a1 := float32(xx[1]*ww[1]) + float32(xx[9]*ww[9])
		a2 := float32(xx[2]*ww[2]) + float32(xx[10]*ww[10])
		a3 := float32(xx[3]*ww[3]) + float32(xx[11]*ww[11])
		a4 := float32(xx[4]*ww[4]) + float32(xx[12]*ww[12])
		a5 := float32(xx[5]*ww[5]) + float32(xx[13]*ww[13])
		a6 := float32(xx[6]*ww[6]) + float32(xx[14]*ww[14])
		a7 := float32(xx[7]*ww[7]) + float32(xx[15]*ww[15])
		p[n] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
		n++
		pos += adv[frac]
		if frac++; frac == den {
			frac = 0
		}
	}
	return n, pos, frac
}
