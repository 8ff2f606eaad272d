package align

import (
	"math"
	"slices"
	"sort"
	"sync"
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
	minGapFrames  = 6    // pauses shorter than 60 ms never separate items
	gapBonus      = 2.0  // cost saved per second of gap a boundary sits on (capped)
	gapBonusCap   = 0.75 // seconds: see changeGain
	skipCostPerS  = 3.0  // cost per second of sound left outside every item
	cueNoMusic    = 2.0  // a cue placed where no music plays
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
	// change measured at its gap. On the real-speech set the change is
	// 1.5–3 z at the median between turns and about 0 at pauses inside
	// a turn, while a pause longer than about 0.75 s says little more
	// than one of 0.75 s: people stop for a second or more inside their
	// own turn, and answer each other after 0.2 s. So a pause counts up
	// to gapBonusCap and the voice as much as a pause of half a second
	// per z: a 1.5 s pause inside one voice no longer wins over a 0.2 s
	// pause where the voice changes. (Charging changes inside a turn as
	// well was tried and hurt: one voice varies from sentence to
	// sentence, most of all a speech engine's, and a long turn's length
	// prior is too loose to hold a boundary against it.)
	changeGain = 1.0
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
	// keep is the gap tier 1 started the item on (when kept). Where that
	// is a strong boundary, the hint pulls the item to no place with
	// weaker evidence than it (see holds).
	kept bool
	keep int
}

// gap is a pause or music stretch, in frames [start, end).
type gap struct {
	start, end int
	music      int  // music frames inside
	dip        bool // a dip inside sound, no pause
	// fadeIn, when not zero, is where the music of the gap starts
	// fading in: sound the detector did not call music (see mergeFades).
	fadeIn int
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
	// measured says whether change was measured (enough speech around
	// enough gaps); else it is all zero and says nothing.
	measured bool
	// changeMed and changeScale turn a raw voice-change statistic into
	// change's z-score (see measureChange).
	changeMed, changeScale float64
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
	if energy != nil {
		l.gaps = mergeFades(l.gaps, v, energy)
	}
	l.sums(v)
	return l
}

const (
	maxFadeIsland = 150 // frames: the longest fade an island can be
	minFadeIsland = 10  // frames: shorter islands are edges, not fades
	minFadeMusic  = 200 // frames of music a gap needs to have a fade: a cue's
	fadeLoudest   = 10  // frames: a fade-out is loudest this near its start
	fadeUnder     = 3   // dB a fade's sound stays under the music's level
	fadeLevel     = 100 // frames of music whose level a fade is held to
)

// mergeFades joins to a music gap the island of sound between it and the
// next pause when that island is the music fading out, and likewise the
// island before it when the music fades in. The detector calls the end of
// a fade speech once its notes sink into the noise, or after a drum hit;
// taken as speech, it would start the turn after a cue in the fade. An
// island is a fade when it touches the music, is short, is quieter on the
// whole than the music's last (first) second, and is loudest at the end
// touching the music: it only sinks away from it into a pause. A turn
// that starts right on the music's end is louder than a fading
// accompaniment and starts with a rise, not a decay. Only a cue's music
// (minFadeMusic) has fades: a stretch of speech the detector took for
// music (a speech engine's level pitch) does not swallow the speech
// around it.
func mergeFades(gaps []gap, v *vad.Result, e []float32) []gap {
	level := func(from, to int) float64 {
		var s float64
		n := 0
		for k := from; k < to; k++ {
			if v.Labels[k] == vad.Music {
				s += float64(e[k])
				n++
			}
		}
		if n == 0 {
			return math.Inf(-1)
		}
		return s / float64(n)
	}
	// fade reports whether island [a, b) fades away from the music
	// whose level is lvl, sinking from the a side (out) or the b side.
	fade := func(a, b int, lvl float64, out bool) bool {
		if b-a < minFadeIsland || b-a > maxFadeIsland {
			return false
		}
		var s float64
		loudest := a
		for k := a; k < b; k++ {
			s += float64(e[k])
			if e[k] > e[loudest] {
				loudest = k
			}
		}
		if s/float64(b-a) > lvl-fadeUnder {
			return false
		}
		if out {
			return loudest < a+fadeLoudest
		}
		return loudest >= b-fadeLoudest
	}
	out := make([]gap, 0, len(gaps))
	merge := func(g, h gap) gap {
		tail := h.start - g.end
		return gap{start: g.start, end: h.end, music: g.music + tail + h.music, fadeIn: g.fadeIn}
	}
	for i := 0; i < len(gaps); i++ {
		g := gaps[i]
		// Fade-in: the island before this music, after a pause.
		if g.music >= minFadeMusic && len(out) > 0 {
			p := out[len(out)-1]
			if !p.dip && fade(p.end, g.start, level(g.start, min(g.start+fadeLevel, g.end)), false) {
				m := merge(p, g)
				m.fadeIn = p.end
				out[len(out)-1] = m
				continue
			}
		}
		out = append(out, g)
	}
	gaps, out = out, make([]gap, 0, len(out))
	for i := 0; i < len(gaps); i++ {
		g := gaps[i]
		// Fade-out: the island after this music, before a pause.
		for g.music >= minFadeMusic && i+1 < len(gaps) && !gaps[i+1].dip &&
			fade(g.end, gaps[i+1].start, level(max(g.start, g.end-fadeLevel), g.end), true) {
			g = merge(g, gaps[i+1])
			i++
		}
		out = append(out, g)
	}
	return out
}

// sums fills the prefix sums of the islands' sound and the gaps' music,
// and sizes change, for l.gaps.
func (l *layout) sums(v *vad.Result) {
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
	ch := newChangeMeter(f, v)
	raw := make([]float64, len(l.gaps))
	ok := make([]bool, len(l.gaps))
	var vals []float64
	for g, gp := range l.gaps {
		if raw[g], ok[g] = ch.at(gp.start, gp.end); ok[g] {
			vals = append(vals, raw[g])
		}
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
	l.measured, l.changeMed, l.changeScale = true, med, scale
	for g := range raw {
		if ok[g] {
			l.change[g] = l.changeZ(raw[g])
		}
	}
}

// changeZ is the z-score of the raw voice-change statistic x.
func (l *layout) changeZ(x float64) float64 {
	return min(max((x-l.changeMed)/l.changeScale, -3), 3)
}

const (
	// warpFar is how far (frames) the warp's start of a turn must be from
	// every candidate gap for addWarpGaps to add any there.
	warpFar = 100
	// warpSnap is how far (frames) either way the added dip is looked
	// for: the lowest energy near the warp's start. No onset is taken
	// this near a gap.
	warpSnap = 30
	// warpReach is how far (frames) either way onsets are looked for:
	// a warp that lacked a candidate strays by a second or two there.
	warpReach = 250
	// An onset rises onsetRise dB within 80 ms from a low point that
	// sank onsetSag dB from the sound 50–300 ms before it.
	onsetRise = 15
	onsetSag  = 10
)

// addWarpGaps adds candidate gaps where tier 2's warp starts a turn
// (frame at[i], for each turn; -1 for none) far from every gap tier 1
// found: a turn that follows another with no pause, whose pause and dip a
// room's reverberation filled, has no candidate at its start otherwise.
// Two kinds are added, both as dips (they cost what a dip costs, with no
// pause): one on the quietest smoothed frame within warpSnap frames of the
// warp's start, spanning its frames within 3 dB of that bottom; and one at
// every onset out of a sag (the next voice rising out of the room's tail
// of the last) within warpReach frames, since the warp, lacking the
// candidate, may have strayed from it. Their voice change is measured like
// every other gap's, on the same scale, and the search weighs them with
// the rest. Where a pause or a dip is near the warp's start, nothing is
// added: the warp is then weighed against the candidates there, as
// before, so audio with pauses between its turns keeps its placements.
// (Onsets taken everywhere were tried before and dropped: a speech
// engine's syllables have them every few seconds inside its turns.)
//
// It returns, for every gap index before, its index after.
func (l *layout) addWarpGaps(f *mfcc.Features, v *vad.Result, at []int) []int {
	e := f.Energy
	var added []gap
	for _, w := range at {
		if w <= warpSnap || w+warpSnap+1 >= len(e) || v.Labels[w] != vad.Speech {
			continue
		}
		k := sort.Search(len(l.gaps), func(g int) bool { return l.gaps[g].end > w-warpFar })
		if k < len(l.gaps) && l.gaps[k].start < w+warpFar {
			continue // a gap is near
		}
		near := false
		for _, g := range added {
			near = near || abs(g.end-w) < warpFar
		}
		if near {
			continue
		}
		smooth := func(i int) float32 { return (e[i-1] + e[i] + e[i+1]) / 3 }
		lo, hi := w-warpSnap, w+warpSnap
		b := w
		for i := lo; i <= hi; i++ {
			if v.Labels[i] == vad.Speech && smooth(i) < smooth(b) {
				b = i
			}
		}
		m := smooth(b)
		s, t := b, b+1
		for s > lo && smooth(s-1) < m+3 {
			s--
		}
		for t < hi && smooth(t) < m+3 {
			t++
		}
		added = append(added, gap{start: s, end: t, dip: true})
		// Onsets out of a sag within warpReach: sound that rises by
		// onsetRise dB within a few frames from a low point that sank
		// onsetSag dB from the sound before it.
		for i := max(w-warpReach, 31); i < min(w+warpReach, len(e)-10); i++ {
			if abs(i-b) < warpSnap || v.Labels[i] != vad.Speech {
				continue
			}
			k := sort.Search(len(l.gaps), func(g int) bool { return l.gaps[g].end > i-warpSnap })
			if k < len(l.gaps) && l.gaps[k].start < i+warpSnap {
				continue
			}
			low := smooth(i - 1)
			var after, before float32 = -200, -200
			for j := i; j < i+8; j++ {
				after = max(after, e[j])
			}
			for j := i - 30; j < i-5; j++ {
				before = max(before, e[j])
			}
			if after-low < onsetRise || before-low < onsetSag {
				continue
			}
			added = append(added, gap{start: i - 1, end: i, dip: true})
			i += warpSnap
		}
	}
	slices.SortFunc(added, func(a, b gap) int { return a.start - b.start })
	added = slices.CompactFunc(added, func(a, b gap) bool { return b.start < a.end })
	remap := make([]int, len(l.gaps))
	if len(added) == 0 {
		for g := range remap {
			remap[g] = g
		}
		return remap
	}
	old := l.gaps
	oldChange := l.change
	l.gaps = append(slices.Clone(old), added...)
	slices.SortFunc(l.gaps, func(a, b gap) int { return a.start - b.start })
	l.sums(v)
	ch := newChangeMeter(f, v)
	k := 0
	for g, gp := range l.gaps {
		if k < len(old) && gp == old[k] {
			remap[k] = g
			l.change[g] = oldChange[k]
			k++
			continue
		}
		if raw, ok := ch.at(gp.start, gp.end); ok && l.measured {
			l.change[g] = l.changeZ(raw)
		}
	}
	return remap
}

// changeMeter measures the voice change at a gap (see measureChange).
type changeMeter struct {
	f *mfcc.Features
	v *vad.Result
}

func newChangeMeter(f *mfcc.Features, v *vad.Result) *changeMeter { return &changeMeter{f, v} }

// at returns the GLR statistic between the speech before frame start and
// the speech from frame end on, and false when either side has too little.
func (c *changeMeter) at(start, end int) (float64, bool) {
	const dims = mfcc.Coeffs - 1
	type stats struct {
		n     int
		s, ss [dims]float64
	}
	f, v := c.f, c.v
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
	a := collect(start-1, -1, -1)
	b := collect(end, len(v.Labels), 1)
	if a.n < 30 || b.n < 30 {
		return 0, false
	}
	n := a.n + b.n
	var glr float64
	for d := 0; d < dims; d++ {
		glr += float64(n)*logVar(n, a.s[d]+b.s[d], a.ss[d]+b.ss[d]) -
			float64(a.n)*logVar(a.n, a.s[d], a.ss[d]) - float64(b.n)*logVar(b.n, b.s[d], b.ss[d])
	}
	return 0.5 * glr / float64(n), true
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

// searchCells is how many (item, gap) cells one search keeps: 12 bytes
// each, 20 with margins. An episode with more (the sample show past about
// 75 minutes: the cells grow with the square of the length) looks for each
// item's start only within a band of gaps around where the text's length
// puts it, recentred on the placement found while that placement runs
// near the band's edge; memory then stays flat however long the episode.
var searchCells = 2 << 20

// search runs the dynamic programme. With margins, it also runs it
// backwards, which gives for every item and gap the cost of the best
// placement that starts the item on that gap; an item's margin is how much
// more the best placement that starts it elsewhere (marginReach or more
// away) costs than the best: small when another start is nearly as good.
func search(items []item, l *layout, pinned, margins bool) ([]placement, float64) {
	b := newSearchBand(items, l)
	// Room for the widest band, so that recentring reuses the tables;
	// and the tables of the last search, when large enough (the
	// wrong-audio check runs a dozen searches of one size).
	cells := (len(items) + 1) * min(2*b.half+1, len(l.gaps))
	tab := takeTables()
	defer keepTables(tab)
	tab.cost = slices.Grow(tab.cost[:0], cells)
	tab.back = slices.Grow(tab.back[:0], cells)
	if margins {
		tab.rest = slices.Grow(tab.rest[:0], cells)
	}
	for try := 0; ; try++ {
		out, cost := searchIn(items, l, pinned, margins, b, tab)
		if out == nil || try == 3 || b.full {
			return out, cost
		}
		c := make([]int, len(items)+1)
		for u, p := range out {
			c[u] = p.first
		}
		c[len(items)] = out[len(items)-1].last
		if !b.nearEdge(c) {
			return out, cost
		}
		b.centre(c)
	}
}

// searchBand is the gaps [lo[u], hi[u]] item u may start on (u = n: where
// the last item ends); off[u] is where row u starts in the search's tables.
type searchBand struct {
	lo, hi, off []int
	half, G     int
	full        bool
}

func newSearchBand(items []item, l *layout) *searchBand {
	n, G := len(items), len(l.gaps)
	b := &searchBand{G: G, lo: make([]int, n+1), hi: make([]int, n+1), off: make([]int, n+2)}
	if (n+1)*G <= searchCells {
		b.full = true
		for u := range b.lo {
			b.hi[u] = G - 1
		}
		b.setOffsets()
		return b
	}
	b.half = max(searchCells/(n+1)/2, 1)
	// Where the text's length puts each item: its share of the
	// syllables, in seconds of sound.
	total := 0.0
	for _, it := range items {
		if !it.cue {
			total += it.syl
		}
	}
	sound := l.speech[G-1]
	c := make([]int, n+1)
	cum := 0.0
	for u := range c {
		at := sound
		if total > 0 {
			at = sound * cum / total
		}
		c[u] = min(sort.SearchFloat64s(l.speech, at), G-1)
		if u < n && !items[u].cue {
			cum += items[u].syl
		}
	}
	b.centre(c)
	return b
}

// centre puts the band around gaps c (non-decreasing), one per row.
func (b *searchBand) centre(c []int) {
	for u, g := range c {
		b.lo[u], b.hi[u] = max(g-b.half, 0), min(g+b.half, b.G-1)
	}
	b.lo[0], b.hi[len(c)-1] = 0, b.G-1
	b.setOffsets()
}

func (b *searchBand) setOffsets() {
	for u := range b.lo {
		b.off[u+1] = b.off[u] + b.hi[u] - b.lo[u] + 1
	}
}

// nearEdge reports whether the placement c (a gap per row) comes within
// a quarter of the band's half-width of an edge that is not the layout's.
func (b *searchBand) nearEdge(c []int) bool {
	m := max(b.half/4, 1)
	for u, g := range c {
		if (b.lo[u] > 0 && g-b.lo[u] < m) || (b.hi[u] < b.G-1 && b.hi[u]-g < m) {
			return true
		}
	}
	return false
}

func (b *searchBand) in(u, g int) bool { return g >= b.lo[u] && g <= b.hi[u] }
func (b *searchBand) at(u, g int) int  { return b.off[u] + g - b.lo[u] }

// spare holds the last search's tables for the next search, until
// dropTables: the wrong-audio check runs a dozen searches of one size.
var spare struct {
	sync.Mutex
	t *searchTables
}

func takeTables() *searchTables {
	spare.Lock()
	defer spare.Unlock()
	t := spare.t
	spare.t = nil
	if t == nil {
		t = &searchTables{}
	}
	return t
}

func keepTables(t *searchTables) {
	spare.Lock()
	spare.t = t
	spare.Unlock()
}

// dropTables lets the spare tables go (tens of MB for a long episode)
// when no search follows soon.
func dropTables() {
	spare.Lock()
	spare.t = nil
	spare.Unlock()
}

// searchTables are a search's tables, kept from one try to the next.
type searchTables struct {
	cost, rest []float64
	back       []int32
}

// grow returns s with length n, reusing its storage.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// searchIn is search within the band b.
func searchIn(items []item, l *layout, pinned, margins bool, b *searchBand, tab *searchTables) ([]placement, float64) {
	n, G := len(items), len(l.gaps)
	inf := math.Inf(1)
	tab.cost = grow(tab.cost, b.off[n+1])
	tab.back = grow(tab.back, b.off[n+1])
	cost, back := tab.cost, tab.back
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
	// newVoice says whether item u starts another speaker's turn.
	newVoice := func(u int) bool {
		return u > 0 && !items[u].cue && !items[u-1].cue && items[u].speaker != items[u-1].speaker
	}
	// evidence is how strongly gap g says item u starts there: its pause
	// and, at a change of speaker, the change of voice (what bonus and
	// changeGain take off the cost).
	evidence := func(u, g int) float64 {
		e := -bonus(g)
		if newVoice(u) {
			e += changeGain * l.change[g]
		}
		return e
	}
	// holds reports whether gap g is a strong boundary for item u: a
	// clear pause (silence of gapBonusCap or more, the most a pause
	// counts) where the speaker changes and the voice changes more than
	// at the episode's median gap. Reverberation smears one voice into
	// the next, so the change at a true turn can stay under changeDoubt
	// in a reverberant room: the pause carries such a boundary.
	holds := func(u, g int) bool {
		gp := l.gaps[g]
		return newVoice(u) && !gp.dip && gp.seconds()-float64(gp.music)/100 >= gapBonusCap &&
			(!l.measured || l.change[g] > 0)
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
			h := hintCost(float64(l.gaps[g].end)/100 - it.hint.Seconds())
			if it.kept && g != it.keep && holds(u, it.keep) && evidence(u, g) < evidence(u, it.keep) {
				// The warp may not draw a turn off a strong boundary
				// to a weaker one: it pulls no harder there than it
				// does at tier 1's boundary.
				h = max(h, hintCost(float64(l.gaps[it.keep].end)/100-it.hint.Seconds()))
			}
			c += h
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
	for g := 0; g <= b.hi[0]; g++ {
		if pinned && g > 0 {
			break
		}
		cost[b.at(0, g)] = skipCostPerS*l.islandSeconds(0, g) + bonus(g)
	}
	for u := range items {
		row, next := cost[b.off[u]:b.off[u+1]], cost[b.off[u+1]:b.off[u+2]]
		nback := back[b.off[u+1]:b.off[u+2]]
		nlo, nhi := b.lo[u+1], b.hi[u+1]
		for i, c := range row {
			if c == inf {
				continue
			}
			g := b.lo[u] + i
			c += enter(u, g)
			for e := g; e <= nhi; e++ {
				uc, stop, skip := step(u, g, e)
				if stop {
					break
				}
				if skip || e < nlo {
					continue
				}
				if total := c + uc; total < next[e-nlo] {
					next[e-nlo] = total
					nback[e-nlo] = int32(g)
				}
			}
		}
	}
	// Trace back from the best end.
	best, bestE := inf, -1
	for i, c := range cost[b.off[n]:] {
		if c < best {
			best, bestE = c, b.lo[n]+i
		}
	}
	if bestE < 0 {
		return nil, inf
	}
	out := make([]placement, n)
	e := bestE
	for u := n - 1; u >= 0; u-- {
		g := int(back[b.at(u+1, e)])
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
	// Backwards: rest at (u, g) is the least cost of items u… when item u
	// starts on gap g.
	tab.rest = grow(tab.rest, b.off[n+1])
	clear(tab.rest[b.off[n]:])
	rest := tab.rest
	for u := n - 1; u >= 0; u-- {
		for g := b.lo[u]; g <= b.hi[u]; g++ {
			rest[b.at(u, g)] = inf
			if cost[b.at(u, g)] == inf {
				continue
			}
			r := inf
			for e := g; e <= b.hi[u+1]; e++ {
				uc, stop, skip := step(u, g, e)
				if stop {
					break
				}
				if skip || e < b.lo[u+1] {
					continue
				}
				r = min(r, uc+rest[b.at(u+1, e)])
			}
			rest[b.at(u, g)] = enter(u, g) + r
		}
	}
	for u := range out {
		at := float64(l.gaps[out[u].first].end) / 100
		for g := b.lo[u]; g <= b.hi[u]; g++ {
			if math.Abs(float64(l.gaps[g].end)/100-at) < marginReach {
				continue
			}
			if m := cost[b.at(u, g)] + rest[b.at(u, g)] - best; m < out[u].margin {
				out[u].margin = m
			}
		}
	}
	return out, best
}
