// Package vad tells speech from silence and music, frame by frame, using
// only what energy and the shape of the spectrum reveal: no model. Pauses
// are what the aligner places turn boundaries on; music stretches are where
// it places cues such as *(音樂)*.
//
//	f := mfcc.Compute(samples)
//	r := vad.Detect(f)
//	for _, s := range r.Segments {
//		fmt.Println(s.Class, s.Start, s.End) // frames of 10 ms
//	}
package vad

import (
	"math"
	"slices"

	"github.com/podpipe/podpipe/align/mfcc"
)

// Class is what a frame holds.
type Class uint8

const (
	Silence Class = iota
	Speech
	Music
)

func (c Class) String() string {
	switch c {
	case Speech:
		return "speech"
	case Music:
		return "music"
	}
	return "silence"
}

// Segment is a run of frames [Start, End) of one class.
type Segment struct {
	Class      Class
	Start, End int
}

// Len returns the segment's length in frames.
func (s Segment) Len() int { return s.End - s.Start }

// Result is the classification of a signal.
type Result struct {
	Labels    []Class
	Segments  []Segment
	Threshold float32 // energy threshold in dB that separated sound from silence
	Floor     float32 // noise floor estimate, dB
	Peak      float32 // loud speech level estimate, dB
}

// Silent reports whether the signal holds no sound at all.
func (r *Result) Silent() bool {
	for _, s := range r.Segments {
		if s.Class != Silence {
			return false
		}
	}
	return true
}

// QuietDB is the level (dB) under which the loud of a signal (Peak) is
// silence: digital silence, or sound too faint to hear.
const QuietDB = -60

// SteadyDB is how far (dB) the loud of a signal must rise over its floor
// for it to hold anything but one steady sound (a tone, a hum, constant
// noise), which has no pauses and no speech.
const SteadyDB = 6

// Quiet reports whether the signal's loud is under QuietDB: it is silent.
func (r *Result) Quiet() bool { return r.Peak < QuietDB }

// Steady reports whether the signal's level stays within SteadyDB of its
// floor: one steady sound, or silence.
func (r *Result) Steady() bool { return r.Peak-r.Floor < SteadyDB }

// Count returns how many frames in [from, to) are of class c.
func (r *Result) Count(c Class, from, to int) int {
	n := 0
	for _, l := range r.Labels[max(from, 0):min(to, len(r.Labels))] {
		if l == c {
			n++
		}
	}
	return n
}

const (
	minGapFrames   = 6   // dips shorter than 60 ms are inside a word
	minSoundFrames = 4   // blips shorter than 40 ms are clicks
	musicWindow    = 25  // half-width of the window the music test looks at (250 ms)
	minMusicFrames = 100 // a music stretch lasts at least 1 s
	// Tonal music (sustained notes, pads) has a far peakier spectrum than
	// voiced speech; -1.7 is log10 of a flatness of 0.02.
	musicFlatness = -1.7
)

// Detect classifies every frame of f.
func Detect(f *mfcc.Features) *Result { return DetectTonal(f, nil) }

// TonalMusic is the median tonal persistence (over the music test's
// window) at and above which sound is music: the share of a spectrum's
// strong peaks that lasted 120 ms. Speech stays under it (its harmonics
// glide), music holds its notes above it, with or without a noise bed.
const TonalMusic = 0.4

// tonalAboveFloor is how far over the noise floor (dB) a frame must be for
// the tonal test to call it music.
const tonalAboveFloor = 6

// tonalHold is the persistence music keeps once TonalMusic found it.
const tonalHold = 0.25

// tonalFloor is the noise floor (dB) over which the tonal test is used.
const tonalFloor = -50

// DetectTonal is Detect with a second music test: tonal, when not nil,
// holds every frame's tonal persistence (0…1), which a loud noise bed
// does not hide as it hides the spectrum's flatness.
func DetectTonal(f *mfcc.Features, tonal []float32) *Result {
	n := f.Len()
	r := &Result{Labels: make([]Class, n)}
	if n == 0 {
		return r
	}
	sorted := slices.Clone(f.Energy)
	slices.Sort(sorted)
	// The floor from a low percentile: a talk show may be silent for
	// less than a tenth of its length.
	r.Floor = sorted[n/50]
	r.Peak = sorted[min(n-1, n*95/100)]
	// Nothing rises above digital or near-digital silence, or one steady
	// sound stays at one level: all silence.
	if r.Quiet() || r.Steady() {
		r.Threshold = r.Peak + 1
		r.Segments = []Segment{{Silence, 0, n}}
		return r
	}
	// Sound is what rises well above the floor, but speech's quiet
	// consonants sit 30 dB under its peaks: never ask for more than that.
	r.Threshold = max(r.Floor+12, r.Peak-30)

	active := make([]bool, n)
	for i, e := range f.Energy {
		active[i] = e > r.Threshold
	}
	fill(active, false, minGapFrames)  // short dips are sound
	fill(active, true, minSoundFrames) // short blips are silence

	// Within each sounding run, music is where the spectrum stays tonal.
	logFlat := make([]float32, n)
	for i, v := range f.Flatness {
		logFlat[i] = float32(math.Log10(float64(v) + 1e-6))
	}
	win := make([]float32, 0, 2*musicWindow+1)
	for i := 0; i < n; {
		if !active[i] {
			r.Labels[i] = Silence
			i++
			continue
		}
		j := i
		for j < n && active[j] {
			j++
		}
		for k := i; k < j; k++ {
			win = append(win[:0], logFlat[max(i, k-musicWindow):min(j, k+musicWindow+1)]...)
			if middle(win) < musicFlatness {
				r.Labels[k] = Music
			} else {
				r.Labels[k] = Speech
			}
		}
		i = j
	}
	// Music under a noise bed: the flatness test is blind there (the
	// noise fills the valleys between music's peaks), so the tonal test
	// takes over; and the music's quieter moments may fall under the
	// threshold, so it looks at every frame that rises above the floor
	// at all. Over a quiet floor it stays off: a speech engine's level
	// pitch can hold its harmonics like notes, and flatness suffices.
	// With hysteresis: music starts where the persistence reaches
	// TonalMusic and holds while it stays over tonalHold (a chord whose
	// notes are plucked rather than held lasts less).
	if len(tonal) == n && r.Floor > tonalFloor {
		med := make([]float32, n)
		for k := range n {
			win = append(win[:0], tonal[max(0, k-musicWindow):min(n, k+musicWindow+1)]...)
			med[k] = middle(win)
		}
		sounding := func(k int) bool { return f.Energy[k] >= r.Floor+tonalAboveFloor }
		for k := 0; k < n; {
			if med[k] < tonalHold {
				k++
				continue
			}
			j := k
			seeded := false
			for j < n && med[j] >= tonalHold {
				seeded = seeded || med[j] >= TonalMusic
				j++
			}
			if seeded {
				for i := k; i < j; i++ {
					if sounding(i) {
						r.Labels[i] = Music
					}
				}
			}
			k = j
		}
	}
	vetoSyllabic(f, r.Labels)
	relabel(r.Labels, Music, Speech, minMusicFrames)
	extendFades(f, r.Labels)
	r.Segments = segments(r.Labels)
	return r
}

// The syllabic test. Speech comes in syllables, three to eight a second,
// and between many of them the level drops far: a stop's closure, a gap
// between words. Music does not: a pad or a chord sustains under its
// notes, a plucked note rings into the next one, a drum's decay is covered
// by the rest of the band. A voice whose harmonics are few and strong (a
// high, level speaking voice; a speech engine) can make the spectrum as
// peaky as music's, and hold its pitch over a syllable as a note does; its
// gaps still give it away.
const (
	syllableWindow = 50 // half-width of the window the gaps are counted in (0.5 s)
	// A gap falls this many dB under the loudest frame of the window:
	// deeper than a plucked note's decay under its accompaniment, and
	// than a beat in a band.
	syllableGapDB = 20
	// This many gaps within syllableWindow, each with sound on both
	// sides, make a stretch speech: two a second is the slowest syllable
	// rate, and a fade, which sinks only once, never gives two.
	syllableGaps = 2
	// The median change of the cepstrum's shape (c1…c12, Euclidean, over
	// 20 ms) at and above which sound with a gap is speech. Over the
	// real-speech set's music it stays under 4.3 (95th percentile); a
	// level, peaky voice that the flatness test takes for music goes to 8
	// and more. Pure-tone notes over a weak pad reach 7.5, but the pad
	// never lets them fall into a gap.
	syllableChange = 6
)

// vetoSyllabic turns music back into speech where the sound breaks into
// syllables: where the window around a frame holds a valley before the
// frame and another after it, each a run of frames syllableGapDB under the
// window's loudest frame with louder sound on both sides (asking for one
// on each side keeps music's first and last frames music when speech is
// next to it: the speech's gaps are all on one side); or where the window
// holds one gap and the shape of the spectrum keeps changing (changing),
// for the syllables a voice runs together without a gap between them.
func vetoSyllabic(f *mfcc.Features, l []Class) {
	energy := f.Energy
	n := len(l)
	speechy := func(k int) bool {
		from, to := max(0, k-syllableWindow), min(n, k+syllableWindow+1)
		deep := slices.Max(energy[from:to]) - syllableGapDB
		before, after := 0, 0
		sound := false // louder sound came before
		start := -1    // first frame of the valley we are in
		for i := from; i < to; i++ {
			switch e := energy[i]; {
			case e < deep:
				if start < 0 && sound {
					start = i
				}
			case start >= 0:
				if start < k {
					before++
				} else {
					after++
				}
				start = -1
			default:
				sound = true
			}
		}
		if before > 0 && after > 0 && before+after >= syllableGaps {
			return true
		}
		return before+after > 0 && changing(f, k)
	}
	for k, c := range l {
		if c == Music && speechy(k) {
			l[k] = Speech
		}
	}
}

// changing reports whether the shape of the spectrum keeps changing around
// frame k as speech's does, its formants moving through every syllable:
// whether the median distance between cepstra (c1…c12) 20 ms apart, over
// the music test's window, reaches syllableChange. Music holds a shape for
// a note or a chord: over recorded music the median stays well under it.
func changing(f *mfcc.Features, k int) bool {
	n := f.Len()
	var d [2*musicWindow + 1]float64
	m := 0
	for i := max(2, k-musicWindow); i < min(n, k+musicWindow+1); i++ {
		a, b := f.MFCC(i), f.MFCC(i-2)
		var s float64
		for c := 1; c < mfcc.Coeffs; c++ {
			x := float64(a[c] - b[c])
			s += x * x
		}
		d[m] = s
		m++
	}
	if m == 0 {
		return false
	}
	slices.Sort(d[:m])
	return d[m/2] >= syllableChange*syllableChange
}

const (
	fadeBlock = 10  // frames compared at a time
	maxFade   = 300 // frames: fades longer than 3 s are not followed
)

// extendFades gives music its fades. As music fades in or out its tonal
// peaks sink into the noise and the flatness test calls it speech, so a
// turn after a cue would start inside the fade-out. The cepstrum's shape
// (c1…c12) does not depend on the level: sound that touches a music
// stretch and whose cepstra are nearer the stretch's mean than the mean of
// all speech is the music going on, fading; it is relabelled, a block of
// fadeBlock frames at a time, outwards from the music.
func extendFades(f *mfcc.Features, l []Class) {
	const dims = mfcc.Coeffs - 1
	var sm, sd [dims]float64
	n := 0
	for i, c := range l {
		if c != Speech {
			continue
		}
		for d := 0; d < dims; d++ {
			x := float64(f.Coef[i*mfcc.Coeffs+1+d]) / mfcc.CoefScale
			sm[d] += x
			sd[d] += x * x
		}
		n++
	}
	if n < 100 {
		return
	}
	for d := range sm {
		sm[d] /= float64(n)
		sd[d] = math.Sqrt(max(sd[d]/float64(n)-sm[d]*sm[d], 1e-9))
	}
	mean := func(from, to int) (m [dims]float64) {
		for i := from; i < to; i++ {
			for d := 0; d < dims; d++ {
				m[d] += float64(f.Coef[i*mfcc.Coeffs+1+d]) / mfcc.CoefScale
			}
		}
		for d := range m {
			m[d] /= float64(to - from)
		}
		return m
	}
	dist := func(a, b [dims]float64) float64 {
		var s float64
		for d := range a {
			x := (a[d] - b[d]) / sd[d]
			s += x * x
		}
		return s
	}
	musicLike := func(from, to int, music [dims]float64) bool {
		m := mean(from, to)
		return dist(m, music) < dist(m, sm)
	}
	for _, seg := range segments(l) {
		if seg.Class != Music {
			continue
		}
		mm := mean(seg.Start, seg.End)
		// Out: the fade-out.
		for i := seg.End; i+fadeBlock <= len(l) && i-seg.End < maxFade; i += fadeBlock {
			if l[i] != Speech || !musicLike(i, i+fadeBlock, mm) {
				break
			}
			for k := i; k < i+fadeBlock && l[k] == Speech; k++ {
				l[k] = Music
			}
		}
		// In: the fade-in.
		for i := seg.Start; i-fadeBlock >= 0 && seg.Start-i < maxFade; i -= fadeBlock {
			if l[i-1] != Speech || !musicLike(i-fadeBlock, i, mm) {
				break
			}
			for k := i - 1; k >= i-fadeBlock && l[k] == Speech; k-- {
				l[k] = Music
			}
		}
	}
}

// fill flips runs of value v shorter than minLen to !v, leaving runs at the
// edges alone.
func fill(a []bool, v bool, minLen int) {
	for i := 0; i < len(a); {
		j := i
		for j < len(a) && a[j] == a[i] {
			j++
		}
		if a[i] == v && i > 0 && j < len(a) && j-i < minLen {
			for k := i; k < j; k++ {
				a[k] = !v
			}
		}
		i = j
	}
}

// relabel turns runs of class from shorter than minLen into class to.
func relabel(l []Class, from, to Class, minLen int) {
	for i := 0; i < len(l); {
		j := i
		for j < len(l) && l[j] == l[i] {
			j++
		}
		if l[i] == from && j-i < minLen {
			for k := i; k < j; k++ {
				l[k] = to
			}
		}
		i = j
	}
}

func segments(l []Class) []Segment {
	var s []Segment
	for i := 0; i < len(l); {
		j := i
		for j < len(l) && l[j] == l[i] {
			j++
		}
		s = append(s, Segment{l[i], i, j})
		i = j
	}
	return s
}

// middle returns the element that sorting a would put at len(a)/2,
// reordering a: a selection, not a sort, for the medians taken at every
// frame.
func middle(a []float32) float32 {
	k := len(a) / 2
	lo, hi := 0, len(a)-1
	for lo < hi {
		p := a[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}
