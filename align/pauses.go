package align

import (
	"math"
	"slices"
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
)

const (
	// A boundary on a dip, with no pause at all, costs this much: turns
	// mostly start after a pause.
	dipCost = 0.5
	// A boundary between two speakers gains this much per z of voice
	// change measured at its gap. (Charging changes inside a turn as
	// well was tried and hurt: one voice varies from sentence to
	// sentence, most of all a speech engine's, and a long turn's length
	// prior is too loose to hold a boundary against it.)
	changeGain = 0.5
)

// item is what tier 1 places: a speech unit or sentence, or a cue.
type item struct {
	cue      bool
	syl      float64
	rate     float64 // seconds of speech per syllable
	anchored bool
	anchor   time.Duration
	speaker  string
	// hint is where the synthesised speech, warped onto the audio, says
	// the item starts; a soft, bounded pull (see hintCost).
	hinted bool
	hint   time.Duration
}

// gap is a pause or music stretch, in frames [start, end).
type gap struct {
	start, end int
	music      int  // music frames inside
	dip        bool // a dip inside sound, no pause
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
}

// newLayout finds the gaps in frames [from, to). There is always a gap at
// from and one at to (empty when sound runs up to the edge). Besides the
// pauses the detector found, every dip of the energy inside a stretch of
// sound (see dips) is a candidate gap: a turn that follows another with
// next to no pause, or whose pause a room's reverberation filled, still has
// somewhere to start.
func newLayout(v *vad.Result, energy []float32, from, to int) *layout {
	l := &layout{}
	add := func(g gap) {
		if n := len(l.gaps); n > 0 && g.start <= l.gaps[n-1].end {
			last := &l.gaps[n-1]
			last.end = max(last.end, g.end)
			last.music += g.music
			last.dip = last.dip && g.dip
			return
		}
		l.gaps = append(l.gaps, g)
	}
	add(gap{start: from, end: from})
	for i := from; i < to; {
		if v.Labels[i] == vad.Speech {
			j := i
			for j < to && v.Labels[j] == vad.Speech {
				j++
			}
			if energy != nil {
				for _, d := range dips(energy, v.Threshold, i, j) {
					add(d)
				}
			}
			i = j
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

const (
	dipDepth   = 15 // dB under the loudest sound on either side within dipReach
	dipReach   = 30 // frames
	dipMinimum = 10 // frames: the dip is the lowest point this far either way
	dipWidth   = 4  // frames within 6 dB of the bottom
)

// dips finds the dips of energy inside the sound [from, to): frames that
// are the quietest for dipMinimum frames either way, dipDepth dB under the
// loudest sound on both sides, and broad enough (dipWidth frames within
// 6 dB of the bottom) not to be a plosive's closure. Each becomes a gap
// spanning its frames within 3 dB of the bottom, or under the threshold.
func dips(e []float32, threshold float32, from, to int) []gap {
	var out []gap
	smooth := func(i int) float32 {
		a, b := max(i-1, from), min(i+1, to-1)
		var s float32
		for k := a; k <= b; k++ {
			s += e[k]
		}
		return s / float32(b-a+1)
	}
	for i := from + 2; i < to-2; i++ {
		m := smooth(i)
		lowest := true
		for k := max(i-dipMinimum, from); k <= min(i+dipMinimum, to-1) && lowest; k++ {
			if k != i && (smooth(k) < m || (smooth(k) == m && k < i)) {
				lowest = false
			}
		}
		if !lowest {
			continue
		}
		var left, right float32 = -200, -200
		for k := max(i-dipReach, from); k < i; k++ {
			left = max(left, e[k])
		}
		for k := i + 1; k <= min(i+dipReach, to-1); k++ {
			right = max(right, e[k])
		}
		if min(left, right)-m < dipDepth {
			continue
		}
		s, t := i, i+1
		for s > from && smooth(s-1) < m+6 {
			s--
		}
		for t < to && smooth(t) < m+6 {
			t++
		}
		if t-s < dipWidth {
			continue
		}
		s, t = i, i+1
		for s > from && (smooth(s-1) < m+3 || e[s-1] < threshold) {
			s--
		}
		for t < to && (smooth(t) < m+3 || e[t] < threshold) {
			t++
		}
		out = append(out, gap{start: s, end: t, dip: true})
		i = t
	}
	return out
}

// islandSeconds returns the sound in islands g..e-1.
func (l *layout) islandSeconds(g, e int) float64 { return l.speech[e] - l.speech[g] }

// voiceWindow is how much speech on each side of a gap is compared to
// tell whether the voice changes there.
var voiceWindow = 150 // frames

// measureChange fills l.change from the features: a generalized likelihood
// ratio test of "one voice" against "two voices" on the cepstra (c1…c12)
// of the speech just before and just after each gap. Each side is modelled
// by a Gaussian with diagonal covariance; the statistic is the log-likelihood
// gained per frame by giving each side its own Gaussian. It is reported as a
// z-score over the gaps of the episode: high where the speaker changes.
func (l *layout) measureChange(f *mfcc.Features, v *vad.Result) {
	const dims = mfcc.Coeffs - 1
	type stats struct {
		n     int
		s, ss [dims]float64
	}
	collect := func(from, to, step int) (st stats) {
		for i := from; i != to && st.n < voiceWindow; i += step {
			if i < 0 || i >= len(v.Labels) {
				break
			}
			if v.Labels[i] != vad.Speech {
				continue
			}
			c := f.MFCC(i)
			for d, x := range c[1 : 1+dims] {
				st.s[d] += float64(x)
				st.ss[d] += float64(x) * float64(x)
			}
			st.n++
		}
		return st
	}
	logVar := func(n int, s, ss float64) float64 {
		m := s / float64(n)
		return math.Log(max(ss/float64(n)-m*m, 1e-6))
	}
	raw := make([]float64, len(l.gaps))
	ok := make([]bool, len(l.gaps))
	var vals []float64
	for g, gp := range l.gaps {
		a := collect(gp.start-1, -1, -1)
		b := collect(gp.end, len(v.Labels), 1)
		if a.n < 30 || b.n < 30 {
			continue
		}
		n := a.n + b.n
		var glr float64
		for d := 0; d < dims; d++ {
			glr += float64(n)*logVar(n, a.s[d]+b.s[d], a.ss[d]+b.ss[d]) -
				float64(a.n)*logVar(a.n, a.s[d], a.ss[d]) - float64(b.n)*logVar(b.n, b.s[d], b.ss[d])
		}
		raw[g], ok[g] = 0.5*glr/float64(n), true
		vals = append(vals, raw[g])
	}
	if len(vals) < 3 {
		return
	}
	// Robust z-score: median and the spread of the lower half, so that the
	// real changes (the upper tail) do not set the scale.
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	q := sorted[len(sorted)/4]
	scale := max((med-q)/0.6745, 1e-6)
	for g := range raw {
		if ok[g] {
			l.change[g] = min(max((raw[g]-med)/scale, -3), 3)
		}
	}
}

// placement is where tier 1 put an item: it starts at gap first and its
// sound ends at gap last (equal for a cue on one gap, or an item that got no
// island of its own).
type placement struct {
	first, last int
	z           float64 // how far its sound time was from the expected, in sigmas
	margin      float64 // see search; +Inf when not measured
}

// hintCost is what placing an item d seconds from where the warp put it
// costs: quadratic near the warp, bounded far from it, so that a warp gone
// astray cannot drag a turn off a clear pause and a change of voice.
func hintCost(d float64) float64 {
	z := d / hintSigma
	return hintWeight * min(0.5*z*z, hintCap)
}

const (
	hintSigma  = 0.5 // seconds
	hintWeight = 0.75
	hintCap    = 1.0
)

func sigma(expected float64) float64 { return 0.2*expected + 0.5 }

// place runs the dynamic programme. When pinned, the first item starts at
// gap 0 and the last ends at the last gap; otherwise sound before and after
// may be left out at a cost.
func place(items []item, l *layout, pinned bool) []placement {
	p, _ := placeCost(items, l, pinned)
	return p
}

// placeCost is place, also returning the placement's total cost.
func placeCost(items []item, l *layout, pinned bool) ([]placement, float64) {
	return search(items, l, pinned, false)
}

// marginReach is how far another start must be from the chosen one to
// count as a different placement for the margin (see search).
const marginReach = 0.5 // seconds

// search runs the dynamic programme. With margins, it also runs it
// backwards, which gives for every item and gap the cost of the best
// placement that starts the item on that gap; an item's margin is how much
// more the best placement that starts it elsewhere (marginReach or more
// away) costs than the best: small when another start is nearly as good.
func search(items []item, l *layout, pinned, margins bool) ([]placement, float64) {
	n, G := len(items), len(l.gaps)
	inf := math.Inf(1)
	cost := make([]float64, (n+1)*G)
	back := make([]int32, (n+1)*G)
	for i := range cost {
		cost[i] = inf
	}
	// A boundary's pause is the silence of its gap: music is no pause
	// (a cue's own music must not draw the next turn's start onto it).
	bonus := func(g int) float64 {
		if l.gaps[g].dip {
			return dipCost
		}
		return -gapBonus * min(l.gaps[g].seconds()-float64(l.gaps[g].music)/100, gapBonusCap)
	}
	// enter is what starting item u on gap g costs: anchors and hints.
	enter := func(u, g int) float64 {
		it := items[u]
		var c float64
		if it.anchored {
			at := float64(l.gaps[g].end) / 100
			if it.cue {
				at = float64(l.gaps[g].start) / 100
			}
			d := (at - it.anchor.Seconds()) / anchorSigma
			c += 0.5 * d * d
		}
		if it.hinted && !it.cue {
			c += hintCost(float64(l.gaps[g].end)/100 - it.hint.Seconds())
		}
		return c
	}
	// step is what item u costs from gap g to gap e, with the boundary
	// at e (or the end). stop: no later e fits either; skip: this e
	// does not fit.
	step := func(u, g, e int) (c float64, stop, skip bool) {
		it := items[u]
		sound := l.islandSeconds(g, e)
		if it.cue {
			if sound > 3 {
				return 0, true, false
			}
			c = cueSpeechCost * sound
			if l.music[e+1]-l.music[g] >= 0.5 {
				c += cueMusicGain
			} else {
				c += cueNoMusic
			}
		} else {
			expected := it.rate * it.syl
			sg := sigma(expected)
			if e > g && sound > expected+5*sg {
				return 0, true, false
			}
			z := (sound - expected) / sg
			c = 0.5 * z * z
			if e == g {
				c += zeroIsland
			}
			// Music inside a turn is unlikely.
			if e > g+1 {
				c += l.music[e] - l.music[g+1]
			}
		}
		if u+1 < n {
			c += bonus(e)
			if nx := items[u+1]; !it.cue && !nx.cue && nx.speaker != it.speaker {
				c -= changeGain * l.change[e]
			}
		} else {
			if pinned && e != G-1 {
				return 0, false, true
			}
			c += skipCostPerS * l.islandSeconds(e, G-1)
		}
		return c, false, false
	}
	for g := 0; g < G; g++ {
		if pinned && g > 0 {
			break
		}
		cost[g] = skipCostPerS*l.islandSeconds(0, g) + bonus(g)
	}
	for u := range items {
		row, next := cost[u*G:(u+1)*G], cost[(u+1)*G:(u+2)*G]
		nback := back[(u+1)*G : (u+2)*G]
		for g, c := range row {
			if c == inf {
				continue
			}
			c += enter(u, g)
			for e := g; e < G; e++ {
				uc, stop, skip := step(u, g, e)
				if stop {
					break
				}
				if skip {
					continue
				}
				if total := c + uc; total < next[e] {
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
		return nil, inf
	}
	out := make([]placement, n)
	e := bestE
	for u := n - 1; u >= 0; u-- {
		g := int(back[(u+1)*G+e])
		out[u] = placement{first: g, last: e, margin: math.Inf(1)}
		if it := items[u]; !it.cue {
			exp := it.rate * it.syl
			out[u].z = (l.islandSeconds(g, e) - exp) / sigma(exp)
		}
		e = g
	}
	if !margins {
		return out, best
	}
	// Backwards: rest[u*G+g] is the least cost of items u… when item u
	// starts on gap g.
	rest := make([]float64, (n+1)*G)
	for u := n - 1; u >= 0; u-- {
		for g := 0; g < G; g++ {
			rest[u*G+g] = inf
			if cost[u*G+g] == inf {
				continue
			}
			r := inf
			for e := g; e < G; e++ {
				uc, stop, skip := step(u, g, e)
				if stop {
					break
				}
				if skip {
					continue
				}
				r = min(r, uc+rest[(u+1)*G+e])
			}
			rest[u*G+g] = enter(u, g) + r
		}
	}
	for u := range out {
		at := float64(l.gaps[out[u].first].end) / 100
		for g := 0; g < G; g++ {
			if math.Abs(float64(l.gaps[g].end)/100-at) < marginReach {
				continue
			}
			if m := cost[u*G+g] + rest[u*G+g] - best; m < out[u].margin {
				out[u].margin = m
			}
		}
	}
	return out, best
}
