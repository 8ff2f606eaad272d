package audio

import "math"

// resampler converts a stream from one rate to another with a windowed-sinc
// low-pass (so 44.1 kHz music does not fold back into the speech band the
// aligner's features look at). It holds only a few thousand samples.
type resampler struct {
	// The next output sample sits at input position i + frac/den (in[i]
	// is the sample at or before it); each output moves it on by
	// num/den input samples, in integers, so it never drifts.
	i        int
	frac     int
	num, den int
	in       []float32
	taps     int       // kernel half-width in input samples, a multiple of 8
	nphase   int       // kernel phases: den when that is few enough, else approximated
	byPhase  []float32 // nphase rows of 2*taps weights
	// With den phases (exact), the positions repeat every den outputs:
	// frac is then the index j in that cycle, byPhase's row j is output
	// j's kernel and adv[j] how far the position moves after it, so no
	// fraction is carried (its carry was a branch the processor could
	// not predict).
	adv       []int
	flushed   bool
	nIn, nOut int64 // input samples seen, output samples made
}

const (
	// taps is the kernel's half-width in input samples at 44.1 kHz; other
	// rates scale it, so that the kernel spans the same time and every
	// rate gets the same low-pass (16 at 22.05 kHz cost twice the
	// products for a steeper one than 44.1 kHz gets).
	taps = 16
	// maxPhases bounds the kernel table: rates whose ratio needs more
	// phases (none of the usual ones: 44.1 kHz to 16 kHz needs 160,
	// 22.05 kHz 320) round their positions to 1/256 of an input sample.
	maxPhases = 1024
	phases    = 256
)

func newResampler(from, to int) *resampler {
	g := gcd(from, to)
	r := &resampler{num: from / g, den: to / g, taps: taps}
	r.nphase = r.den
	if r.nphase > maxPhases {
		r.nphase = phases
	}
	fc := 1.0
	if to < from {
		fc = float64(to) / float64(from) * 0.92
		r.taps = max(8, (taps*from/44100+7)/8*8)
	}
	tw := float64(r.taps)
	kernel := func(t float64) float32 {
		w := 0.5 + 0.5*math.Cos(math.Pi*t/tw) // Hann window
		x := math.Pi * fc * t
		s := 1.0
		if x != 0 {
			s = math.Sin(x) / x
		}
		return float32(fc * s * w)
	}
	// byPhase holds, for each phase, the 2*taps weights of the input
	// samples in[i-taps+1 .. i+taps] around an output sample at
	// i + ph/nphase, side by side in the order the inner loop reads them.
	n := 2 * r.taps
	r.byPhase = make([]float32, r.nphase*n)
	exact := r.nphase == r.den
	if exact {
		r.adv = make([]int, r.den)
	}
	for row := range r.nphase {
		ph := row
		if exact {
			ph = row * r.num % r.den
			r.adv[row] = (ph + r.num) / r.den
		}
		for k := range n {
			r.byPhase[row*n+k] = kernel(float64(k+1-r.taps) - float64(ph)/float64(r.nphase))
		}
	}
	// Start with taps of silence so the first output sample is centred on
	// the first input sample.
	r.in = make([]float32, r.taps, 8192)
	r.i = r.taps
	return r
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// inBuf returns space at the end of the input buffer for the source to fill.
func (r *resampler) inBuf() []float32 {
	// Drop samples no future output needs.
	drop := r.i - r.taps
	if drop > len(r.in)/2 && drop > 0 {
		n := copy(r.in, r.in[drop:])
		r.in = r.in[:n]
		r.i -= drop
	}
	if cap(r.in)-len(r.in) < 2048 {
		grown := make([]float32, len(r.in), 2*cap(r.in)+4096)
		copy(grown, r.in)
		r.in = grown
	}
	return r.in[len(r.in):cap(r.in)]
}

func (r *resampler) added(n int) {
	r.in = r.in[:len(r.in)+n]
	r.nIn += int64(n)
}

// flush pads the end so the last input samples come out.
func (r *resampler) flush() {
	for i := 0; i < r.taps+1; i++ {
		r.in = append(r.in, 0)
	}
	r.flushed = true
}

// out writes as many output samples as the buffered input allows.
func (r *resampler) out(p []float32) int {
	n := 0
	limit := int64(-1)
	if r.flushed {
		// As many samples out as the input's length at the new rate.
		limit = (r.nIn*int64(r.den) + int64(r.num) - 1) / int64(r.num)
	}
	// The state in locals, not fields, for the loop: stored back after.
	t, den, nphase := r.taps, r.den, r.nphase
	in, kern, adv := r.in, r.byPhase, r.adv
	pos, frac, made := r.i, r.frac, r.nOut
	whole, part := r.num/r.den, r.num%r.den // the step, without a division per sample
	if t == 8 && adv != nil && len(kern) == 16*len(adv) {
		// 22.05 kHz to 16 kHz, the usual case: one 16-weight kernel per
		// output (resample16, in SSE on amd64).
		q := p
		if limit >= made && int64(len(q)) > limit-made {
			q = q[:limit-made]
		}
		n, pos, frac = resample16(q, in, kern, adv, pos, frac)
		r.i, r.frac, r.nOut = pos, frac, made+int64(n)
		return n
	}
	for n < len(p) && made != limit {
		i, row := pos, frac
		if adv == nil {
			row = (frac*nphase*2 + den) / (2 * den)
			if row == nphase {
				row = 0
				i++
			}
		}
		if i+t >= len(in) {
			break
		}
		// Eight sums side by side: the products do not wait for one
		// another.
		var a0, a1, a2, a3, a4, a5, a6, a7 float32
		x := in[i-t+1 : i+t+1]
		w := kern[row*2*t : (row+1)*2*t]
		w = w[:len(x)]
		for k := 0; k+15 < len(x); k += 16 {
			xx, ww := (*[16]float32)(x[k:]), (*[16]float32)(w[k:])
			a0 += xx[0]*ww[0] + xx[8]*ww[8]
			a1 += xx[1]*ww[1] + xx[9]*ww[9]
			a2 += xx[2]*ww[2] + xx[10]*ww[10]
			a3 += xx[3]*ww[3] + xx[11]*ww[11]
			a4 += xx[4]*ww[4] + xx[12]*ww[12]
			a5 += xx[5]*ww[5] + xx[13]*ww[13]
			a6 += xx[6]*ww[6] + xx[14]*ww[14]
			a7 += xx[7]*ww[7] + xx[15]*ww[15]
		}
		p[n] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
		n++
		made++
		if adv != nil {
			pos += adv[frac]
			if frac++; frac == den {
				frac = 0
			}
			continue
		}
		pos += whole
		if frac += part; frac >= den {
			frac -= den
			pos++
		}
	}
	r.i, r.frac, r.nOut = pos, frac, made
	return n
}
