package align

import (
	"math"
	"time"

	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
)

// span is a timed item with its confidence.
type span struct {
	start, end time.Duration
	conf       float64
}

// analysis is what tier 1 and tier 2 both read: the features and the
// speech/silence/music labels of the episode.
type analysis struct {
	f *mfcc.Features
	v *vad.Result
}

// onsetTime is when sound starts in frame f, the first sounding frame
// after a gap: the frame's energy crossed the threshold somewhere in its
// window, so step back (up to 250 ms) over quieter frames that are still
// above the floor (a soft consonant: th, f, h), but never into music, then
// take the frame's start.
func (a *analysis) onsetTime(f, limit int) time.Duration {
	soft := a.v.Floor + 0.3*(a.v.Threshold-a.v.Floor)
	for k := 0; k < 25 && f-1 > limit && a.f.Energy[f-1] > soft && a.v.Labels[f-1] != vad.Music; k++ {
		f--
	}
	return time.Duration(f)*frameDur + 5*time.Millisecond
}

// offsetTime is when sound ends, f being the first silent frame.
func offsetTime(f int) time.Duration { return time.Duration(f)*frameDur + 15*time.Millisecond }

// times turns placements into spans. Speech items that got no island of
// their own share the time of the neighbour they were squeezed into, in
// proportion to syllables.
func (a *analysis) times(items []item, l *layout, p []placement) []span {
	out := make([]span, len(items))
	for i, it := range items {
		g0, g1 := l.gaps[p[i].first], l.gaps[p[i].last]
		if it.cue {
			s, e := -1, -1
			for f := g0.start; f < g1.end; f++ {
				if a.v.Labels[f] == vad.Music {
					if s < 0 {
						s = f
					}
					e = f + 1
				}
			}
			if s < 0 {
				s, e = g0.start, g1.end
			}
			// The music's fade-in, which the detector took for sound.
			for g := p[i].first; g <= p[i].last; g++ {
				if l.gaps[g].music > 0 {
					if f := l.gaps[g].fadeIn; f > 0 && f < s {
						s = f
					}
					break
				}
			}
			out[i] = span{time.Duration(s) * frameDur, time.Duration(e) * frameDur, 0.5}
			if e-s >= 50 {
				out[i].conf = 0.9
			}
			continue
		}
		out[i] = span{start: a.onsetTime(g0.end, g0.start), end: offsetTime(g1.start)}
		fit := math.Exp(-0.5 * p[i].z * p[i].z)
		gapFit := min(1, g0.seconds()/0.4)
		if p[i].first == 0 && g0.start == g0.end {
			gapFit = 1 // at the very start of the stretch
		}
		out[i].conf = 0.2 + 0.8*fit*(0.5+0.5*gapFit)
		if p[i].first == p[i].last {
			out[i].conf = 0.1
		}
		// Another start nearly as good as the chosen one: unsure.
		if m := p[i].margin; !math.IsInf(m, 1) {
			out[i].conf = min(out[i].conf, 1-math.Exp(-max(m, 0)/marginScale))
		}
		// A new speaker whose voice does not change where the turn
		// starts: the pause and the voice disagree.
		if i > 0 && l.measured && !items[i-1].cue && items[i-1].speaker != it.speaker &&
			l.change[p[i].first] < changeDoubt {
			out[i].conf = min(out[i].conf, doubtConf)
		}
	}
	// A cue that found no music cannot tell where the turns around it
	// end and start.
	for i, it := range items {
		if !it.cue || out[i].conf > 0.5 {
			continue
		}
		for _, k := range []int{i - 1, i + 1} {
			if k >= 0 && k < len(items) && !items[k].cue {
				out[k].conf = min(out[k].conf, 0.45)
			}
		}
	}
	shareSqueezed(items, p, out)
	return out
}

const (
	// changeDoubt is the voice change (z) under which the start of a
	// turn by another speaker is in doubt: between turns it is 1.5–3 at
	// the median, at pauses inside one turn about 0.
	changeDoubt = 0.5
	doubtConf   = 0.45
)

// marginScale turns a placement's margin (see search) into confidence:
// 1-exp(-margin/marginScale).
const marginScale = 1.0

// shareSqueezed gives speech items without an island of their own a share
// of the span of the speech item before them (or after, at the start).
func shareSqueezed(items []item, p []placement, out []span) {
	empty := func(i int) bool { return !items[i].cue && p[i].first == p[i].last }
	for i := 0; i < len(items); {
		if !empty(i) {
			i++
			continue
		}
		j := i
		for j < len(items) && empty(j) {
			j++
		}
		// Host: the speech item just before the run, else just after.
		lo, hi := i, j
		switch {
		case i > 0 && !items[i-1].cue:
			lo = i - 1
		case j < len(items) && !items[j].cue:
			hi = j + 1
		}
		start, end := out[lo].start, out[hi-1].end
		if lo == i {
			start = out[hi-1].start
		}
		if end <= start {
			end = start + time.Duration(hi-lo)*time.Millisecond
		}
		total := 0.0
		for k := lo; k < hi; k++ {
			total += max(items[k].syl, 1)
		}
		at, cum := start, 0.0
		for k := lo; k < hi; k++ {
			cum += max(items[k].syl, 1)
			out[k].start = at
			at = start + time.Duration(float64(end-start)*cum/total)
			out[k].end = at
			out[k].conf = min(out[k].conf, 0.3)
		}
		i = j
	}
}

// sub returns the layout between gaps a and b (inclusive).
func (l *layout) sub(a, b int) *layout {
	s := &layout{gaps: l.gaps[a : b+1], speech: make([]float64, b-a+1), music: make([]float64, b-a+2),
		change: l.change[a : b+1], measured: l.measured}
	for i := range s.speech {
		s.speech[i] = l.speech[a+i] - l.speech[a]
	}
	for i := range s.music {
		s.music[i] = l.music[a+i] - l.music[a]
	}
	return s
}
