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
