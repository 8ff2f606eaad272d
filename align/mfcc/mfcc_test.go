package mfcc

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func tone(freq, seconds, amp float64) []float32 {
	s := make([]float32, int(seconds*Rate))
	for i := range s {
		s[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/Rate))
	}
	return s
}

func noise(seconds, amp float64) []float32 {
	rng := rand.New(rand.NewPCG(3, 4))
	s := make([]float32, int(seconds*Rate))
	for i := range s {
		s[i] = float32(amp * (2*rng.Float64() - 1))
	}
	return s
}

func mean(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	return s / float64(len(v))
}

func TestFeatures(t *testing.T) {
	tests := []struct {
		name           string
		signal         []float32
		energy         float64 // dB
		flatLo, flatHi float64
	}{
		{"sine full scale", tone(1000, 1, 1), -3.01, 0, 0.01},
		{"sine -20 dB", tone(440, 1, 0.1), -23.01, 0, 0.01},
		{"white noise", noise(1, 0.5), 10 * math.Log10(0.25/3), 0.2, 0.8}, // pre-emphasis tilts it,
		{"silence", make([]float32, Rate), -120, 0.99, 1.01},
	}
	for _, tt := range tests {
		f := Compute(tt.signal)
		if want := (len(tt.signal)-Window)/Hop + 1 + (Window-Hop)/Hop; abs(f.Len()-want) > 1 {
			t.Errorf("%s: %d frames, want %d", tt.name, f.Len(), want)
		}
		inner := f.Energy[3 : f.Len()-3]
		if e := mean(inner); math.Abs(e-tt.energy) > 0.5 {
			t.Errorf("%s: energy %.2f dB, want %.2f", tt.name, e, tt.energy)
		}
		if fl := mean(f.Flatness[3 : f.Len()-3]); fl < tt.flatLo || fl > tt.flatHi {
			t.Errorf("%s: flatness %.3f, want %.3f..%.3f", tt.name, fl, tt.flatLo, tt.flatHi)
		}
		if len(f.Coef) != f.Len()*Coeffs {
			t.Errorf("%s: %d coefficients for %d frames", tt.name, len(f.Coef), f.Len())
		}
	}
}

// Two tones far apart in pitch differ in their cepstra far more than two
// stretches of the same tone do.
func TestMFCCDiscriminates(t *testing.T) {
	a, b, c := Compute(tone(300, 0.5, 0.3)), Compute(tone(300, 0.5, 0.3)), Compute(tone(2500, 0.5, 0.3))
	d := func(x, y *Features) float64 {
		var s float64
		for k := 1; k < Coeffs; k++ {
			v := float64(x.MFCC(20)[k] - y.MFCC(20)[k])
			s += v * v
		}
		return math.Sqrt(s)
	}
	if same, diff := d(a, b), d(a, c); same > 1e-3 || diff < 1 {
		t.Errorf("distance same tone %.4f, different tones %.4f", same, diff)
	}
}

// Streaming in odd-sized pieces gives the same features as one call.
func TestStreaming(t *testing.T) {
	s := noise(0.7, 0.3)
	whole := Compute(s)
	x := NewExtractor()
	for i := 0; i < len(s); i += 97 {
		x.Write(s[i:min(i+97, len(s))])
	}
	x.Write(make([]float32, Window-Hop))
	parts := x.Features()
	if parts.Len() != whole.Len() {
		t.Fatalf("%d frames streamed, %d at once", parts.Len(), whole.Len())
	}
	for i := range whole.Coef {
		if math.Abs(float64(whole.Coef[i]-parts.Coef[i])) > 1e-4 {
			t.Fatalf("coefficient %d: %v streamed, %v at once", i, parts.Coef[i], whole.Coef[i])
		}
	}
}

func TestFrameTime(t *testing.T) {
	for _, i := range []int{0, 1, 99, 12345} {
		if got := Frame(Time(i)); got != i {
			t.Errorf("Frame(Time(%d)) = %d", i, got)
		}
	}
	if Time(100)-Time(0) != time.Second {
		t.Errorf("100 frames are %v, want 1s", Time(100)-Time(0))
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// The half-size real FFT gives the power spectrum of a plain DFT, at the
// sizes the features (512) and the tonal tracker (1024) use.
func TestRealFFT(t *testing.T) {
	for _, n := range []int{8, 16, fftSize, 1024} {
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Sin(float64(i)*0.3) + 0.5*math.Cos(float64(i*i)*0.01)
		}
		got := make([]float64, n/2+1)
		newRealFFT(n).power(x, got)
		for k := range got {
			var re, im float64
			for j, v := range x {
				a := -2 * math.Pi * float64(k*j) / float64(n)
				re += v * math.Cos(a)
				im += v * math.Sin(a)
			}
			want := re*re + im*im
			if math.Abs(got[k]-want) > 1e-6*(1+want) {
				t.Fatalf("n=%d: power[%d] = %v, want %v", n, k, got[k], want)
			}
		}
	}
}

// PowerWindowed is Power of the windowed samples.
func TestPowerWindowed(t *testing.T) {
	const n = 1024
	x := noise(float64(n)/Rate, 0.5)[:n]
	w, xw := make([]float64, n), make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/n)
		xw[i] = float64(x[i]) * w[i]
	}
	ps := NewPowerSpectrum(n)
	want, got := make([]float64, n/2+1), make([]float64, n/2+1)
	ps.Power(xw, want)
	ps.PowerWindowed(x, w, got)
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("power[%d] = %v, want %v", k, got[k], want[k])
		}
	}
}

// ln agrees with math.Log over the range of filter bank energies.
func TestLn(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		x := math.Exp(rng.Float64()*80 - 40) // 4e-18 .. 2e17
		if d := math.Abs(ln(x) - math.Log(x)); d > 1e-10 {
			t.Fatalf("ln(%g) = %v, math.Log %v", x, ln(x), math.Log(x))
		}
	}
	for _, x := range []float64{1e-8, 0.5, 1, math.Sqrt2, 2, 1e6} {
		if d := math.Abs(ln(x) - math.Log(x)); d > 1e-10 {
			t.Fatalf("ln(%g) = %v, math.Log %v", x, ln(x), math.Log(x))
		}
	}
}

func BenchmarkLn(b *testing.B) {
	x, s := 1e-3, 0.0
	for b.Loop() {
		s += ln(x)
		x *= 1.0001
	}
	_ = s
}

func BenchmarkPower(b *testing.B) {
	x := make([]float64, fftSize)
	for i := range x {
		x[i] = math.Sin(float64(i) * 0.3)
	}
	p := make([]float64, fftSize/2+1)
	r := newRealFFT(fftSize)
	for b.Loop() {
		r.power(x, p)
	}
}

// The fixed point holds the cepstra of anything from digital silence to
// full-scale noise without clipping.
func TestCoefRange(t *testing.T) {
	for name, s := range map[string][]float32{
		"silence":    make([]float32, Rate/4),
		"full noise": noise(1, 0.25),
		"loud tone":  tone(200, 1, 0.25),
	} {
		f := Compute(s)
		for i, q := range f.Coef {
			if q == math.MaxInt16 || q == math.MinInt16 {
				t.Fatalf("%s: frame %d coefficient %d clipped", name, i/Coeffs, i%Coeffs)
			}
		}
	}
	if q := Quantize(-117.3); math.Abs(float64(q)/CoefScale+117.3) > 0.5/CoefScale {
		t.Errorf("Quantize(-117.3) = %d", q)
	}
}

// radix4 (SSE2 on amd64) gives radix4Go's values exactly.
func TestRadix4(t *testing.T) {
	val := func(i, k int) float64 { return math.Sin(float64(i*7919+k*104729) * 0.001) }
	for _, q := range []int{2, 4, 16, 64, 3} {
		tw := make([][]float64, 6)
		for i := range tw {
			tw[i] = make([]float64, q)
			for k := range tw[i] {
				tw[i][k] = val(i+10, k)
			}
		}
		re, im := make([]float64, 4*q), make([]float64, 4*q)
		for k := range re {
			re[k], im[k] = val(1, k), val(2, k)
		}
		wre, wim := append([]float64(nil), re...), append([]float64(nil), im...)
		radix4(re, im, tw[0], tw[1], tw[2], tw[3], tw[4], tw[5])
		radix4Go(wre, wim, tw[0], tw[1], tw[2], tw[3], tw[4], tw[5])
		for k := range re {
			if re[k] != wre[k] || im[k] != wim[k] {
				t.Fatalf("q %d, value %d: %g%+gi, want %g%+gi", q, k, re[k], im[k], wre[k], wim[k])
			}
		}
		if re[0] == val(1, 0) {
			t.Fatalf("q %d: values unchanged", q)
		}
	}
}
