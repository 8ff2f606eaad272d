package align

import (
	"testing"
	"time"
)

// Tier 2's warp may not draw a turn off a strong boundary of tier 1 (a
// clear pause where the voice changes) onto weaker evidence, but it still
// moves a turn whose tier-1 boundary is not strong.
//
// Two turns over 8.95 s of sound: a 1 s pause after 5 s, then a dip (no
// pause) at 7 s where the voice changes clearly. The lengths favour the
// pause a little; the warp says the second turn starts at the dip.
func TestHintKeepsStrongBoundary(t *testing.T) {
	layoutWith := func(pauseChange float64) *layout {
		return &layout{
			gaps: []gap{
				{start: 0, end: 0},
				{start: 500, end: 600},            // a 1 s pause
				{start: 700, end: 705, dip: true}, // a dip: no pause
				{start: 1000, end: 1000},
			},
			speech:   []float64{0, 5, 6, 8.95},
			music:    make([]float64, 5),
			change:   []float64{0, pauseChange, 2.3, 0},
			measured: true,
		}
	}
	items := func(hinted bool) []item {
		a := item{syl: 5, rate: 1, speaker: "A"}
		b := item{syl: 3.95, rate: 1, speaker: "B"}
		if hinted {
			b.hinted, b.hint = true, 7050*time.Millisecond
			b.kept, b.keep = true, 1
		}
		return []item{a, b}
	}
	for _, c := range []struct {
		name        string
		pauseChange float64 // voice change at the pause, z
		want        int     // gap the second turn starts on under the warp
	}{
		// Evidence at the pause 1.5 + 0.4, at the dip -0.5 + 2.3: the
		// pause is strong and stronger, the turn stays.
		{"strong pause", 0.4, 1},
		// The voice does not change at the pause: not a strong
		// boundary, the warp may move the turn.
		{"pause without a change of voice", -0.1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := layoutWith(c.pauseChange)
			p, _ := search(items(false), l, true, false)
			if p == nil || p[1].first != 1 {
				t.Fatalf("tier 1 starts the second turn on gap %v, want 1 (the test's premise)", p)
			}
			p, _ = search(items(true), l, true, false)
			if p == nil || p[1].first != c.want {
				t.Errorf("with the warp the second turn starts on gap %v, want %d", p, c.want)
			}
		})
	}
}
