// Package ttest holds what the transcript format tests share: the check
// that a transcript survived a trip through a timed format.
//
//	t2, _ := webvtt.Read("x", &buf) // after webvtt.Write(&buf, t1)
//	if err := ttest.Equivalent(t1, t2); err != nil { … }
package ttest

import (
	"fmt"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// Equivalent reports how b differs from a, where b was read back from what
// a was written as. A writer may cut a unit into several cues, so each unit
// of a must match a run of units of b: same kind and speaker, texts that
// Join into a's text, starting at a's start and ending at a's end (on whole
// milliseconds). The timing kind must match too.
func Equivalent(a, b *transcript.Transcript) error {
	if a.Timing != b.Timing {
		return fmt.Errorf("timing %v, read back as %v", a.Timing, b.Timing)
	}
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	j := 0
	for i, u := range a.Units {
		if j >= len(b.Units) {
			return fmt.Errorf("unit %d (%q) is missing", i, u.Text)
		}
		first := b.Units[j]
		if first.Kind != u.Kind || first.Speaker != u.Speaker {
			return fmt.Errorf("unit %d: kind %d speaker %q, read back as kind %d speaker %q (text %q / %q)",
				i, u.Kind, u.Speaker, first.Kind, first.Speaker, u.Text, first.Text)
		}
		if ms(first.Start) != ms(u.Start) {
			return fmt.Errorf("unit %d (%q): starts at %v, read back at %v", i, u.Text, u.Start, first.Start)
		}
		text := ""
		for ; j < len(b.Units); j++ {
			v := b.Units[j]
			if v.Kind != u.Kind || v.Speaker != u.Speaker || len(text) >= len(u.Text) {
				break
			}
			text = transcript.Join(text, v.Text)
			if ms(v.End) == ms(u.End) && text == u.Text {
				j++
				break
			}
		}
		if text != u.Text {
			return fmt.Errorf("unit %d: text %q, read back as %q", i, u.Text, text)
		}
		if ms(b.Units[j-1].End) != ms(u.End) {
			return fmt.Errorf("unit %d (%q): ends at %v, read back at %v", i, u.Text, u.End, b.Units[j-1].End)
		}
	}
	if j != len(b.Units) {
		return fmt.Errorf("%d extra units read back, the first %q", len(b.Units)-j, b.Units[j].Text)
	}
	return nil
}
