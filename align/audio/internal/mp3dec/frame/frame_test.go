package frame

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The fast DCT gives the synthesis matrix's 64 values.
func TestDCT32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		var s, tmp [32]float32
		for i := range s {
			s[i] = float32(rng.Float64()*2 - 1)
		}
		var want [64]float32
		for i := 0; i < 64; i++ {
			for j := 0; j < 32; j++ {
				want[i] += synthNWin[i][j] * s[j]
			}
		}
		x := s
		dct32(&x, &tmp)
		var got [64]float32
		for i := 0; i < 16; i++ {
			got[i] = x[16+i]
			got[48+i] = -x[i]
		}
		for i := 17; i < 48; i++ {
			got[i] = -x[48-i]
		}
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-4 {
				t.Fatalf("V[%d] = %v, want %v", i, got[i], want[i])
			}
		}
	}
}

// The window as built for this machine (SSE on amd64) gives window32Go's
// sums exactly, at every position of the ring.
func TestWindow32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var f Frame
	for i := range f.v_vec[0] {
		f.v_vec[0][i] = float32(rng.Float64()*2 - 1)
	}
	for off := 0; off < 1024; off += 64 {
		f.vOff = off
		var got, want [32]float32
		f.window32(&got)
		f.window32Go(&want)
		if got != want {
			t.Fatalf("vOff %d: %v, want %v", off, got, want)
		}
	}
}
