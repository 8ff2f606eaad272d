package audio

import (
	"math"
	"testing"
)

// BenchmarkResample converts a second of 22.05 kHz audio to 16 kHz, the
// step the sample show's episodes take.
func BenchmarkResample(b *testing.B) {
	in := make([]float32, 22050)
	for i := range in {
		in[i] = float32(math.Sin(float64(i) * 0.05))
	}
	out := make([]float32, 4096)
	r := newResampler(22050, 16000)
	for b.Loop() {
		for fed := 0; fed < len(in); {
			buf := r.inBuf()
			k := copy(buf, in[fed:])
			r.added(k)
			fed += k
			for r.out(out) == len(out) {
			}
		}
	}
}

// resample16 (SSE on amd64) gives resample16Go's samples exactly, stops
// where the input runs out and lands on the same position and phase.
func TestResample16(t *testing.T) {
	r := newResampler(22050, 16000)
	if r.taps != 8 || r.adv == nil {
		t.Fatalf("22.05 kHz: taps %d, exact phases %v; want 8 and true", r.taps, r.adv != nil)
	}
	in := make([]float32, 3000)
	for i := range in {
		in[i] = float32(math.Sin(float64(i)*0.37) + 0.3*math.Cos(float64(i)*1.9))
	}
	for _, start := range []struct{ pos, frac, out int }{{8, 0, 4000}, {100, 17, 4000}, {9, 319, 50}, {2991, 5, 10}} {
		got, want := make([]float32, start.out), make([]float32, start.out)
		n, pos, frac := resample16(got, in, r.byPhase, r.adv, start.pos, start.frac)
		wn, wpos, wfrac := resample16Go(want, in, r.byPhase, r.adv, start.pos, start.frac)
		if n != wn || pos != wpos || frac != wfrac {
			t.Fatalf("from %v: %d samples, at %d phase %d; want %d, %d, %d", start, n, pos, frac, wn, wpos, wfrac)
		}
		if n == 0 && start.pos+8 < len(in) {
			t.Fatalf("from %v: no samples", start)
		}
		for k := range n {
			if got[k] != want[k] {
				t.Fatalf("from %v: sample %d is %g, want %g", start, k, got[k], want[k])
			}
		}
	}
}
