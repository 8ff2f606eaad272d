package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/chapters/suggest"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/transcript"
)

// chapterList is an episode's chapters, checked, and where they came from
// (step 3, chapters).
type chapterList struct {
	list     []chapters.Chapter
	source   string // a file, the transcript's "(front matter)" or "(headings)", the audio's "(embedded)", or "none"
	warnings []string
}

// headingLeadIn is how late the first heading's chapter may start and
// still be taken as the start of the episode.
const headingLeadIn = 5 * time.Second

// resolveChapters picks the episode's chapters by precedence: a chapters
// file beside the episode, then the front matter, then the transcript's
// headings when it has two spoken sections or more, then chapters already
// embedded in the source MP3, then chapters suggested from the transcript
// (none for an episode of show notes only: nothing was said to suggest
// them from).
// A single chapter covering the episode is never the result: it is
// dropped with a warning. The transcript must be timed. showLanguage titles an added first chapter for
// an episode that does not say its language.
func resolveChapters(e *episode, showLanguage string) (chapterList, error) {
	var ch chapterList
	var list []chapters.Chapter
	switch {
	case e.chapters.ok():
		f, err := os.Open(e.chapters.path)
		if err != nil {
			return ch, fmt.Errorf("%s: %w", e.chapters.name, unwrapPath(err))
		}
		list, err = chapters.Parse(e.chapters.name, f)
		f.Close()
		if err != nil {
			return ch, err
		}
		ch.source = e.chapters.name
	case len(e.t.Chapters) > 0:
		list = chapters.FromMarks(e.t.Chapters)
		ch.source = e.md.name + " (front matter)"
	case spokenSections(e.t) >= 2:
		list = chapters.FromTranscript(e.t)
		ch.source = e.md.name + " (headings)"
		// Errors about a heading's chapter name its line.
		i := 0
		for _, s := range e.t.Sections {
			if !s.Notes && i < len(list) {
				list[i].Pos = fmt.Sprintf("%s:%d", e.md.name, s.Line)
				i++
			}
		}
		// The first heading's chapter covers the silence or jingle before
		// its first word: start it at 0 rather than add a chapter of a
		// few seconds before it.
		if len(list) > 0 && list[0].Start < headingLeadIn {
			list[0].Start = 0
		}
	default:
		// One spoken section (the editors' single 對談內容) would be one
		// chapter covering the whole episode: chapters embedded in the
		// source MP3, else chapters suggested from the transcript.
		if e.audio.ext() == ".mp3" {
			f, err := os.Open(e.audio.path)
			if err != nil {
				return ch, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
			}
			list, err = id3.ReadChapters(f)
			f.Close()
			if err != nil {
				return ch, fmt.Errorf("%s: %w", e.audio.name, err)
			}
			ch.source = e.audio.name + " (embedded)"
		}
		if len(list) < 2 && hasSpeech(e.t) {
			list = suggest.Chapters(e.t, e.info.Duration, suggest.Options{})
			ch.source = e.md.name + " " + SuggestedSource
		}
	}
	if len(list) == 0 {
		ch.source = "none"
		return ch, nil
	}
	// Every chapter names where it was read, so that each problem
	// Validate reports names its file once: a chapters file's lines
	// (Parse) and the headings already do.
	for i := range list {
		if list[i].Pos == "" {
			list[i].Pos = fmt.Sprintf("%s: chapter %d", ch.source, i+1)
		}
	}
	list, added := withIntro(list, cmp.Or(e.t.Language, showLanguage))
	if added != "" {
		ch.warnings = append(ch.warnings, fmt.Sprintf("%s: no chapter starts at 00:00:00: added %q", ch.source, added))
	}
	fixed, warns, err := chapters.Validate(list, e.info.Duration)
	if err != nil {
		return ch, chapterProblems(ch.source, err)
	}
	if e.audio.ext() == ".mp3" {
		// Say it here, where chapters show says it too, not only when
		// the MP3 is tagged.
		visible := 0
		for i, c := range fixed {
			if c.Hidden {
				continue
			}
			if visible++; visible > id3.MaxTOCEntries {
				where := c.Pos
				if where == "" {
					where = fmt.Sprintf("%s: chapter %d", ch.source, i+1)
				}
				return ch, fmt.Errorf("%s: more than %d chapters for the MP3's table of contents (CTOC): hide some (toc: false) or merge them", where, id3.MaxTOCEntries)
			}
		}
	}
	for _, w := range warns {
		if !positioned(w, list) {
			w = ch.source + ": " + w
		}
		ch.warnings = append(ch.warnings, w)
	}
	if visible(fixed) < 2 {
		// A listener can jump nowhere, and Apple shows the feed's
		// chapters instead of its own.
		ch.warnings = append(ch.warnings, ch.source+": one chapter covering the whole episode is not published")
		ch.source = "none"
		return ch, nil
	}
	ch.list = fixed
	return ch, nil
}

// chapterProblems is Validate's error with each problem on a line of its
// own, each naming its chapter's position (file and line, or file and
// chapter number) once: Validate's own "chapters: " prefix, before the
// first problem only, said nothing the position does not.
func chapterProblems(source string, err error) error {
	var list interface{ Unwrap() []error }
	if errors.As(err, &list) {
		return errors.Join(list.Unwrap()...)
	}
	// No chapters at all: no chapter to name.
	return fmt.Errorf("%s: %w", source, err)
}

// positioned says whether a warning of Validate starts with the position
// of one of the chapters, which names the file.
func positioned(w string, list []chapters.Chapter) bool {
	for _, c := range list {
		if c.Pos != "" && strings.HasPrefix(w, c.Pos+":") {
			return true
		}
	}
	return false
}

// SuggestedSource is how a chapter source says the chapters were
// suggested from the transcript (chapters show prints it after the
// transcript's name).
const SuggestedSource = "(suggested from the transcript)"

// spokenSections counts the transcript's sections that hold speech: each
// is a chapter.
func spokenSections(t *transcript.Transcript) int {
	n := 0
	for _, s := range t.Sections {
		if !s.Notes {
			n++
		}
	}
	return n
}

// needsTiming says whether the episode's chapters come from its timed
// transcript (its headings or a suggestion), not a chapters file or the
// front matter.
func needsTiming(e *episode) bool {
	return !e.chapters.ok() && len(e.t.Chapters) == 0
}

func visible(list []chapters.Chapter) int {
	n := 0
	for _, c := range list {
		if !c.Hidden {
			n++
		}
	}
	return n
}

// withIntro adds a chapter at 0 when none starts there (players and Apple
// expect the first chapter at 00:00:00), titled in the language lang, and
// returns the title it added, or "".
func withIntro(list []chapters.Chapter, lang string) ([]chapters.Chapter, string) {
	for _, c := range list {
		if c.Start == 0 {
			return list, ""
		}
	}
	title := "Intro"
	switch strings.ToLower(strings.SplitN(lang, "-", 2)[0]) {
	case "zh", "cmn", "yue":
		title = "開場"
	case "ja":
		title = "オープニング"
	}
	return append([]chapters.Chapter{{Title: title}}, list...), title
}

// Suggestion is what Suggest proposes for an episode.
type Suggestion struct {
	Chapters []chapters.Chapter // nil when the episode is too short for two
	Timing   string             // how the transcript was timed
	Warnings []string
}

// Suggest proposes chapters for an episode from its timed transcript,
// whatever chapters it has: the list an editor starts from.
func (p *Pipeline) Suggest(ctx context.Context, arg string) (*Suggestion, error) {
	e, err := p.loadEpisode(arg)
	if err != nil {
		return nil, err
	}
	how, err := p.timing().time(ctx, e)
	if err != nil {
		return nil, err
	}
	return &Suggestion{Chapters: suggest.Chapters(e.t, e.info.Duration, suggest.Options{}), Timing: how.description, Warnings: how.warnings}, nil
}
