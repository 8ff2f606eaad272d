package pipeline

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/transcript/formats"
)

// rendered is every file an episode publishes, and its manifest record
// (step 5, render).
type rendered struct {
	artifacts []*artifact // in upload order, the audio of the tag step among them
	episode   manifest.Episode
	warnings  []string
}

// render writes into work the episode's files besides its audio: its
// artwork, the chapters JSON, the transcripts and the HTML page, which
// plays audio. The show's title goes into the chapters JSON and the page,
// with its cover, home page and feed.
func render(e *episode, chs chapterList, audio *artifact, show pageSite, work string) (*rendered, error) {
	showTitle := show.title
	r := &rendered{}
	dir := episodeDir(e.slug)
	newArt := func(role, name string) *artifact {
		a := &artifact{role: role, path: filepath.Join(work, e.slug+"."+name)}
		r.artifacts = append(r.artifacts, a)
		return a
	}

	// Artwork: the episode's own, else none (the show's cover stands in).
	var image *artifact
	if e.image.ok() {
		art, err := artwork(e.image)
		if err != nil {
			return nil, err
		}
		ext := e.image.ext()
		image = newArt("image", "image"+ext)
		if err := copyFile(image.path, e.image.path); err != nil {
			return nil, fmt.Errorf("%s: %w", e.image.name, unwrapPath(err))
		}
		image.contentType = art.MIME()
		if msg := art.Advice(); msg != "" {
			r.warnings = append(r.warnings, e.image.name+": "+msg)
		}
		if err := image.finish(dir, e.slug, ext, true); err != nil {
			return nil, err
		}
	}

	var chJSON *artifact
	if len(chs.list) > 0 {
		chJSON = newArt("chapters", "chapters.json")
		err := writeFile(chJSON.path, func(w io.Writer) error {
			return chapters.WriteJSON(w, chs.list, chapters.JSONMeta{Title: e.t.Title, PodcastName: showTitle})
		})
		if err != nil {
			return nil, err
		}
		chJSON.contentType = "application/json+chapters"
		if err := chJSON.finish(dir, e.slug, ".chapters.json", true); err != nil {
			return nil, err
		}
	}

	r.artifacts = append(r.artifacts, audio)

	var trs []manifest.Transcript
	var captions *artifact
	// An episode of show notes only publishes no transcript: empty VTT,
	// SRT, JSON and text files would be noise in apps.
	speech := hasSpeech(e.t)
	for _, f := range formats.Published() {
		if f.Name == formats.HTML || !speech {
			continue
		}
		a := newArt(f.Name, f.Name)
		if err := writeFile(a.path, func(w io.Writer) error { return f.Write(w, e.t, formats.Options{}) }); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", e.md.name, f.Name, err)
		}
		a.contentType = f.ContentType()
		if err := a.finish(dir, e.slug, f.Ext(), true); err != nil {
			return nil, err
		}
		trs = append(trs, manifest.Transcript{Object: a.object(), Format: f.Name})
		if f.Name == formats.VTT {
			captions = a
		}
	}

	// The HTML page, under a stable name other pages link to.
	pageFormat := formats.ByName(formats.HTML)
	page := newArt("page", formats.HTML)
	opts := formats.Options{
		AudioURL:  pageLink(audio.key),
		Chapters:  chapters.Marks(chs.list),
		ShowTitle: showTitle,
	}
	if show.urlFor != nil {
		po := &opts.Page
		po.ShowURL, po.ShowAbsURL = pageLink(homeKey), show.urlFor(homeKey)
		po.FeedURL = show.feedURL
		po.PageSelfURL = show.urlFor(pageKey(e.slug))
		po.AbsAudioURL = show.urlFor(audio.key)
		cover := show.coverKey
		if image != nil {
			cover = image.key
		}
		if cover != "" {
			po.CoverURL, po.AbsCoverURL = pageLink(cover), show.urlFor(cover)
		}
		if captions != nil {
			po.CaptionsURL = pageLink(captions.key)
		}
	}
	pageT := e.t
	if !speech {
		// No transcript on the page either, not even a lone cue.
		notes := *e.t
		notes.Units = nil
		pageT = &notes
	}
	if err := writeFile(page.path, func(w io.Writer) error { return pageFormat.Write(w, pageT, opts) }); err != nil {
		return nil, fmt.Errorf("%s: html: %w", e.md.name, err)
	}
	page.contentType = pageFormat.ContentType()
	if err := page.finish(episodesFolder, e.slug, pageFormat.Ext(), false); err != nil {
		return nil, err
	}
	if speech {
		// The page is a transcript too, but not one of show notes only:
		// the feed would announce a podcast:transcript with nothing in it.
		trs = append(trs, manifest.Transcript{Object: page.object(), Format: formats.HTML})
	}

	r.episode = episodeRecord(e, chs, audio, page, chJSON, image, trs)
	return r, nil
}

// pageLink is how an episode page (in episodes/) links an object.
func pageLink(key string) string { return "../" + manifest.EscapeKey(key) }

// episodeRecord is the episode as the manifest records it, for the feed.
// Its guid and date are settled when the manifest is updated.
func episodeRecord(e *episode, chs chapterList, audio, page, chJSON, image *artifact, trs []manifest.Transcript) manifest.Episode {
	t := e.t
	rec := manifest.Episode{
		Slug:        e.slug,
		GUID:        t.GUID,
		Title:       t.Title,
		Number:      e.number,
		Season:      t.Season,
		EpisodeType: cmp.Or(t.EpisodeType, "full"),
		Date:        t.Date,
		// Only the episode's own language: one without has the show's,
		// which the feed reads from the config, so that it follows a
		// change of show.language when the feed is rebuilt.
		Language:    t.Language,
		Explicit:    t.Explicit,
		Description: t.Description,
		NotesHTML:   t.NotesHTML,
		Duration:    e.info.Duration.Seconds(),
		Timing:      t.Timing.String(),
		Audio:       audio.object(),
		Page:        page.object(),
		Transcripts: trs,
	}
	if t.Episode > 0 {
		rec.Number = t.Episode
	}
	if chJSON != nil {
		o := chJSON.object()
		rec.Chapters = &o
	}
	if image != nil {
		o := image.object()
		rec.Image = &o
	}
	for _, c := range chs.list {
		rec.ChapterList = append(rec.ChapterList, manifest.Chapter{Start: c.Start.Seconds(), Title: c.Title, URL: c.URL, Hidden: c.Hidden})
	}
	for _, h := range t.Hosts {
		rec.Persons = append(rec.Persons, manifest.Person{Name: h.Name, Role: "host", Note: h.Role})
	}
	for _, g := range t.Guests {
		rec.Persons = append(rec.Persons, manifest.Person{Name: g.Name, Role: "guest", Note: g.Role})
	}
	addFeedTags(e, &rec)
	return rec
}
