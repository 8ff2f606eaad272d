package vad

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/podpipe/podpipe/align/mfcc"
)

const rate = mfcc.Rate

// babble imitates speech as far as the detector can tell: syllables of
// noise at a varying level, 5 a second, with short dips between them.
func babble(rng *rand.Rand, seconds float64) []float32 {
	out := make([]float32, int(seconds*rate))
	syl := rate / 5
	for i := range out {
		k := i % syl
		amp := 0.0
		if k < syl*4/5 {
			amp = 0.2 + 0.1*math.Sin(float64(i/syl))
		}
		out[i] = float32(amp * (2*rng.Float64() - 1))
	}
	return out
}

// jingle is a pad and notes: tonal, steady, no pauses.
func jingle(seconds float64) []float32 {
	out := make([]float32, int(seconds*rate))
	notes := []float64{440, 554.37, 659.25, 880}
	for i := range out {
		t := float64(i) / rate
		f := notes[int(t/0.25)%len(notes)]
		tn := math.Mod(t, 0.25)
		out[i] = float32(0.1*math.Sin(2*math.Pi*110*t) + 0.2*math.Exp(-tn*6)*math.Sin(2*math.Pi*f*t))
	}
	return out
}

func TestDetect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	type part struct {
		class   Class
		seconds float64
	}
	parts := []part{{Silence, 0.5}, {Speech, 3}, {Silence, 0.8}, {Music, 3}, {Silence, 0.5}, {Speech, 2}, {Silence, 0.3}, {Speech, 1.5}, {Silence, 0.4}}
	var sig []float32
	var want []Segment
	for _, p := range parts {
		start := len(sig) / mfcc.Hop
		switch p.class {
		case Silence:
			sig = append(sig, make([]float32, int(p.seconds*rate))...)
		case Speech:
			sig = append(sig, babble(rng, p.seconds)...)
		case Music:
			sig = append(sig, jingle(p.seconds)...)
		}
		want = append(want, Segment{p.class, start, len(sig) / mfcc.Hop})
	}
	r := Detect(mfcc.Compute(sig))
	if len(r.Segments) != len(want) {
		t.Fatalf("got %d segments %v, want %d %v", len(r.Segments), r.Segments, len(want), want)
	}
	for i, s := range r.Segments {
		w := want[i]
		if s.Class != w.Class || abs(s.Start-w.Start) > 4 || abs(s.End-w.End) > 4 {
			t.Errorf("segment %d: %v [%d, %d), want %v [%d, %d)", i, s.Class, s.Start, s.End, w.Class, w.Start, w.End)
		}
	}
	if r.Silent() {
		t.Error("Silent() on a signal with sound")
	}
}

func TestSilence(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	hiss := make([]float32, 3*rate)
	for i := range hiss {
		hiss[i] = float32(1e-4 * (2*rng.Float64() - 1)) // -80 dB: a quiet line, no programme
	}
	for name, sig := range map[string][]float32{"digital": make([]float32, 3*rate), "hiss": hiss} {
		r := Detect(mfcc.Compute(sig))
		if !r.Silent() {
			t.Errorf("%s: not silent: %v", name, r.Segments)
		}
	}
	if r := Detect(&mfcc.Features{}); !r.Silent() {
		t.Error("no frames: not silent")
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// middle finds what sorting would put in the middle.
func TestMiddle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 120; n++ {
		a := make([]float32, n)
		for i := range a {
			a[i] = float32(rng.IntN(7)) // many ties
			if n%3 == 0 {
				a[i] = rng.Float32()
			}
		}
		want := slices.Clone(a)
		slices.Sort(want)
		if got := middle(a); got != want[n/2] {
			t.Fatalf("n=%d: middle %v, sorted %v", n, got, want[n/2])
		}
	}
}
