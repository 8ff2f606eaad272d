package pipeline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
)

// The checks that keep an episode out of a feed that would fail
// validation, made before anything is built or uploaded.

// checkPublishable reports what keeps a loaded episode out of the show's
// feed. A serial show's episodes are listened to in order: Apple requires
// itunes:episode on every item, and a feed without it fails validation.
func checkPublishable(e *episode, serial bool, configFile string) error {
	if serial && e.t.Episode <= 0 && e.number <= 0 {
		return fmt.Errorf("%s: the show is serial (show.type in %s), which numbers every episode: set episode in the front matter or start the file name with its number (01-%s)", e.md.name, rel(configFile), e.slug)
	}
	if err := checkSoundbites(e); err != nil {
		return err
	}
	// The language goes into every podcast:transcript as it is.
	if lang := e.t.Language; lang != "" {
		if err := rules.CheckLanguage(lang); err != nil {
			return fmt.Errorf("%s: language: %w", e.md.name, err)
		}
	}
	return nil
}

// checkGUIDs refuses a front matter guid that another episode already has,
// published or in this batch (an episode copied with its front matter):
// apps key episodes by guid and would merge the two or drop one. An
// episode published before keeps the guid it has.
func checkGUIDs(eps []*episode, old *manifest.Manifest) error {
	owner := map[string]string{} // guid → slug
	for _, e := range old.Episodes {
		owner[e.GUID] = e.Slug
	}
	for _, e := range eps {
		g := e.t.GUID
		if prev := old.Find(e.slug); prev != nil && prev.GUID != "" {
			g = prev.GUID
		}
		if g == "" {
			continue
		}
		if s, ok := owner[g]; ok && s != e.slug {
			return fmt.Errorf("%s: guid %q is already the guid of episode %s: every episode needs its own, or apps merge the two or drop one", e.md.name, g, s)
		}
		owner[g] = e.slug
	}
	return nil
}

// checkSerial refuses to render a serial show's feed while a published
// episode (other than those in batch, which are being republished) has no
// number: Apple requires itunes:episode on every item of a serial show. It
// happens when show.type changes to serial after episodes were published.
func checkSerial(m *manifest.Manifest, batch map[string]bool, serial bool, configFile string) error {
	return checkSerialOf(feed.Episodes(m.Episodes), batch, serial, configFile)
}

// checkSerialOf is checkSerial of the episodes of src.
func checkSerialOf(src feed.Source, batch map[string]bool, serial bool, configFile string) error {
	if !serial {
		return nil
	}
	var missing []string
	for i := range src.Len() {
		if e := src.Summary(i); e.Number <= 0 && !batch[e.Slug] {
			missing = append(missing, e.Slug)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("the show is serial (show.type in %s), which numbers every episode, but the published %s have no number: set episode in their front matter and publish them again, or unpublish them", rel(configFile), strings.Join(missing, ", "))
}

// checkEpisode reports every problem of a loaded episode that shows
// without decoding its audio: what keeps it out of the feed, its chapters
// when a chapters file or the front matter gives them (checked against
// the audio's probed duration), and its own artwork. Chapters from the
// transcript's headings or a suggestion need it timed: they are checked
// when it is.
func checkEpisode(e *episode, serial bool, cfg *config.Config) []error {
	var problems []error
	if err := checkPublishable(e, serial, cfg.File); err != nil {
		problems = append(problems, err)
	}
	problems = append(problems, checkAnchors(e)...)
	if !needsTiming(e) {
		if _, err := resolveChapters(e, cfg.Show.Language); err != nil {
			problems = append(problems, err)
		}
	}
	if e.image.ok() {
		if _, err := artwork(e.image); err != nil {
			problems = append(problems, err)
		}
	}
	return problems
}

// checkAnchors reports every editor's [mm:ss] anchor, of a turn or a
// heading, at or after the end of the audio's probed duration, which no
// timer can honour.
func checkAnchors(e *episode) []error {
	if e.t.Timing == transcript.Source {
		return nil // a timed format's times, checked as it is read
	}
	type anchor struct {
		line  int
		start time.Duration
	}
	var late []anchor
	for _, u := range e.t.Units {
		if u.Anchor && u.Start >= e.info.Duration {
			late = append(late, anchor{u.Line, u.Start})
		}
	}
	for _, s := range e.t.Sections {
		if s.Anchor && s.Start >= e.info.Duration {
			late = append(late, anchor{s.Line, s.Start})
		}
	}
	slices.SortFunc(late, func(a, b anchor) int { return cmp.Compare(a.line, b.line) })
	var problems []error
	for _, a := range late {
		problems = append(problems, transcript.Errorf(e.md.name, a.line, "anchor %s is at or after the end of the audio (%s)",
			transcript.FormatClock(a.start), transcript.FormatClock(e.info.Duration)))
	}
	return problems
}
