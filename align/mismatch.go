package align

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
	"github.com/podpipe/podpipe/transcript"
)

// Wrong audio, by content. The synthetic reading of a sentence sounds
// more like the stretch of audio it was placed on than the synthetic
// readings of the transcript's other sentences of about the same length
// do, when the audio is the reading of the text; when it is not, the
// sentence is no better than the others.
//
// The controls come from the same transcript, in the same synthetic voice
// and about the same length, and are matched against the same stretch of
// audio: voice, recording, language and the stretch's length are the same
// for the sentence and its controls, and only what is said differs. Every
// sentence gives a margin (how far under its controls' costs its own
// lies), and Student's t of the margins weighs them all: it grows with
// the number of sentences under the right audio and stays near 0 under
// the wrong one. espeak-ng is far from a real voice, Mandarin's most, so
// one sentence says little, but ten say enough. Each reading and each
// stretch is standardised on its own, as speech recognisers normalise
// every utterance: a sentence is then matched by the shape of its sounds,
// and neither the synthetic voice's nor the speaker's timbre, nor the
// loudness of that stretch, weighs in its cost.

const (
	matchMinSynth  = 40  // frames (0.4 s) of synthetic speech a sentence needs to count
	matchMinReal   = 30  // frames of audio its stretch needs
	matchControls  = 10  // controls per sentence, the closest in length
	matchMinCtrl   = 4   // fewer controls cannot rank a sentence
	matchLenRatio  = 2.0 // a control is at most this much longer or shorter
	matchSentences = 80  // sentences ranked at most, spread over the episode

	// matchMinRanked is how many sentences a refusal needs: fewer say
	// too little either way, and the aligner only warns.
	matchMinRanked = 8
	// A transcript's own audio gives t of about matchEffect times the
	// square root of the sentences ranked, or more: 0.9–1.0 is the weakest
	// measured (the 30-minute sample episode, dev-zh-01's real Mandarin
	// voices), 1.05–1.65 the others. The audio is refused when t lies
	// matchSlack under that, and under matchRefuseMax whatever the number
	// of sentences; it is warned about under matchWarn. A music cue off
	// music refuses it when t lies more than matchMusicSlack under what
	// its own audio gives (and under matchWarn whatever the number).
	// Measured (README, "Wrong audio"): correct pairs 4.0–8.3, wrong ones
	// −2.1–2.8; drawing 8 or more of a correct pair's sentences at random,
	// at most 1.6 % of the draws fall under the refusal line (10 of the
	// 30-minute episode's; none of the real-speech set's).
	matchEffect     = 1.0
	matchSlack      = 2.0
	matchRefuseMax  = 2.0
	matchWarn       = 2.5
	matchMusicSlack = 1.0
	// matchMinSpread is the least spread of the margins T divides by.
	matchMinSpread = 1.0

	// A sentence whose margin is over matchStrong is read where it was
	// placed: under a wrong audio 22 of 896 sentences (2.5 %) were. More
	// such sentences than chance allows (a chance under matchStrongP at
	// matchStrongRate) mean that part of the text is in the audio, and
	// a low t that the placement went astray elsewhere: the aligner then
	// warns instead of refusing.
	matchStrong     = 3.0
	matchStrongRate = 0.03
	matchStrongP    = 0.01
)

// contentMatch is the content test's evidence.
type contentMatch struct {
	// Margins holds, for every sentence, how many standard deviations of
	// its controls' costs its own cost is below their mean: positive when
	// the audio says the text, around 0 when it does not.
	Margins []float64
}

// strong is how many sentences have a margin over matchStrong.
func (c contentMatch) strong() int {
	k := 0
	for _, m := range c.Margins {
		if m > matchStrong {
			k++
		}
	}
	return k
}

// someRead reports whether more sentences are strong than chance allows
// under a wrong audio: the binomial chance of as many or more is under
// matchStrongP.
func (c contentMatch) someRead() bool {
	n, k := len(c.Margins), c.strong()
	// P(X >= k) for X ~ Binomial(n, matchStrongRate).
	p, below := math.Pow(1-matchStrongRate, float64(n)), 0.0 // P(X = 0)
	for j := 0; j < k; j++ {
		below += p
		p *= float64(n-j) / float64(j+1) * matchStrongRate / (1 - matchStrongRate)
	}
	return 1-below < matchStrongP
}

// T is Student's t of the margins: how surely their mean is above 0.
// It grows with the square root of the number of sentences when the
// audio says the text, and stays around 0 when it does not.
//
// Their spread counts as matchMinSpread at least. A margin is a sentence's
// cost against those of its controls, in their standard deviations: under
// a wrong audio, where the sentence is just one more control, margins
// spread by 1.2–1.9 by construction (1.33 measured). Margins that all lie a
// little over 0 (a bias of the stretches, not a reading: one real
// Mandarin episode's audio under a sample transcript gave 0.66 ± 0.55)
// would otherwise give the t of a reading; the right audio spreads its
// margins by 2–4, over the floor.
func (c contentMatch) T() float64 {
	n := float64(len(c.Margins))
	if n < 2 {
		return math.NaN()
	}
	var s, ss float64
	for _, m := range c.Margins {
		s += m
		ss += m * m
	}
	mean := s / n
	sd := math.Sqrt(max((ss-n*mean*mean)/(n-1), 0))
	return mean / max(sd, matchMinSpread) * math.Sqrt(n)
}

// matchContent ranks every sentence's synthetic reading against its
// controls on the stretch of audio spans gives it. synth holds the
// synthetic cepstra of every piece (nil for cues), dtwDecim frames in one,
// as tier 2 keeps them.
//
// Each reading and each stretch is standardised on its own (see
// standardise), and floats are held for one warp at a time: a 7-hour
// episode's test holds no copy of its features.
func matchContent(an *analysis, ps *pieces, synth [][]int16, spans []span) contentMatch {
	const dim = mfcc.Coeffs
	type sentence struct {
		i        int
		from, to int // the stretch of audio, in feature frames
	}
	var sents []sentence
	for i, p := range ps.list {
		if p.cue || i >= len(synth) || len(synth[i])/dim*dtwDecim < matchMinSynth {
			continue
		}
		from, to := int(spans[i].start/frameDur), min(int(spans[i].end/frameDur), an.f.Len())
		if to-from < matchMinReal {
			continue
		}
		sents = append(sents, sentence{i, from, to})
	}
	if len(sents) < matchMinCtrl+1 {
		return contentMatch{}
	}
	var syn, stretch []float32 // reused: one sentence's reading, the stretch it is matched on
	var buf []int16
	synOf := func(j int) []float32 {
		syn = appendDequantized(syn[:0], synth[sents[j].i])
		standardise(syn)
		return syn
	}
	frames := func(j int) int { return len(synth[sents[j].i]) / dim }
	step := max(1, (len(sents)+matchSentences-1)/matchSentences)
	var out contentMatch
	var ctrl []int
	var lrs []float64
	for k := 0; k < len(sents); k += step {
		n := frames(k)
		// The matchControls sentences closest to it in length, the earlier
		// first among equals, kept in order as they are found.
		ctrl, lrs = ctrl[:0], lrs[:0]
		for j := range sents {
			r := float64(frames(j)) / float64(n)
			if j == k || r > matchLenRatio || r < 1/matchLenRatio {
				continue
			}
			lr := math.Abs(math.Log(r))
			if len(ctrl) == matchControls && lr >= lrs[len(lrs)-1] {
				continue
			}
			at := len(ctrl)
			for at > 0 && lrs[at-1] > lr {
				at--
			}
			if len(ctrl) < matchControls {
				ctrl, lrs = append(ctrl, 0), append(lrs, 0)
			}
			copy(ctrl[at+1:], ctrl[at:])
			copy(lrs[at+1:], lrs[at:])
			ctrl[at], lrs[at] = j, lr
		}
		if len(ctrl) < matchMinCtrl {
			continue
		}
		buf = appendDecimated(buf[:0], an.f.Coef[sents[k].from*dim:sents[k].to*dim], dtwDecim)
		stretch = appendDequantized(stretch[:0], buf)
		standardise(stretch)
		own := warpCost(synOf(k), stretch)
		var cs, css float64
		for _, j := range ctrl {
			c := warpCost(synOf(j), stretch)
			cs += c
			css += c * c
		}
		m := cs / float64(len(ctrl))
		out.Margins = append(out.Margins, (m-own)/math.Sqrt(max(css/float64(len(ctrl))-m*m, 1e-12)))
	}
	return out
}

// appendDequantized appends cepstra kept as mfcc.Features keeps them to
// out as floats, for the content test to standardise in place.
func appendDequantized(out []float32, c []int16) []float32 {
	for _, q := range c {
		out = append(out, float32(q)/mfcc.CoefScale)
	}
	return out
}

// standardise gives every coefficient of the frames in c zero mean and
// unit variance over c alone: one sentence's reading, or the stretch of
// audio it is matched on, is then compared by the shape of its sounds, not
// by how its voice, microphone or loudness differ from the episode's
// average.
func standardise(c []float32) {
	var m momentSum
	for x := 0; x+mfcc.Coeffs <= len(c); x += mfcc.Coeffs {
		m.add(c[x : x+mfcc.Coeffs])
	}
	var n norm
	n.setNorm(m.moments())
	n.applyFrames(c)
}

// warpCost is the cost per step of the best warp of a onto b with both
// ends pinned, the path kept within a third of either length of the
// diagonal: symmetric steps (a diagonal step counts its distance twice),
// divided by the lengths' sum, so that sequences of any length compare.
func warpCost(a, b []float32) float64 {
	const dim = mfcc.Coeffs
	n, m := len(a)/dim, len(b)/dim
	if n == 0 || m == 0 {
		return math.Inf(1)
	}
	w := max(n, m)/3 + 2
	inf := math.Inf(1)
	prev := make([]float64, m)
	cur := make([]float64, m)
	for y := range prev {
		prev[y] = inf
	}
	for x := 0; x < n; x++ {
		c := x * (m - 1) / max(n-1, 1)
		lo, hi := max(c-w, 0), min(c+w, m-1)
		for y := range cur {
			cur[y] = inf
		}
		ax := a[x*dim : (x+1)*dim]
		for y := lo; y <= hi; y++ {
			d := dist32(ax, b[y*dim:(y+1)*dim])
			switch {
			case x == 0 && y == 0:
				cur[y] = d
			default:
				best := inf
				if x > 0 && y > 0 {
					best = prev[y-1] + 2*d
				}
				if x > 0 {
					best = min(best, prev[y]+d)
				}
				if y > 0 {
					best = min(best, cur[y-1]+d)
				}
				cur[y] = best
			}
		}
		prev, cur = cur, prev
	}
	return prev[m-1] / float64(n+m)
}

func dist32(a, b []float32) float64 {
	var s float32
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return math.Sqrt(float64(s))
}

// Wrong audio, by the music. A transcript's music cue (one whose text
// names music: see musicCue) marks music its audio holds, and the aligner puts a cue on music wherever there is
// music near where the text's lengths put it: in a matching pair every
// cue lies on music (all 19 cues of the 9 matching pairs measured, each
// span 85 % music or more; the detector calls nothing under 1 s music,
// so a span holds a second of it or none). A cue left where the audio
// has no music at all is evidence, independent of the content test's,
// that the audio is not this transcript's: its music is elsewhere, or
// there is none. The detector can miss music (a quiet bed under speech,
// a sting under a second), so a cue off music alone refuses nothing;
// with a content test short of what the transcript's own audio gives
// (t under matchWarn), it does. It holds whatever the language and the
// voices; a wrong audio with its music where the transcript's is (the
// sample show's episodes under each other's audio: same voices, same
// jingles) is left to the content test.

// cueFit is where one music cue was placed and how much music is there.
type cueFit struct {
	Start time.Duration
	Span  time.Duration
	Music time.Duration // music the detector found inside the span
}

// matchReport is the evidence on whether the audio is the reading of the
// transcript.
type matchReport struct {
	Rate    float64      // seconds of speech per syllable of text
	Shuffle float64      // checkMatch's score
	Content contentMatch // tier 2's content test; empty without tier 2
	Cues    []cueFit     // every music cue (see musicCue), in order
}

// offMusic returns the cues placed where the audio has no music.
func (m matchReport) offMusic() []cueFit {
	var out []cueFit
	for _, c := range m.Cues {
		if c.Music == 0 {
			out = append(out, c)
		}
	}
	return out
}

// musicWords name music in a cue's text. Cues of applause or laughter
// are placed like music but say nothing of where the audio has music.
var musicWords = []string{"音樂", "音乐", "音楽", "配樂", "配乐", "music", "jingle", "♪"}

// musicCue reports whether a cue's text says music plays.
func musicCue(text string) bool {
	text = strings.ToLower(text)
	for _, w := range musicWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// fitCues measures the music under every music cue's span.
func fitCues(an *analysis, ps *pieces, spans []span) []cueFit {
	var out []cueFit
	for i, p := range ps.list {
		if !p.cue || i >= len(spans) || !musicCue(p.text) {
			continue
		}
		s := spans[i]
		from, to := int(s.start/frameDur), int(s.end/frameDur)
		out = append(out, cueFit{s.start, s.end - s.start, time.Duration(an.v.Count(vad.Music, from, to)) * frameDur})
	}
	return out
}

// verdict is what the evidence says.
type verdict uint8

const (
	matchUnknown  verdict = iota // too little evidence (no tier 2, few sentences)
	matchGood                    // accepted
	matchDoubtful                // warned about
	matchWrong                   // refused: the content test is far under what the transcript's own audio gives
	matchOffMusic                // refused: the content test is short of it, and a music cue found no music
)

// refuseUnder is the t under which audio is refused when n sentences
// were ranked.
func refuseUnder(n int) float64 {
	return min(matchRefuseMax, ownScore(n)-matchSlack)
}

// ownScore is about the t a transcript's own audio gives over n
// sentences, or more.
func ownScore(n int) float64 { return matchEffect * math.Sqrt(float64(n)) }

// musicUnder is the t under which a music cue off music refuses the
// audio: matchMusicSlack under what its own audio gives, and at least
// matchWarn.
func musicUnder(n int) float64 { return max(matchWarn, ownScore(n)-matchMusicSlack) }

// verdict weighs the evidence: the content test decides, when it ranked
// enough sentences, and the music cues tip a weak content test into a
// refusal.
func (m matchReport) verdict() verdict {
	c := m.Content
	t, n := c.T(), len(c.Margins)
	switch {
	case n < matchMinRanked || math.IsNaN(t):
		return matchUnknown
	case c.someRead() && t < matchWarn:
		return matchDoubtful
	case t < refuseUnder(n):
		return matchWrong
	case t < musicUnder(n) && len(m.offMusic()) > 0:
		return matchOffMusic
	case t < matchWarn:
		return matchDoubtful
	}
	return matchGood
}

// judgeMatch gathers the evidence and returns an ErrMismatch error when
// the audio is clearly not the reading of the transcript.
func (a *Aligner) judgeMatch(an *analysis, ps *pieces, spans []span) error {
	syl := 0.0
	for _, p := range ps.list {
		if !p.cue {
			syl += p.syl
		}
	}
	a.match.Rate = a.report.Speech.Seconds() / max(syl, 1)
	a.match.Shuffle = a.matchScore
	a.match.Cues = fitCues(an, ps, spans)
	if a.synth == nil {
		return nil
	}
	defer func() { a.synth = nil }() // an episode's worth of cepstra
	began := time.Now()
	c := matchContent(an, ps, a.synth, spans)
	a.match.Content = c
	t, n := c.T(), len(c.Margins)
	a.logf("the synthetic reading of %d sentences fits their audio better than other sentences' readings by t = %.1f; %d clearly (in %s)",
		n, t, c.strong(), since(began))
	v := a.match.verdict()
	if (v == matchWrong || v == matchOffMusic) && a.opts.NoRefuse {
		v = matchDoubtful
	}
	switch v {
	case matchWrong:
		return fmt.Errorf("%w: the transcript's synthetic reading fits this audio no better than other sentences' readings (t = %.1f over %d sentences; its own audio would score about %.1f or more)",
			ErrMismatch, t, n, ownScore(n))
	case matchOffMusic:
		off := a.match.offMusic()
		return fmt.Errorf("%w: the transcript's synthetic reading fits this audio only weakly (t = %.1f over %d sentences; its own audio would score about %.1f or more), and %d of its %d music cues fall where the audio has no music (the first at %s)",
			ErrMismatch, t, n, ownScore(n), len(off), len(a.match.Cues), transcript.FormatClock(off[0].Start))
	case matchDoubtful:
		a.warnf("%s fits the synthetic reading of the transcript only weakly (t = %.1f over %d sentences; its own audio would score about %.1f or more): is it this episode's audio? (--align none publishes without aligning)",
			a.audioPath, t, n, ownScore(n))
	}
	return nil
}
