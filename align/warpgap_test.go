package align

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
)

// A turn that follows another with no pause in a reverberant room: the
// first voice's tail sinks 13 dB (no pause, too shallow for a dip) and the
// next voice rises out of it. Tier 1 has no candidate there; the warp,
// 2 s late, makes one at the onset, and the search starts the second turn
// on it. Where a pause is near the warp, nothing is added.
func TestWarpGapAtReverberantOnset(t *testing.T) {
	const onset = 330 // frame where the second voice starts
	v, e := frames(
		run1{300, vad.Speech, -18, -18},
		run1{30, vad.Speech, -18, -31}, // the room's tail
		run1{5, vad.Speech, -31, -12},  // the next voice's onset
		run1{295, vad.Speech, -14, -14},
	)
	f := &mfcc.Features{Energy: e, Coef: make([]int16, len(e)*mfcc.Coeffs)}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range e {
		centre := float32(1)
		if i >= onset {
			centre = 4 // another voice
		}
		for k := range mfcc.Coeffs {
			f.Coef[i*mfcc.Coeffs+k] = mfcc.Quantize(centre + float32(r.NormFloat64()))
		}
	}
	l := newLayout(v, e, 0, len(e))
	if len(l.gaps) != 2 {
		t.Fatalf("gaps %+v, want only the two edges (the test's premise: no pause, no dip)", l.gaps)
	}
	warpAt := onset + 200
	remap := l.addWarpGaps(f, v, []int{warpAt})
	if remap[0] != 0 || remap[1] != len(l.gaps)-1 {
		t.Errorf("remap %v of the edges, want 0 and %d", remap, len(l.gaps)-1)
	}
	found := -1
	for g, gp := range l.gaps {
		if gp.dip && abs(gp.end-onset) <= 3 {
			found = g
		}
	}
	if found < 0 {
		t.Fatalf("gaps %+v: none ends at the onset (frame %d)", l.gaps, onset)
	}
	items := []item{
		{syl: 33, rate: 0.1, speaker: "A"},
		{syl: 30, rate: 0.1, speaker: "B", hinted: true, hint: time.Duration(warpAt) * frameDur},
	}
	p, _ := search(items, l, true, false)
	if p == nil || p[1].first != found {
		t.Errorf("second turn starts on gap %v, want %d (%+v); gaps %+v", p, found, l.gaps[found], l.gaps)
	}

	// A pause 0.5 s from the warp's start: the warp is weighed against
	// it as before, and no gap is added.
	v, e = frames(
		run1{300, vad.Speech, -18, -18},
		run1{30, vad.Silence, -60, -60},
		run1{300, vad.Speech, -14, -14},
	)
	f.Energy = e
	l = newLayout(v, e, 0, len(e))
	n := len(l.gaps)
	l.addWarpGaps(f, v, []int{380})
	if len(l.gaps) != n {
		t.Errorf("gaps %+v, want the %d there were: a pause is near the warp", l.gaps, n)
	}
}
