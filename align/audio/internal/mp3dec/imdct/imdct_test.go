package imdct

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestWinTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for bt := 0; bt < 4; bt++ {
		// All 18 lines, and lines that end in zeros, which WinTo skips.
		for _, n := range []int{18, 7, 1} {
			in := make([]float32, 18)
			for i := range in[:n] {
				in[i] = float32(rng.Float64()*2 - 1)
			}
			want := Win(in, bt)
			var got [36]float32
			WinTo(&got, in, n, bt)
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("block type %d, %d lines: out[%d] = %v, want %v", bt, n, i, got[i], want[i])
				}
			}
		}
	}
}
