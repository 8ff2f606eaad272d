package transcript

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Proportional is the Timer used when nothing better is known: it spreads
// the audio's duration over the units in proportion to their Weight (cues
// count as a few seconds of music), keeping every anchored start where the
// editor put it. Sections start with their first unit unless anchored.
//
// It leaves a transcript whose times came with its source alone.
type Proportional struct{}

var _ Timer = Proportional{}

// cueWeight is what a non-speech cue counts for: jingles and applause are
// short but not instant, and their text ("音樂") says nothing of their length.
const cueWeight = 8

// Time implements Timer.
func (Proportional) Time(ctx context.Context, t *Transcript, audio Audio) error {
	if t.Timing == Source {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if audio.Duration <= 0 {
		return errors.New("transcript: proportional timing needs the audio's duration")
	}
	n := len(t.Units)
	if n == 0 {
		return fmt.Errorf("transcript: %w", ErrNoSpeech)
	}

	// fixed[i] is the anchored start of unit i, or -1. A section anchor
	// fixes the start of the section's first unit.
	fixed := make([]time.Duration, n)
	lines := make([]int, n)
	for i, u := range t.Units {
		fixed[i], lines[i] = -1, u.Line
		if u.Anchor {
			fixed[i] = u.Start
		}
	}
	for _, s := range t.Sections {
		if s.Anchor && s.Unit < n && fixed[s.Unit] < 0 {
			fixed[s.Unit], lines[s.Unit] = s.Start, s.Line
		}
	}
	prev, prevLine := time.Duration(-1), 0
	for i, f := range fixed {
		if f < 0 {
			continue
		}
		if f <= prev {
			return Errorf("", lines[i], "anchor %s is not after the anchor %s on line %d: %w",
				FormatClock(f), FormatClock(prev), prevLine, ErrOrder)
		}
		if f >= audio.Duration {
			return Errorf("", lines[i], "anchor %s is at or after the end of the audio (%s)",
				FormatClock(f), FormatClock(audio.Duration))
		}
		prev, prevLine = f, lines[i]
	}
	// A heading's anchor must fall between the anchors around it too, or its
	// chapter would start inside an earlier turn, or after its first one.
	for _, s := range t.Sections {
		if !s.Anchor {
			continue
		}
		for j := min(s.Unit, n) - 1; j >= 0; j-- {
			if fixed[j] >= 0 {
				if s.Start <= fixed[j] {
					return Errorf("", s.Line, "anchor %s is not after the anchor %s on line %d: %w",
						FormatClock(s.Start), FormatClock(fixed[j]), lines[j], ErrOrder)
				}
				break
			}
		}
		if s.Unit < n && fixed[s.Unit] >= 0 && fixed[s.Unit] < s.Start {
			return Errorf("", s.Line, "anchor %s is after the anchor %s of the first turn under it, on line %d: %w",
				FormatClock(s.Start), FormatClock(fixed[s.Unit]), lines[s.Unit], ErrOrder)
		}
		if s.Start >= audio.Duration {
			return Errorf("", s.Line, "anchor %s is at or after the end of the audio (%s)",
				FormatClock(s.Start), FormatClock(audio.Duration))
		}
	}

	// Time each stretch between two anchors (or the ends) on its own.
	from, start := 0, time.Duration(0)
	if fixed[0] >= 0 {
		start = fixed[0]
	}
	for i := 1; i <= n; i++ {
		if i < n && fixed[i] < 0 {
			continue
		}
		end := audio.Duration
		if i < n {
			end = fixed[i]
		}
		if err := spread(t.Units[from:i], start, end); err != nil {
			return err
		}
		from, start = i, end
	}

	for i := range t.Units {
		u := &t.Units[i]
		u.Anchor = fixed[i] >= 0 && u.Anchor
		u.Confidence = 0
		u.Sentences = nil // their times were someone else's
		if fixed[i] >= 0 {
			u.Confidence = 1
		}
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		if s.Anchor {
			continue
		}
		if s.Unit < n {
			s.Start = t.Units[s.Unit].Start
		} else {
			s.Start = t.Units[n-1].End
		}
	}
	t.Timing = Estimated
	return nil
}

// spread times units over [start, end) in proportion to their weights, on
// whole milliseconds so that what the writers print is what was computed.
func spread(units []Unit, start, end time.Duration) error {
	weights := make([]float64, len(units))
	total := 0.0
	for i, u := range units {
		weights[i] = Weight(u.Text)
		if u.Kind == Cue {
			weights[i] = max(weights[i], cueWeight)
		}
		total += weights[i]
	}
	span := end - start
	if span < time.Duration(len(units))*time.Millisecond {
		return Errorf("", units[0].Line, "%d units cannot fit in %s", len(units), span)
	}
	cum := 0.0
	at := start
	for i := range units {
		units[i].Start = at
		cum += weights[i]
		next := end
		if i < len(units)-1 {
			next = start + (time.Duration(float64(span) * cum / total)).Round(time.Millisecond)
			// Keep at least a millisecond for this unit and every later one.
			next = max(next, at+time.Millisecond)
			next = min(next, end-time.Duration(len(units)-1-i)*time.Millisecond)
		}
		units[i].End = next
		at = next
	}
	return nil
}
