package chapters

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// IntroTitle is the title of the chapter Validate inserts at 00:00:00 when
// the first chapter starts later. A show may set it in its own language.
var IntroTitle = "Intro"

// Validate checks a chapter list against the audio's duration and returns
// the corrected list every writer expects:
//
//   - sorted by start (a warning when the input was not);
//   - a first chapter at 0 (IntroTitle inserted, with a warning, when the
//     first starts later: Apple and the JSON chapters spec want one at 0);
//   - End filled from the next chapter's start, or the duration for the
//     last; an End past the duration is cut to it (a warning).
//
// These are errors, all reported at once with the chapter's Pos: no
// chapters, an empty title, a start at or after the duration, an end before
// its start, two chapters at the same start. A duration of 0 means unknown:
// starts are then not checked against it and the last End stays open.
// The input is not modified.
func Validate(list []Chapter, duration time.Duration) (fixed []Chapter, warnings []string, err error) {
	if len(list) == 0 {
		return nil, nil, fmt.Errorf("chapters: %w", ErrEmpty)
	}
	fixed = slices.Clone(list)
	where := func(i int) string {
		if fixed[i].Pos != "" {
			return fixed[i].Pos
		}
		return fmt.Sprintf("chapter %d", i+1)
	}
	var errs []error
	for i := range fixed {
		c := &fixed[i]
		c.Title = strings.TrimSpace(c.Title)
		switch {
		case c.Start < 0:
			errs = append(errs, fmt.Errorf("%s: chapter %q starts before 0", where(i), c.Title))
		case transcript.CheckTime(max(c.Start, c.End)) != nil:
			errs = append(errs, fmt.Errorf("%s: chapter %q: %w", where(i), c.Title, transcript.CheckTime(max(c.Start, c.End))))
		case c.Title == "":
			errs = append(errs, fmt.Errorf("%s: the chapter at %s has no title", where(i), transcript.FormatTimestamp(c.Start)))
		}
		// Chapters read from an MP3's tags or a front matter reach
		// here without Parse's check.
		if err := checkLinks(*c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where(i), err))
		}
		if c.End != 0 && c.End <= c.Start {
			errs = append(errs, fmt.Errorf("%s: chapter %q ends at %s, not after its start %s", where(i), c.Title, transcript.FormatTimestamp(c.End), transcript.FormatTimestamp(c.Start)))
		}
		if duration > 0 && c.Start >= duration {
			errs = append(errs, fmt.Errorf("%s: chapter %q starts at %s, after the end of the audio (%s)", where(i), c.Title, transcript.FormatTimestamp(c.Start), transcript.FormatTimestamp(duration)))
		}
	}
	byStart := func(a, b Chapter) int { return cmp.Compare(a.Start, b.Start) }
	if !slices.IsSortedFunc(fixed, byStart) {
		slices.SortStableFunc(fixed, byStart)
		warnings = append(warnings, "the chapters were not in time order: sorted them")
	}
	for i := 1; i < len(fixed); i++ {
		if fixed[i].Start == fixed[i-1].Start {
			errs = append(errs, fmt.Errorf("%s: chapter %q starts at %s, as %q does", where(i), fixed[i].Title, transcript.FormatTimestamp(fixed[i].Start), fixed[i-1].Title))
		}
	}
	if len(errs) > 0 {
		return nil, warnings, fmt.Errorf("chapters: %w", errors.Join(errs...))
	}
	if fixed[0].Start > 0 {
		fixed = slices.Insert(fixed, 0, Chapter{Title: IntroTitle})
		warnings = append(warnings, fmt.Sprintf("no chapter starts at 00:00:00: inserted %q before %q (%s)", IntroTitle, fixed[1].Title, transcript.FormatTimestamp(fixed[1].Start)))
	}
	for i := range fixed {
		c := &fixed[i]
		next := duration
		if i+1 < len(fixed) {
			next = fixed[i+1].Start
		}
		switch {
		case c.End == 0:
			c.End = next
		case duration > 0 && c.End > duration:
			warnings = append(warnings, fmt.Sprintf("%s: chapter %q ends at %s, after the end of the audio: cut to %s", where(i), c.Title, transcript.FormatTimestamp(c.End), transcript.FormatTimestamp(duration)))
			c.End = duration
		}
	}
	return fixed, warnings, nil
}

// Equal reports whether two chapter lists say the same to a listener:
// the same starts, ends, titles, links, images and visibility, in the same
// order. Pos is ignored, so that a list read from another source compares
// equal when nothing an app shows changed.
func Equal(a, b []Chapter) bool {
	return slices.EqualFunc(a, b, func(x, y Chapter) bool {
		x.Pos, y.Pos = "", ""
		return x == y
	})
}
