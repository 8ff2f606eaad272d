// Package mfcc turns a 16 kHz mono signal into the per-frame features the
// aligner compares: 13 mel-frequency cepstral coefficients (40 mel filters,
// 25 ms Hamming windows, 10 ms hop), the frame's energy and its spectral
// flatness.
//
// Feed samples as they are decoded; only the features are kept, 34 bytes
// per 10 ms frame (12 MB an hour): the coefficients as 16-bit fixed point
// (steps of 1/CoefScale, far finer than anything a frame's cepstrum tells
// apart), energy and flatness as float32.
//
//	x := mfcc.NewExtractor()
//	x.Write(samples) // as often as needed
//	f := x.Features()
//	fmt.Println(f.Len(), f.MFCC(0))
package mfcc

import (
	"math"
	"slices"
	"time"
)

const (
	// Rate is the sample rate the extractor expects.
	Rate = 16000
	// Window and Hop are the analysis window and the distance between frames.
	Window = 400 // 25 ms
	Hop    = 160 // 10 ms
	// Coeffs is the number of cepstral coefficients per frame.
	Coeffs = 13
	// Filters is the number of mel filters.
	Filters = 40

	fftSize = 512
)

// FrameDuration is the time between two frames.
const FrameDuration = time.Second * Hop / Rate

// Features holds the analysis of a whole signal, frame by frame. Frame i
// covers samples [i*Hop, i*Hop+Window).
type Features struct {
	Energy   []float32 // frame energy in dB (0 dB = full scale)
	Flatness []float32 // spectral flatness 0..1 over 100–4000 Hz: 1 noise, near 0 tones
	Coef     []int16   // Coeffs per frame, frame after frame, times CoefScale
}

// CoefScale is how many steps of Features.Coef make 1. Cepstral
// coefficients of 16-bit audio stay within ±130 (the floor of the log mel
// spectrum gives c0 ≈ -117 for digital silence); values beyond ±255 are
// clipped.
const CoefScale = 128

// Quantize returns v in Features.Coef's fixed point.
func Quantize(v float32) int16 {
	return int16(min(max(math.Round(float64(v)*CoefScale), math.MinInt16), math.MaxInt16))
}

// Len returns the number of frames.
func (f *Features) Len() int { return len(f.Energy) }

// MFCC returns frame i's cepstral coefficients.
func (f *Features) MFCC(i int) (c [Coeffs]float32) {
	for k, q := range f.Coef[i*Coeffs : (i+1)*Coeffs] {
		c[k] = float32(q) / CoefScale
	}
	return c
}

// Time returns the time of frame i's centre.
func Time(i int) time.Duration {
	return time.Duration(i)*FrameDuration + time.Second*Window/2/Rate
}

// Frame returns the frame whose centre is nearest to t.
func Frame(t time.Duration) int {
	i := int(math.Round(float64(t-time.Second*Window/2/Rate) / float64(FrameDuration)))
	return max(i, 0)
}

// Extractor computes Features from a stream of samples.
type Extractor struct {
	buf []float32
	f   Features

	window [Window]float32
	rf     *realFFT
	fb     [Filters]filter
	dct    [Coeffs][Filters]float32
	power  []float64
	last   float32 // last sample before buf, for pre-emphasis
}

type filter struct {
	lo     int
	weight []float32
}

// NewExtractor returns an Extractor for 16 kHz input.
func NewExtractor() *Extractor {
	x := &Extractor{
		rf:    newRealFFT(fftSize),
		power: make([]float64, fftSize/2+1),
	}
	for i := range x.window {
		x.window[i] = float32(0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/(Window-1)))
	}
	mel := func(f float64) float64 { return 2595 * math.Log10(1+f/700) }
	hz := func(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }
	lo, hi := mel(64), mel(Rate/2)
	var edges [Filters + 2]float64
	for i := range edges {
		edges[i] = hz(lo+(hi-lo)*float64(i)/(Filters+1)) * fftSize / Rate // in FFT bins
	}
	for m := 0; m < Filters; m++ {
		a, b, c := edges[m], edges[m+1], edges[m+2]
		first := int(math.Ceil(a))
		var w []float32
		for k := first; float64(k) < c && k <= fftSize/2; k++ {
			v := 0.0
			if float64(k) <= b {
				v = (float64(k) - a) / (b - a)
			} else {
				v = (c - float64(k)) / (c - b)
			}
			w = append(w, float32(max(v, 0)))
		}
		x.fb[m] = filter{lo: first, weight: w}
	}
	for k := 0; k < Coeffs; k++ {
		s := math.Sqrt(2.0 / Filters)
		if k == 0 {
			s = math.Sqrt(1.0 / Filters)
		}
		for m := 0; m < Filters; m++ {
			x.dct[k][m] = float32(s * math.Cos(math.Pi*float64(k)*(float64(m)+0.5)/Filters))
		}
	}
	return x
}

// Grow makes room for n more frames of features, so that extracting a
// file of known length allocates them once.
func (x *Extractor) Grow(n int) {
	if n <= 0 {
		return
	}
	// A little more than asked: a length measured from headers may be
	// a few frames short, and one frame more would copy everything.
	n += n/256 + 16
	x.f.Energy = slices.Grow(x.f.Energy, n)
	x.f.Flatness = slices.Grow(x.f.Flatness, n)
	x.f.Coef = slices.Grow(x.f.Coef, n*Coeffs)
}

// Reset forgets the samples and features written so far, keeping their
// storage: features already read from Features must be copied first.
func (x *Extractor) Reset() {
	x.buf, x.last = x.buf[:0], 0
	x.f.Energy, x.f.Flatness, x.f.Coef = x.f.Energy[:0], x.f.Flatness[:0], x.f.Coef[:0]
}

// Write analyses samples, keeping any incomplete frame for the next call.
func (x *Extractor) Write(samples []float32) {
	x.buf = append(x.buf, samples...)
	i := 0
	for ; i+Window <= len(x.buf); i += Hop {
		prev := x.last
		if i > 0 {
			prev = x.buf[i-1]
		}
		x.frame(x.buf[i:i+Window], prev)
	}
	if i > 0 {
		x.last = x.buf[i-1]
		n := copy(x.buf, x.buf[i:])
		x.buf = x.buf[:n]
	}
}

// Features returns the features of every complete frame written so far.
func (x *Extractor) Features() *Features { return &x.f }

// Compute is a shortcut for short signals.
func Compute(samples []float32) *Features {
	x := NewExtractor()
	x.Write(samples)
	// Pad so the tail shorter than a window still gives a frame.
	x.Write(make([]float32, Window-Hop))
	return x.Features()
}

func (x *Extractor) frame(s []float32, prev float32) {
	// Pre-emphasised and windowed straight into the FFT's input, in
	// its bit-reversed order, the padding zero.
	re, im, rev := x.rf.re, x.rf.im, x.rf.rev
	s = s[:Window]
	var e float64
	for i := 0; i < Window; i += 2 {
		v0, v1 := s[i], s[i+1]
		e += float64(v0)*float64(v0) + float64(v1)*float64(v1)
		j := rev[i/2]
		re[j] = float64((v0 - 0.97*prev) * x.window[i])
		im[j] = float64((v1 - 0.97*v0) * x.window[i+1])
		prev = v1
	}
	for i := Window / 2; i < fftSize/2; i++ {
		re[rev[i]], im[rev[i]] = 0, 0
	}
	x.rf.loaded(x.power)
	energy := 10 * math.Log10(e/Window+1e-12)

	// Flatness over the band where speech and music both live.
	lo, hi := 100*fftSize/Rate, 4000*fftSize/Rate
	// The sum of logs as the log of a product kept in range: one Log
	// instead of one per bin.
	var ar float64
	prod, exp := 1.0, 0
	for k := lo; k <= hi; k++ {
		p := x.power[k] + 1e-10
		ar += p
		prod *= p
		if prod > 1e100 || prod < 1e-100 {
			m, ex := math.Frexp(prod)
			prod, exp = m, exp+ex
		}
	}
	m, ex := math.Frexp(prod)
	lg := math.Log(m) + float64(exp+ex)*math.Ln2
	n := float64(hi - lo + 1)
	flat := math.Exp(lg/n) / (ar / n)

	var logmel [Filters]float32
	for m, f := range x.fb {
		var acc float64
		for j, w := range f.weight {
			acc += float64(w) * x.power[f.lo+j]
		}
		logmel[m] = float32(ln(acc + 1e-8))
	}
	for k := 0; k < Coeffs; k++ {
		var acc float32
		for m, v := range logmel {
			acc += x.dct[k][m] * v
		}
		x.f.Coef = append(x.f.Coef, Quantize(acc))
	}
	x.f.Energy = append(x.f.Energy, float32(energy))
	x.f.Flatness = append(x.f.Flatness, float32(flat))
}

// ln is math.Log for the positive normal numbers the filter bank gives,
// to within 1e-10, at a fraction of its cost (no special cases, no
// division): the exponent times ln 2, plus the logarithm of the
// mantissa's nearest 1/128 step from a table, plus log1p of what is left
// (under 1/128) by four terms of its series.
func ln(x float64) float64 {
	b := math.Float64bits(x)
	e := int(b>>52) - 1023
	i := b >> (52 - lnBits) & (1<<lnBits - 1)
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // [1, 2)
	r := m*lnInv[i] - 1
	return float64(e)*math.Ln2 + lnTab[i] + r*(1-r*(0.5-r*(1.0/3-r*0.25)))
}

const lnBits = 7

// lnTab[i] is the logarithm of the centre c of the mantissas whose top
// bits are i, lnInv[i] 1/c.
var lnTab, lnInv = func() (t, inv [1 << lnBits]float64) {
	for i := range t {
		c := 1 + (float64(i)+0.5)/(1<<lnBits)
		t[i], inv[i] = math.Log(c), 1/c
	}
	return t, inv
}()

// PowerSpectrum computes the power spectra of real signals of one length,
// a power of two, with a complex FFT of half that length.
type PowerSpectrum struct{ r *realFFT }

// NewPowerSpectrum returns a PowerSpectrum for signals of n samples.
func NewPowerSpectrum(n int) *PowerSpectrum { return &PowerSpectrum{newRealFFT(n)} }

// Power writes |X[k]|² for k = 0..n/2 of the DFT of x (n samples) to p.
func (s *PowerSpectrum) Power(x, p []float64) { s.r.power(x, p) }

// PowerWindowed is Power of x[i]·window[i], without a buffer for it.
func (s *PowerSpectrum) PowerWindowed(x []float32, window, p []float64) {
	r := s.r
	h := r.n / 2
	re, im := r.re[:h], r.im[:h]
	x, window = x[:2*h], window[:2*h]
	for i, j := range r.rev {
		re[j], im[j] = float64(x[2*i])*window[2*i], float64(x[2*i+1])*window[2*i+1]
	}
	r.loaded(p)
}

// realFFT computes the power spectrum of a real signal with a complex FFT
// of half its length (the even samples as real parts, the odd ones as
// imaginary parts, then split), half the work of a complex FFT of it.
// Real and imaginary parts sit in separate arrays, the first two stages
// (whose twiddles are 1 and -i) are done as one without products, every
// later stage reads its twiddles in a row, and the split yields X[k] and
// X[n/2-k] from one pair of values.
type realFFT struct {
	n        int
	re, im   []float64
	twr, twi []float64 // twiddles of the stage of size s at [s/2, s)
	t3r, t3i []float64 // W_s^{3k} of the two stages ending at size s, at [s/4, s/2)
	rotr     []float64 // cos(2πk/n), k = 0..n/4
	roti     []float64 // -sin(2πk/n)
	rev      []int     // bit-reversed index, where each input goes
}

func newRealFFT(n int) *realFFT {
	h := n / 2
	r := &realFFT{n: n, re: make([]float64, h), im: make([]float64, h),
		twr: make([]float64, h), twi: make([]float64, h),
		t3r: make([]float64, h), t3i: make([]float64, h),
		rotr: make([]float64, h/2+1), roti: make([]float64, h/2+1)}
	for size := 2; size <= h; size <<= 1 {
		for k := range size / 2 {
			a := -2 * math.Pi * float64(k) / float64(size)
			r.twr[size/2+k], r.twi[size/2+k] = math.Cos(a), math.Sin(a)
		}
	}
	for size := 4; size <= h; size <<= 1 {
		for k := range size / 4 {
			a := -2 * math.Pi * float64(3*k) / float64(size)
			r.t3r[size/4+k], r.t3i[size/4+k] = math.Cos(a), math.Sin(a)
		}
	}
	for k := range r.rotr {
		a := -2 * math.Pi * float64(k) / float64(n)
		r.rotr[k], r.roti[k] = math.Cos(a), math.Sin(a)
	}
	r.rev = make([]int, h)
	bits := 0
	for 1<<bits < h {
		bits++
	}
	for i := range r.rev {
		for b := 0; b < bits; b++ {
			if i&(1<<b) != 0 {
				r.rev[i] |= 1 << (bits - 1 - b)
			}
		}
	}
	return r
}

// power writes |X[k]|² for k = 0..n/2 of the DFT of x (len n) to p.
func (r *realFFT) power(x []float64, p []float64) {
	h := r.n / 2
	re, im := r.re[:h], r.im[:h]
	x = x[:2*h]
	for i, j := range r.rev {
		re[j], im[j] = x[2*i], x[2*i+1]
	}
	r.loaded(p)
}

// loaded is power for a signal already in re and im, its even samples
// as real parts and odd ones as imaginary parts, in bit-reversed order.
func (r *realFFT) loaded(p []float64) {
	h := r.n / 2
	re, im := r.re[:h], r.im[:h]
	fft(re, im, r)
	p = p[:h+1]
	p[0] = (re[0] + im[0]) * (re[0] + im[0])
	p[h] = (re[0] - im[0]) * (re[0] - im[0])
	rotr, roti := r.rotr[:h/2+1], r.roti[:h/2+1]
	for k := 1; k <= h/2; k++ {
		ar, ai := re[k], im[k]
		br, bi := re[h-k], im[h-k]
		// Z[k] = E + iO with E, O the transforms of the even and odd
		// samples: E = (Z[k] + conj Z[h-k])/2, O = (Z[k] - conj Z[h-k])/2i.
		er, ei := (ar+br)*0.5, (ai-bi)*0.5
		or, oi := (ai+bi)*0.5, (br-ar)*0.5
		c, s := rotr[k], roti[k]
		wr, wi := c*or-s*oi, c*oi+s*or
		// X[k] = E + W^k O; X[h-k] = conj(E - W^k O).
		p[k] = (er+wr)*(er+wr) + (ei+wi)*(ei+wi)
		p[h-k] = (er-wr)*(er-wr) + (ei-wi)*(ei-wi)
	}
}

// fft is an in-place iterative FFT of re+i·im given in bit-reversed
// order, two radix-2 stages at a time as one radix-4 step (three
// twiddle products per four values instead of four).
func fft(re, im []float64, r *realFFT) {
	twr, twi := r.twr, r.twi
	n := len(re)
	im = im[:n]
	// Stages of size 2 and 4 at once: twiddles 1 and -i.
	for s := 0; s+3 < n; s += 4 {
		a0r, a0i := re[s]+re[s+1], im[s]+im[s+1]
		a1r, a1i := re[s]-re[s+1], im[s]-im[s+1]
		a2r, a2i := re[s+2]+re[s+3], im[s+2]+im[s+3]
		a3r, a3i := re[s+2]-re[s+3], im[s+2]-im[s+3]
		re[s], im[s] = a0r+a2r, a0i+a2i
		re[s+2], im[s+2] = a0r-a2r, a0i-a2i
		// -i·a3 = (a3i, -a3r)
		re[s+1], im[s+1] = a1r+a3i, a1i-a3r
		re[s+3], im[s+3] = a1r-a3i, a1i+a3r
	}
	// Then the stages of sizes 2q and 4q together. In bit-reversed
	// order the four quarters of a block of 4q are the transforms of
	// the samples ≡ 0, 2, 1, 3 (mod 4): with W = W_4q, X[k+jq] sums
	// E0 + W^2k E2 + W^k E1 + W^3k E3 with the signs of a 4-point DFT.
	size := 8
	for ; 2*size <= n; size *= 4 {
		q := size / 2
		w2r, w2i := twr[q:2*q], twi[q:2*q]     // W^2k
		w1r, w1i := twr[2*q:3*q], twi[2*q:3*q] // W^k
		w3r, w3i := r.t3r[q:2*q], r.t3i[q:2*q] // W^3k
		w1r, w1i = w1r[:len(w2r)], w1i[:len(w2r)]
		w2i, w3r, w3i = w2i[:len(w2r)], w3r[:len(w2r)], w3i[:len(w2r)]
		for start := 0; start < n; start += 4 * q {
			radix4(re[start:start+4*q], im[start:start+4*q], w1r, w1i, w2r, w2i, w3r, w3i)
		}
	}
	// A last single stage when the number of stages left is odd.
	if size <= n {
		half := size / 2
		wr, wi := twr[half:size], twi[half:size]
		for start := 0; start < n; start += size {
			ur, ui := re[start:start+half], im[start:start+half]
			vr, vi := re[start+half:start+size], im[start+half:start+size]
			ur, ui, vr, vi = ur[:len(wr)], ui[:len(wr)], vr[:len(wr)], vi[:len(wr)]
			for k := range wr {
				c, s := wr[k], wi[k]
				tr := c*vr[k] - s*vi[k]
				ti := c*vi[k] + s*vr[k]
				vr[k], vi[k] = ur[k]-tr, ui[k]-ti
				ur[k], ui[k] = ur[k]+tr, ui[k]+ti
			}
		}
	}
}
