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
	minGapFrames   = 6  // dips shorter than 60 ms are inside a word
	minSoundFrames = 4  // blips shorter than 40 ms are clicks
	musicWindow    = 25 // half-width of the window the music test looks at (250 ms)
	minMusicFrames = 50 // a music stretch lasts at least 0.5 s
	// Tonal music (sustained notes, pads) has a far peakier spectrum than
	// voiced speech; -1.7 is log10 of a flatness of 0.02.
	musicFlatness = -1.7
)

// Detect classifies every frame of f.
func Detect(f *mfcc.Features) *Result {
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
	// Nothing rises above digital or near-digital silence: all silence.
	if r.Peak < -60 || r.Peak-r.Floor < 6 {
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
			slices.Sort(win)
			if win[len(win)/2] < musicFlatness {
				r.Labels[k] = Music
			} else {
				r.Labels[k] = Speech
			}
		}
		i = j
	}
	relabel(r.Labels, Music, Speech, minMusicFrames)
	r.Segments = segments(r.Labels)
	return r
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
