package pipeline

import (
	"context"
	"path/filepath"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

// Editing is what the chapter editor shows of an episode: its audio, its
// transcript timed as a publish would time it, and its chapters as a
// publish would resolve them.
type Editing struct {
	Slug       string
	Title      string
	Audio      string // the source audio, links resolved: what the editor plays
	AudioName  string // the audio as the show names it, for messages
	Duration   time.Duration
	Transcript *transcript.Transcript // timed
	Timing     string                 // how it was timed: "aligned to the audio, tier tts", …

	Chapters       []chapters.Chapter // resolved and checked, as a publish would tag them
	ChaptersSource string             // a file, "(front matter)", "(headings)", "(embedded)" or "none"
	// ChaptersFile is the file the editor saves: <slug>.chapters.txt
	// beside the transcript, the source that takes precedence over every
	// other.
	ChaptersFile string

	Warnings []string
}

// Edit loads and times the episode arg names (a slug or a path) for the
// chapter editor. Nothing is written.
func (p *Pipeline) Edit(ctx context.Context, arg string) (*Editing, error) {
	e, err := p.loadEpisode(arg)
	if err != nil {
		return nil, err
	}
	how, err := p.timing().time(ctx, e)
	if err != nil {
		return nil, err
	}
	chs, err := resolveChapters(e, p.cfg.Show.Language)
	if err != nil {
		return nil, err
	}
	return &Editing{
		Slug:           e.slug,
		Title:          e.t.Title,
		Audio:          e.audio.path,
		AudioName:      e.audio.name,
		Duration:       e.info.Duration,
		Transcript:     e.t,
		Timing:         how.description,
		Chapters:       chs.list,
		ChaptersSource: chs.source,
		ChaptersFile:   filepath.Join(e.dir, e.slug+".chapters.txt"),
		Warnings:       concat(how.warnings, chs.warnings),
	}, nil
}
