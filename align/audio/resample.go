package audio

import "math"

// resampler converts a stream from one rate to another with a windowed-sinc
// low-pass (so 44.1 kHz music does not fold back into the speech band the
// aligner's features look at). It holds only a few thousand samples.
type resampler struct {
	step  float64 // input samples per output sample
	pos   float64 // input position of the next output sample, relative to in[0]
	in    []float32
	table []float32 // kernel sampled at 1/phases of an input sample
	// byPhase holds, for each phase, the 2*taps weights of the input
	// samples around an output sample, side by side: read in the order
	// the inner loop needs them (table's stride of phases cost a cache
	// line per product).
	byPhase [][2 * taps]float32
	flushed bool
	nIn     int64 // input samples seen
	nOut    int64 // output samples made
}

const (
	taps   = 16 // kernel half-width in input samples
	phases = 256
)

func newResampler(from, to int) *resampler {
	r := &resampler{step: float64(from) / float64(to)}
	fc := 1.0
	if to < from {
		fc = float64(to) / float64(from) * 0.92
	}
	r.table = make([]float32, 2*taps*phases+1)
	for i := range r.table {
		t := float64(i)/phases - taps
		w := 0.5 + 0.5*math.Cos(math.Pi*t/taps) // Hann window
		x := math.Pi * fc * t
		s := 1.0
		if x != 0 {
			s = math.Sin(x) / x
		}
		r.table[i] = float32(fc * s * w)
	}
	r.byPhase = make([][2 * taps]float32, phases)
	for ph := range r.byPhase {
		for k := range 2 * taps {
			r.byPhase[ph][k] = r.table[(k+1)*phases-ph]
		}
	}
	// Start with taps of silence so the first output sample is centred on
	// the first input sample.
	r.in = make([]float32, taps, 8192)
	r.pos = taps
	return r
}

// inBuf returns space at the end of the input buffer for the source to fill.
func (r *resampler) inBuf() []float32 {
	// Drop samples no future output needs.
	drop := int(r.pos) - taps
	if drop > len(r.in)/2 && drop > 0 {
		n := copy(r.in, r.in[drop:])
		r.in = r.in[:n]
		r.pos -= float64(drop)
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
	for i := 0; i < taps+1; i++ {
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
		limit = int64(math.Ceil(float64(r.nIn) / r.step))
	}
	for n < len(p) && r.nOut != limit {
		i := int(r.pos)
		if i+taps >= len(r.in) {
			break
		}
		frac := r.pos - float64(i)
		ph := int(frac*phases + 0.5)
		if ph == phases {
			ph = 0
			i++
			if i+taps >= len(r.in) {
				break
			}
		}
		// Four sums side by side: the products do not wait for one
		// another.
		var a0, a1, a2, a3 float32
		w := &r.byPhase[ph]
		x := (*[2 * taps]float32)(r.in[i-taps+1 : i+taps+1])
		for k := 0; k < len(x); k += 4 {
			a0 += x[k] * w[k]
			a1 += x[k+1] * w[k+1]
			a2 += x[k+2] * w[k+2]
			a3 += x[k+3] * w[k+3]
		}
		p[n] = (a0 + a1) + (a2 + a3)
		n++
		r.nOut++
		r.pos += r.step
	}
	return n
}
