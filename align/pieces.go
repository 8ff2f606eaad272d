package align

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// piece is what gets its own time: a sentence of a turn, or a cue.
type piece struct {
	unit    int
	cue     bool
	text    string
	syl     float64
	speaker string
}

// pieces is the transcript cut into pieces, in order.
type pieces struct {
	list  []piece
	units [][2]int // [first, end) piece of each unit
}

func newPieces(t *transcript.Transcript) *pieces {
	p := &pieces{units: make([][2]int, len(t.Units))}
	for i, u := range t.Units {
		first := len(p.list)
		if u.Kind == transcript.Cue {
			p.list = append(p.list, piece{unit: i, cue: true, text: u.Text})
		} else {
			ss := splitSentences(u.Text)
			if len(ss) == 0 {
				ss = []sentence{{u.Text, 1}}
			}
			for _, s := range ss {
				p.list = append(p.list, piece{unit: i, text: s.text, syl: max(s.syl, 1), speaker: u.Speaker})
			}
		}
		p.units[i] = [2]int{first, len(p.list)}
	}
	return p
}

// Plausible speaking rates, seconds of sound per syllable: far outside
// these the audio is not a reading of this text.
const (
	minRate = 0.08 // 12 syllables a second: faster than anyone talks
	maxRate = 1.0
)

// typicalRate is the range of seconds per syllable people (and speech
// engines) talk at; outside it the aligner warns.
var typicalRate = [2]float64{0.1, 0.45}

// warp is what tier 2 gives the search: where the speech synthesis warp
// puts every piece, and the gap tier 1 alone started each unit on.
type warp struct {
	hints []span
	tier1 []int
	// at is the frame where the warp, before any snapping, puts every
	// piece's start (see layout.addWarpGaps).
	at []int
}

// pauses times every piece on the pauses, voice changes and music of the
// audio, and returns also the gap (in the episode's layout) each unit
// starts on. w, when not nil, is tier 2's warp, weighed in the same search
// as a bounded pull that cannot take a turn off a strong boundary of tier
// 1 (see item.keep).
func (a *Aligner) pauses(an *analysis, t *transcript.Transcript, ps *pieces, w *warp) ([]span, []int, error) {
	var hints []span
	if w != nil {
		hints = w.hints
	}
	n := len(t.Units)
	items := make([]item, n)
	totalSyl := 0.0
	for i, u := range t.Units {
		r := ps.units[i]
		it := item{cue: u.Kind == transcript.Cue, speaker: u.Speaker}
		for _, p := range ps.list[r[0]:r[1]] {
			it.syl += p.syl
		}
		if u.Anchor {
			it.anchored, it.anchor = true, u.Start
		}
		if hints != nil && !it.cue {
			it.hinted, it.hint = true, hints[r[0]].start
			it.kept, it.keep = true, w.tier1[i]
		}
		items[i] = it
		if !it.cue {
			totalSyl += it.syl
		}
	}
	for _, s := range t.Sections {
		if s.Anchor && s.Unit < n && !items[s.Unit].anchored {
			items[s.Unit].anchored, items[s.Unit].anchor = true, s.Start
		}
	}
	frames := an.f.Len()
	l := newLayout(an.v, an.f.Energy, 0, frames)
	l.measureChange(an.f, an.v)
	if w != nil && w.at != nil {
		at := make([]int, 0, n)
		for i, it := range items {
			if it.hinted {
				at = append(at, w.at[ps.units[i][0]])
			}
		}
		remap := l.addWarpGaps(an.f, an.v, at)
		for i := range items {
			if items[i].kept {
				items[i].keep = remap[items[i].keep]
			}
		}
	}
	sound := l.speech[len(l.speech)-1]
	a.report.Speech = time.Duration(sound * float64(time.Second))
	if totalSyl == 0 {
		totalSyl = 1
	}
	rate := sound / totalSyl
	if rate < minRate || rate > maxRate {
		return nil, nil, fmt.Errorf("%w: %.0f s of speech in the audio for %.0f syllables of text (%.2f s each; a reading takes %.2f–%.2f)",
			ErrMismatch, sound, totalSyl, rate, minRate, maxRate)
	}
	if rate < typicalRate[0] || rate > typicalRate[1] {
		a.warnf("the audio's speech runs at %.2f s per syllable of text, outside the usual %.2f–%.2f: is it this episode's audio, and is the transcript complete?",
			rate, typicalRate[0], typicalRate[1])
	}
	for i := range items {
		items[i].rate = rate
	}
	pl, cost := placeCost(items, l, false)
	if pl == nil {
		return nil, nil, fmt.Errorf("%w: no placement of %d units on %d pauses", ErrMismatch, n, len(l.gaps))
	}
	if hints == nil {
		a.checkMatch(items, l, cost)
	}
	// Speakers talk at their own pace: measure it and place again.
	type acc struct{ sound, syl float64 }
	per := map[string]*acc{}
	for i, it := range items {
		if it.cue || pl[i].first == pl[i].last {
			continue
		}
		s := t.Units[i].Speaker
		if per[s] == nil {
			per[s] = &acc{}
		}
		per[s].sound += l.islandSeconds(pl[i].first, pl[i].last)
		per[s].syl += it.syl
	}
	const prior = 30 // syllables of the global rate mixed into each speaker's
	for i := range items {
		if c := per[t.Units[i].Speaker]; c != nil {
			items[i].rate = (c.sound + prior*rate) / (c.syl + prior)
		}
	}
	if p2, _ := search(items, l, false, true); p2 != nil {
		pl = p2
	}

	unitSpans := an.times(items, l, pl)
	starts := make([]int, len(pl))
	for i, p := range pl {
		starts[i] = p.first
	}

	// Sentences inside each turn, on the turn's own pauses.
	out := make([]span, len(ps.list))
	for i, it := range items {
		r := ps.units[i]
		if r[1]-r[0] == 1 {
			out[r[0]] = unitSpans[i]
			continue
		}
		sub := make([]item, 0, r[1]-r[0])
		for k, p := range ps.list[r[0]:r[1]] {
			si := item{syl: p.syl}
			if hints != nil && k > 0 {
				si.hinted, si.hint = true, hints[r[0]+k].start
			}
			sub = append(sub, si)
		}
		var ss []span
		if pl[i].last-pl[i].first >= 2 {
			sl := l.sub(pl[i].first, pl[i].last)
			local := l.islandSeconds(pl[i].first, pl[i].last) / it.syl
			for k := range sub {
				sub[k].rate = local
			}
			if sp := place(sub, sl, true); sp != nil {
				ss = an.times(sub, sl, sp)
				ss[0].start = unitSpans[i].start
			}
		}
		if ss == nil {
			ss = spread(sub, unitSpans[i])
		}
		for k := range ss {
			ss[k].conf = min(ss[k].conf, unitSpans[i].conf)
			if k == 0 {
				ss[k].conf = unitSpans[i].conf
			}
		}
		copy(out[r[0]:r[1]], ss)
	}
	return out, starts, nil
}

// spread divides a span among items by syllables.
func spread(items []item, s span) []span {
	total := 0.0
	for _, it := range items {
		total += it.syl
	}
	out := make([]span, len(items))
	cum := 0.0
	at := s.start
	for i, it := range items {
		cum += it.syl
		next := s.start + time.Duration(float64(s.end-s.start)*cum/total)
		out[i] = span{at, next, s.conf * 0.6}
		at = next
	}
	return out
}

// apply writes the pieces' times into the transcript: units, their
// sentences and the sections.
func apply(t *transcript.Transcript, ps *pieces, spans []span) {
	// Starts strictly increase; an end that runs into the next piece is
	// cut back (starts are what the aligner is surest of).
	for i := range spans {
		s := &spans[i]
		if i > 0 {
			p := &spans[i-1]
			s.start = max(s.start, p.start+time.Millisecond)
			if p.end > s.start {
				p.end = s.start
			}
		}
		if s.end <= s.start {
			s.end = s.start + time.Millisecond
		}
	}
	for i := range t.Units {
		u := &t.Units[i]
		r := ps.units[i]
		first, last := spans[r[0]], spans[r[1]-1]
		if !u.Anchor {
			u.Start = first.start
		}
		u.End = max(last.end, u.Start+time.Millisecond)
		u.Confidence = first.conf
		if u.Anchor {
			u.Confidence = 1
		}
		u.Sentences = nil
		if r[1]-r[0] > 1 {
			for k := r[0]; k < r[1]; k++ {
				u.Sentences = append(u.Sentences, transcript.Span{Text: ps.list[k].text, Start: spans[k].start, End: spans[k].end})
			}
			u.Sentences[0].Start = u.Start
		}
	}
	// Keep units in order around an anchor that pulled one back.
	for i := 1; i < len(t.Units); i++ {
		if p := &t.Units[i-1]; p.End > t.Units[i].Start {
			p.End = max(p.Start+time.Millisecond, t.Units[i].Start)
		}
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		if s.Anchor {
			continue
		}
		if s.Unit < len(t.Units) {
			s.Start = t.Units[s.Unit].Start
		} else if len(t.Units) > 0 {
			s.Start = t.Units[len(t.Units)-1].End
		}
	}
	t.Timing = transcript.Aligned
}

// Wrong audio. A transcript fits its own audio far better than it fits the
// same audio with its turns in another order: the turns' lengths, the
// pauses and the changes of voice all line up only in the true order.
// Under audio of another episode, the true order is no better than a
// shuffled one. checkMatch places shuffles of the speech turns (cues stay
// where they are), compares their costs with the true order's and warns
// when the true order is hardly better.
//
// Measured on the real-speech set and the sample show (8 episodes, all 56
// swaps): correct pairs score 2.0–6.0, swaps -0.8–3.9. The two overlap, so
// this only warns, and only under matchMargin (about half the swaps); a
// refusal needs a sharper test (for example, whether the turns given to
// one name sound alike).
const (
	matchShuffles = 12
	minMatchTurns = 6 // fewer turns cannot tell
	// matchMargin is how many standard deviations of the shuffles' cost
	// the true order must beat their mean by.
	matchMargin = 1.0
)

func (a *Aligner) checkMatch(items []item, l *layout, cost float64) {
	var speech []int
	for i, it := range items {
		if !it.cue && !it.anchored {
			speech = append(speech, i)
		}
	}
	if len(speech) < minMatchTurns {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(len(items)), uint64(len(l.gaps))))
	shuffled := slices.Clone(items)
	var costs []float64
	for range matchShuffles {
		perm := rng.Perm(len(speech))
		for k, j := range perm {
			shuffled[speech[k]] = items[speech[j]]
		}
		if _, c := placeCost(shuffled, l, false); !math.IsInf(c, 1) {
			costs = append(costs, c)
		}
	}
	if len(costs) < matchShuffles/2 {
		return
	}
	var s, ss float64
	for _, c := range costs {
		s += c
		ss += c * c
	}
	mean := s / float64(len(costs))
	sd := math.Sqrt(max(ss/float64(len(costs))-mean*mean, 1e-9))
	a.matchScore = (mean - cost) / sd
	a.logf("the transcript's order beats %d shuffles of it by %.1f standard deviations", len(costs), a.matchScore)
	if a.matchScore < matchMargin {
		a.warnf("%s fits the transcript hardly better than the transcript's own turns shuffled (by %.1f standard deviations): is it this episode's audio? (--align none publishes without aligning)",
			a.audioPath, a.matchScore)
	}
}
