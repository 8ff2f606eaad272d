package align

import (
	"math"
	"time"

	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
)

// Tier 1: boundaries on pauses.
//
// The audio is cut into islands of sound between gaps (pauses of 60 ms or
// more, and music). Each speech item takes a run of consecutive islands
// whose speech time best matches its syllable count at the speaker's rate;
// a cue takes the music between two runs. A dynamic programme over (item,
// gap) finds the assignment of least total cost, preferring long gaps as
// boundaries and honouring anchors.

const (
	frameDur      = 10 * time.Millisecond
	minGapFrames  = 6   // pauses shorter than 60 ms never separate items
	gapBonus      = 2.0 // cost saved per second of gap a boundary sits on (capped)
	gapBonusCap   = 1.5 // seconds
	skipCostPerS  = 3.0 // cost per second of sound left outside every item
	cueNoMusic    = 2.0 // a cue placed where no music plays
	cueMusicGain  = -2.0
	cueSpeechCost = 3.0 // per second of speech a cue swallows
	zeroIsland    = 5.0 // a speech item with no island of its own
	anchorSigma   = 0.3 // seconds
	// A turn's islands should sound like one voice: each z of voice
	// change at a gap inside a turn costs this much. (Rewarding changes
	// at turn boundaries was tried and hurt: synthetic voices of one
	// engine, and real people, vary as much within a turn as between.)
	sameVoiceCost = 0.3
)

// item is what tier 1 places: a speech unit or sentence, or a cue.
type item struct {
	cue      bool
	syl      float64
	rate     float64 // seconds of speech per syllable
	anchored bool
	anchor   time.Duration
}

// gap is a pause or music stretch, in frames [start, end).
type gap struct {
	start, end int
	music      int // music frames inside
}

func (g gap) seconds() float64 { return float64(g.end-g.start) / 100 }

// layout is the gaps and islands of a stretch of audio.
type layout struct {
	gaps   []gap
	speech []float64 // prefix sums of the islands' sound seconds: island i is speech[i+1]-speech[i]
	music  []float64 // prefix sums of the gaps' music seconds
	// change[g] says how much the voice before gap g differs from the
	// voice after it, in standard deviations over all gaps: high where
	// the speaker changes.
	change []float64
	// changeSum are prefix sums of the positive part of change.
	changeSum []float64
}

// newLayout finds the gaps in frames [from, to). There is always a gap at
// from and one at to (empty when sound runs up to the edge).
func newLayout(v *vad.Result, from, to int) *layout {
	l := &layout{}
	add := func(g gap) {
		if n := len(l.gaps); n > 0 && g.start <= l.gaps[n-1].end {
			last := &l.gaps[n-1]
			last.end = max(last.end, g.end)
			last.music += g.music
			return
		}
		l.gaps = append(l.gaps, g)
	}
	add(gap{start: from, end: from})
	for i := from; i < to; {
		if v.Labels[i] == vad.Speech {
			i++
			continue
		}
		j := i
		music := 0
		for j < to && v.Labels[j] != vad.Speech {
			if v.Labels[j] == vad.Music {
				music++
			}
			j++
		}
		if j-i >= minGapFrames || music > 0 || i == from || j == to {
			add(gap{start: i, end: j, music: music})
		}
		i = j
	}
	if last := l.gaps[len(l.gaps)-1]; last.end < to {
		add(gap{start: to, end: to})
	}
	l.change = make([]float64, len(l.gaps))
	l.changeSum = make([]float64, len(l.gaps)+1)
	l.speech = make([]float64, len(l.gaps))
	l.music = make([]float64, len(l.gaps)+1)
	for i := range l.gaps {
		if i > 0 {
			a, b := l.gaps[i-1].end, l.gaps[i].start
			sound := v.Count(vad.Speech, a, b) + v.Count(vad.Music, a, b)
			l.speech[i] = l.speech[i-1] + float64(sound)/100
		}
		l.music[i+1] = l.music[i] + float64(l.gaps[i].music)/100
	}
	return l
}

// islandSeconds returns the sound in islands g..e-1.
func (l *layout) islandSeconds(g, e int) float64 { return l.speech[e] - l.speech[g] }

// voiceWindow is how much speech on each side of a gap is averaged to
// compare voices.
const voiceWindow = 150 // frames

// measureChange fills l.change from the features: the distance between
// the mean cepstra (c1…c12, each scaled by its spread over all speech) of
// the speech just before and just after each gap, as a z-score over the
// gaps of the episode.
func (l *layout) measureChange(f *mfcc.Features, v *vad.Result) {
	const dims = mfcc.Coeffs - 1
	var sd [dims]float64
	{
		var s, ss [dims]float64
		n := 0
		for i, c := range v.Labels {
			if c != vad.Speech {
				continue
			}
			for d := 0; d < dims; d++ {
				x := float64(f.Coef[i*mfcc.Coeffs+1+d])
				s[d] += x
				ss[d] += x * x
			}
			n++
		}
		if n < 2 {
			return
		}
		for d := range sd {
			m := s[d] / float64(n)
			sd[d] = math.Sqrt(max(ss[d]/float64(n)-m*m, 1e-9))
		}
	}
	mean := func(from, to, step int) ([dims]float64, bool) {
		var m [dims]float64
		n := 0
		for i := from; i != to && n < voiceWindow; i += step {
			if i < 0 || i >= len(v.Labels) {
				break
			}
			if v.Labels[i] != vad.Speech {
				continue
			}
			for d := 0; d < dims; d++ {
				m[d] += float64(f.Coef[i*mfcc.Coeffs+1+d]) / sd[d]
			}
			n++
		}
		if n < 20 {
			return m, false
		}
		for d := range m {
			m[d] /= float64(n)
		}
		return m, true
	}
	raw := make([]float64, len(l.gaps))
	ok := make([]bool, len(l.gaps))
	var vals []float64
	for g, gp := range l.gaps {
		a, okA := mean(gp.start-1, -1, -1)
		b, okB := mean(gp.end, len(v.Labels), 1)
		if !okA || !okB {
			continue
		}
		var d2 float64
		for d := range a {
			d2 += (a[d] - b[d]) * (a[d] - b[d])
		}
		raw[g], ok[g] = math.Sqrt(d2), true
		vals = append(vals, raw[g])
	}
	if len(vals) < 3 {
		return
	}
	var s, ss float64
	for _, x := range vals {
		s += x
		ss += x * x
	}
	m := s / float64(len(vals))
	sdev := math.Sqrt(max(ss/float64(len(vals))-m*m, 1e-9))
	for g := range raw {
		if ok[g] {
			l.change[g] = (raw[g] - m) / sdev
		}
		l.changeSum[g+1] = l.changeSum[g] + max(l.change[g], 0)
	}
}

// placement is where tier 1 put an item: it starts at gap first and its
// sound ends at gap last (equal for a cue on one gap, or an item that got no
// island of its own).
type placement struct {
	first, last int
	z           float64 // how far its sound time was from the expected, in sigmas
}

func sigma(expected float64) float64 { return 0.2*expected + 0.5 }

// place runs the dynamic programme. When pinned, the first item starts at
// gap 0 and the last ends at the last gap; otherwise sound before and after
// may be left out at a cost.
func place(items []item, l *layout, pinned bool) []placement {
	n, G := len(items), len(l.gaps)
	inf := math.Inf(1)
	cost := make([]float64, (n+1)*G)
	back := make([]int32, (n+1)*G)
	for i := range cost {
		cost[i] = inf
	}
	bonus := func(g int) float64 { return -gapBonus * min(l.gaps[g].seconds(), gapBonusCap) }
	for g := 0; g < G; g++ {
		if pinned && g > 0 {
			break
		}
		cost[g] = skipCostPerS*l.islandSeconds(0, g) + bonus(g)
	}
	for u, it := range items {
		row, next := cost[u*G:(u+1)*G], cost[(u+1)*G:(u+2)*G]
		nback := back[(u+1)*G : (u+2)*G]
		expected := it.rate * it.syl
		sg := sigma(expected)
		for g, c := range row {
			if c == inf {
				continue
			}
			if it.anchored {
				at := float64(l.gaps[g].end) / 100
				if it.cue {
					at = float64(l.gaps[g].start) / 100
				}
				d := (at - it.anchor.Seconds()) / anchorSigma
				c += 0.5 * d * d
			}
			for e := g; e < G; e++ {
				var uc float64
				sound := l.islandSeconds(g, e)
				if it.cue {
					if sound > 3 {
						break
					}
					uc = cueSpeechCost * sound
					if l.music[e+1]-l.music[g] >= 0.5 {
						uc += cueMusicGain
					} else {
						uc += cueNoMusic
					}
				} else {
					if e > g && sound > expected+5*sg {
						break
					}
					z := (sound - expected) / sg
					uc = 0.5 * z * z
					if e == g {
						uc += zeroIsland
					}
					// Music or a change of voice inside a turn is unlikely.
					if e > g+1 {
						uc += l.music[e] - l.music[g+1]
						uc += sameVoiceCost * (l.changeSum[e] - l.changeSum[g+1])
					}
				}
				total := c + uc
				if u+1 < n {
					total += bonus(e)
				} else {
					if pinned && e != G-1 {
						continue
					}
					total += skipCostPerS * l.islandSeconds(e, G-1)
				}
				if total < next[e] {
					next[e] = total
					nback[e] = int32(g)
				}
			}
		}
	}
	// Trace back from the best end.
	best, bestE := inf, -1
	for e, c := range cost[n*G:] {
		if c < best {
			best, bestE = c, e
		}
	}
	if bestE < 0 {
		return nil
	}
	out := make([]placement, n)
	e := bestE
	for u := n - 1; u >= 0; u-- {
		g := int(back[(u+1)*G+e])
		out[u] = placement{first: g, last: e}
		if it := items[u]; !it.cue {
			exp := it.rate * it.syl
			out[u].z = (l.islandSeconds(g, e) - exp) / sigma(exp)
		}
		e = g
	}
	return out
}
