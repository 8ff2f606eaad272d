package align

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/podpipe/podpipe/align/vad"
)

// Held notes under loud noise keep their peaks; noise alone and a tone
// whose pitch glides like a voice's do not.
func TestTonalPersistence(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 3 * 16000
	signal := func(f func(i int) float64) float64 {
		tr := newTonalTracker()
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(f(i) + 0.05*rng.NormFloat64())
		}
		tr.write(s)
		v := tr.perFrame(n / 160)
		var sum float64
		for _, x := range v[100 : len(v)-100] {
			sum += float64(x)
		}
		return sum / float64(len(v)-200)
	}
	chord := signal(func(i int) float64 {
		x := float64(i) / 16000
		return 0.05 * (math.Sin(2*math.Pi*220*x) + math.Sin(2*math.Pi*277*x) + math.Sin(2*math.Pi*330*x) + math.Sin(2*math.Pi*440*x))
	})
	noise := signal(func(int) float64 { return 0 })
	glide := signal(func(i int) float64 {
		x := float64(i) / 16000
		// Pitch swinging 150–250 Hz five times a second, harmonics to 2 kHz.
		phase := 2 * math.Pi * (200*x - 50/(2*math.Pi*5)*math.Cos(2*math.Pi*5*x))
		var v float64
		for h := 1; h <= 10; h++ {
			v += 0.03 * math.Sin(float64(h)*phase)
		}
		return v
	})
	t.Logf("chord %.2f, noise %.2f, glide %.2f", chord, noise, glide)
	// vad calls sound music from vad.TonalMusic on.
	if chord < vad.TonalMusic+0.1 {
		t.Errorf("held chord under noise: persistence %.2f, want ≥ %.2f", chord, vad.TonalMusic+0.1)
	}
	if noise > 0.1 {
		t.Errorf("noise: persistence %.2f, want ≤ 0.1", noise)
	}
	if glide > vad.TonalMusic-0.2 {
		t.Errorf("gliding harmonics: persistence %.2f, want ≤ %.2f", glide, vad.TonalMusic-0.2)
	}
}

// overMedian is the test "v over the median by tonalPeakDB (10 dB: ten
// times the power) or more" without sorting.
func TestOverMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		near := make([]float64, 17)
		for i := range near {
			near[i] = float64(rng.IntN(30) + 1) // ties and exact 10x steps
		}
		v := float64(rng.IntN(300) + 1)
		sorted := slices.Clone(near)
		slices.Sort(sorted)
		if want := v >= 10*sorted[8]; overMedian(v, near) != want {
			t.Fatalf("v %v near %v: overMedian %v, want %v", v, near, !want, want)
		}
	}
}
