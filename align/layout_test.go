package align

import (
	"testing"

	"github.com/podpipe/podpipe/align/vad"
)

// frames builds labels and energies from runs: n frames of class c whose
// energy goes linearly from e0 to e1 dB.
type run1 struct {
	n      int
	c      vad.Class
	e0, e1 float32
}

func frames(runs ...run1) (*vad.Result, []float32) {
	v := &vad.Result{Threshold: -40, Floor: -60, Peak: -15}
	var e []float32
	for _, r := range runs {
		for k := range r.n {
			v.Labels = append(v.Labels, r.c)
			e = append(e, r.e0+(r.e1-r.e0)*float32(k)/float32(max(r.n-1, 1)))
		}
	}
	return v, e
}

// The end of a fade-out that the detector called speech joins the music's
// gap, so the turn after the cue starts after it; a turn that starts
// right on a hard cut does not.
func TestMergeFades(t *testing.T) {
	sil := func(n int) run1 { return run1{n, vad.Silence, -60, -60} }
	music := run1{200, vad.Music, -22, -22}
	speech := run1{200, vad.Speech, -18, -18}

	// Music, a sinking tail labelled speech, a pause, speech.
	v, e := frames(speech, sil(50), music, run1{50, vad.Speech, -26, -45}, sil(40), speech)
	l := newLayout(v, e, 0, len(e))
	g := l.gaps[1]
	if g.start != 200 || g.end != 540 || g.music != 250 {
		t.Errorf("fade-out: gap %+v, want the music, its tail and the pause (200-540, 250 music frames); gaps %+v", g, l.gaps)
	}

	// A turn straight after a hard cut: louder than the music, rising.
	v, e = frames(speech, sil(50), music, run1{20, vad.Speech, -30, -16}, run1{30, vad.Speech, -16, -20}, sil(40), speech)
	l = newLayout(v, e, 0, len(e))
	if g := l.gaps[1]; g.end != 450 {
		t.Errorf("hard cut: gap %+v ends at %d, want 450 where the turn starts; gaps %+v", g, g.end, l.gaps)
	}

	// A fade-in labelled speech before the music: the cue starts there.
	v, e = frames(speech, sil(50), run1{60, vad.Speech, -45, -24}, music, sil(50), speech)
	l = newLayout(v, e, 0, len(e))
	if g := l.gaps[1]; g.start != 200 || g.end != 560 || g.fadeIn != 250 {
		t.Errorf("fade-in: gap %+v, want 200-560 fading in from 250; gaps %+v", g, l.gaps)
	}
}
