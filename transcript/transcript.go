// Package transcript is podpipe's model of an episode transcript: the
// episode's metadata, its sections (which become chapters) and its ordered
// units of speech and non-speech cues, each with a start and an end once timed.
//
// Readers (the editors' Markdown, WebVTT, SRT, Podcast Index JSON, Whisper
// JSON) fill a *Transcript; writers render one to an io.Writer. Timing is
// done by a Timer: the proportional estimator here, or the aligner in
// package align.
//
//	t, err := markdown.Parse("episodes/01-x.md", src)
//	err = transcript.Proportional{}.Time(ctx, t, transcript.Audio{Duration: d})
package transcript

import (
	"context"
	"time"
)

// Person is someone on the episode: a host or a guest.
type Person struct {
	Name string
	Role string // free text from the source, e.g. "CTO at Example"; may be empty
}

// Link is a link to a sibling episode (the editors' previous/next links).
type Link struct {
	Rel    string // "prev" or "next"
	Title  string // link text, entities decoded, arrows and labels kept
	Target string // the href as written, e.g. "./02-next.md"
	Slug   string // the sibling episode's slug derived from Target, e.g. "02-next"
}

// Kind tells speech from non-speech cues.
type Kind uint8

const (
	Speech Kind = iota // a speaker's words
	Cue                // music, applause, laughter: "*(音樂)*" in the Markdown
)

// Unit is one timed piece of the transcript: a speaker turn (or the
// continuation paragraph of one) or a cue.
type Unit struct {
	Kind    Kind
	Speaker string // empty for cues and for unattributed speech
	Text    string // plain text: inline markup removed, entities decoded
	HTML    string // the same text as inline HTML (escaped; emphasis and code kept)
	Section int    // index into Transcript.Sections, -1 before the first section
	Line    int    // 1-based source line, for error messages

	Start, End time.Duration
	Anchor     bool    // Start was fixed by the source ([mm:ss] anchor or a timed format)
	Confidence float64 // 0..1 from the timer; 1 for anchored or source-timed units

	// Sentences are the unit's sentences, each timed to the voice, when an
	// aligner timed a turn of two or more sentences; nil otherwise. Their
	// texts joined make Text; captions split within a sentence's span.
	Sentences []Span
}

// Span is a timed piece of a unit's text.
type Span struct {
	Text       string
	Start, End time.Duration
}

// Section is a ## or ### heading of the transcript; sections become chapters.
type Section struct {
	Title  string
	Level  int // 2 for ##, 3 for ###
	Unit   int // index of the first unit at or after the heading (len(Units) if none)
	Line   int
	Start  time.Duration
	Anchor bool // Start fixed by an editor's [mm:ss] anchor in the heading
	// Notes is true for sections that hold show notes only (no units), such
	// as 前言 and 背景資訊; they are not chapters.
	Notes bool
}

// ChapterMark is a chapter given in the Markdown's front matter.
type ChapterMark struct {
	Start time.Duration
	Title string
	URL   string
	Image string
}

// Timing says where a transcript's times come from.
type Timing uint8

const (
	Untimed   Timing = iota // no times yet
	Source                  // times came with the source (a timed format)
	Estimated               // spread over the duration in proportion to length
	Aligned                 // aligned to the audio by package align
)

func (t Timing) String() string {
	switch t {
	case Source:
		return "source"
	case Estimated:
		return "estimated"
	case Aligned:
		return "aligned"
	}
	return "untimed"
}

// Transcript is one episode's transcript and the metadata its source carries.
type Transcript struct {
	Title    string
	Date     time.Time // zero when unknown
	Hosts    []Person
	Guests   []Person
	Language string // BCP 47, e.g. "zh-TW"; empty means the show's
	Episode  int    // 0 when unknown
	Season   int
	Explicit *bool
	Audio    string // audio file named by front matter, relative to the source
	Image    string
	GUID     string
	// EpisodeType is itunes:episodeType: "full" (also when empty),
	// "trailer" or "bonus".
	EpisodeType string

	Description string // show notes as plain text (paragraphs separated by blank lines)
	NotesHTML   string // show notes as HTML (<p>, <ul>, <li>, <a>, <strong>, <em>)

	Sections []Section
	Units    []Unit
	Links    []Link
	Chapters []ChapterMark // from front matter; nil when none
	Feed     FeedTags      // from front matter

	Timing Timing
}

// Speakers returns the distinct speaker names in order of first appearance.
func (t *Transcript) Speakers() []string {
	var names []string
	seen := map[string]bool{}
	for _, u := range t.Units {
		if u.Speaker != "" && !seen[u.Speaker] {
			seen[u.Speaker] = true
			names = append(names, u.Speaker)
		}
	}
	return names
}

// Audio is what a Timer times a transcript against.
type Audio struct {
	Path     string        // the audio file; may be empty for timers that need only the duration
	Duration time.Duration // the audio's exact duration
}

// Timer sets Start and End of every unit and section of t (keeping anchored
// ones), and sets t.Timing. Implementations: Proportional, and align.Aligner.
type Timer interface {
	Time(ctx context.Context, t *Transcript, audio Audio) error
}
