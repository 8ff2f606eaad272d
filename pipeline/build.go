package pipeline

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // artworkProblem reads JPEG and PNG sizes
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp4"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// formatVersion changes whenever podpipe writes an episode's files
// differently, so that a republish rebuilds what an older podpipe built.
const formatVersion = "1"

// built is an episode made ready for upload.
type built struct {
	src           *Source
	t             *transcript.Transcript
	duration      time.Duration
	chapters      []chapters.Chapter
	chapterSource string
	artifacts     []*artifact
	episode       manifest.Episode
	warnings      []string
}

// loaded is an episode's sources read and checked, before anything is built.
type loaded struct {
	src      *Source
	t        *transcript.Transcript
	audio    string
	image    string // the episode's artwork: front matter image, else <slug>.jpg|.png; "" for none
	info     mp3.Info
	chapters []chapters.Chapter
	chSource string
	warnings []string
}

// load reads and checks an episode's sources: the transcript, the audio's
// duration and the chapters, without timing or writing anything.
func (p *Pipeline) load(src *Source) (*loaded, error) {
	md, err := os.ReadFile(src.Markdown)
	if err != nil {
		return nil, err
	}
	t, err := markdown.Parse(p.rel(src.Markdown), md)
	if err != nil {
		return nil, err
	}
	l := &loaded{src: src, t: t, audio: src.Audio, image: src.Image}
	if t.Image != "" {
		l.image = filepath.Join(filepath.Dir(src.Markdown), t.Image)
		if !fileExists(l.image) {
			return nil, fmt.Errorf("%s: front matter image %q: no such file", p.rel(src.Markdown), t.Image)
		}
		switch strings.ToLower(filepath.Ext(l.image)) {
		case ".jpg", ".jpeg", ".png":
		default:
			return nil, fmt.Errorf("%s: front matter image %q: Apple takes JPEG or PNG artwork (.jpg, .png)", p.rel(src.Markdown), t.Image)
		}
	}
	if t.Audio != "" {
		l.audio = filepath.Join(filepath.Dir(src.Markdown), t.Audio)
		if !fileExists(l.audio) {
			return nil, fmt.Errorf("%s: front matter audio %q: no such file", p.rel(src.Markdown), t.Audio)
		}
	}
	if l.audio == "" {
		return nil, fmt.Errorf("%s: no audio: put %s.mp3 beside it or set audio in the front matter", p.rel(src.Markdown), src.Slug)
	}
	f, err := os.Open(l.audio)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch l.ext() {
	case ".mp3":
		l.info, err = mp3.Probe(f)
	case ".m4a":
		l.info.Duration, err = mp4.Duration(f)
	default:
		return nil, fmt.Errorf("%s: audio must be .mp3 or .m4a", p.rel(l.audio))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.rel(l.audio), err)
	}
	if l.info.Duration <= 0 {
		return nil, fmt.Errorf("%s: the audio has no duration", p.rel(l.audio))
	}
	return l, nil
}

// checkPublishable reports what keeps a loaded episode out of the show's
// feed, which would otherwise fail validation. A serial show's episodes are listened to in order: Apple requires
// itunes:episode on every item, and a feed without it fails validation.
func (p *Pipeline) checkPublishable(l *loaded) error {
	if p.cfg.Show.Type == "serial" && l.t.Episode <= 0 && l.src.Number <= 0 {
		return fmt.Errorf("%s: the show is serial (show.type in %s), which numbers every episode: set episode in the front matter or start the file name with its number (01-%s)", p.rel(l.src.Markdown), p.rel(p.cfg.File), l.src.Slug)
	}
	// The language goes into every podcast:transcript as it is.
	if lang := l.t.Language; lang != "" && !config.ValidLanguage(lang) {
		return fmt.Errorf("%s: language %q is not a language code such as en or zh-TW", p.rel(l.src.Markdown), lang)
	}
	return nil
}

func (l *loaded) ext() string { return strings.ToLower(filepath.Ext(l.audio)) }

// withIntro adds a chapter at 0 when none starts there (players and Apple
// expect the first chapter at 00:00:00), titled in the episode's language.
func (p *Pipeline) withIntro(l *loaded, list []chapters.Chapter) []chapters.Chapter {
	for _, c := range list {
		if c.Start == 0 {
			return list
		}
	}
	lang := l.t.Language
	if lang == "" {
		lang = p.cfg.Show.Language
	}
	title := "Intro"
	switch strings.ToLower(strings.SplitN(lang, "-", 2)[0]) {
	case "zh", "cmn", "yue":
		title = "開場"
	case "ja":
		title = "オープニング"
	}
	l.warnings = append(l.warnings, fmt.Sprintf("%s: no chapter starts at 00:00:00: added %q", l.chSource, title))
	return append([]chapters.Chapter{{Title: title}}, list...)
}

// headingLeadIn is how late the first heading's chapter may start and
// still be taken as the start of the episode.
const headingLeadIn = 5 * time.Second

// resolveChapters picks the chapters by precedence: a chapters file beside
// the episode, then the front matter, then the transcript's headings, then
// chapters already embedded in the source MP3. The transcript must be timed.
func (p *Pipeline) resolveChapters(l *loaded) error {
	var list []chapters.Chapter
	switch {
	case l.src.Chapters != "":
		f, err := os.Open(l.src.Chapters)
		if err != nil {
			return err
		}
		list, err = chapters.Parse(p.rel(l.src.Chapters), f)
		f.Close()
		if err != nil {
			return err
		}
		l.chSource = p.rel(l.src.Chapters)
	case len(l.t.Chapters) > 0:
		list = chapters.FromMarks(l.t.Chapters)
		l.chSource = p.rel(l.src.Markdown) + " (front matter)"
	default:
		list = chapters.FromTranscript(l.t)
		l.chSource = p.rel(l.src.Markdown) + " (headings)"
		// Errors about a heading's chapter name its line.
		i := 0
		for _, s := range l.t.Sections {
			if !s.Notes && i < len(list) {
				list[i].Pos = fmt.Sprintf("%s:%d", p.rel(l.src.Markdown), s.Line)
				i++
			}
		}
		// The first heading's chapter covers the silence or jingle before
		// its first word: start it at 0 rather than add a chapter of a
		// few seconds before it.
		if len(list) > 0 && list[0].Start < headingLeadIn {
			list[0].Start = 0
		}
		if len(list) == 0 && l.ext() == ".mp3" {
			f, err := os.Open(l.audio)
			if err != nil {
				return err
			}
			list, err = id3.ReadChapters(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", p.rel(l.audio), err)
			}
			l.chSource = p.rel(l.audio) + " (embedded)"
		}
	}
	if len(list) == 0 {
		l.chSource = "none"
		return nil
	}
	list = p.withIntro(l, list)
	fixed, warns, err := chapters.Validate(list, l.info.Duration)
	if err != nil {
		return fmt.Errorf("%s: %w", l.chSource, err)
	}
	if l.ext() == ".mp3" {
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
					where = fmt.Sprintf("%s: chapter %d", l.chSource, i+1)
				}
				return fmt.Errorf("%s: more than %d chapters for the MP3's table of contents (CTOC): hide some (toc: false) or merge them", where, id3.MaxTOCEntries)
			}
		}
	}
	for _, w := range warns {
		l.warnings = append(l.warnings, l.chSource+": "+w)
	}
	l.chapters = fixed
	return nil
}

// sourceHash identifies everything an episode is built from, so that an
// unchanged episode is neither rebuilt nor re-uploaded.
func (p *Pipeline) sourceHash(l *loaded) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "podpipe %s\ntiming %s\n", formatVersion, p.timerName())
	// The show's settings as they are in effect (the file and the
	// environment's overrides): they go into the tags and the page.
	show, err := json.Marshal(p.cfg.Show)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "show %s\nbase %s\n", show, p.cfg.Publish.BaseURL)
	for _, f := range []string{l.src.Markdown, l.audio, l.src.Chapters, l.image, p.cfg.Path(p.cfg.Show.Image)} {
		if f == "" {
			continue
		}
		sum, _, err := hashFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %s\n", filepath.Base(f), sum)
	}
	// The HTML page links the sibling episodes' pages by slug.
	if sibs, err := ListEpisodes(p.cfg); err == nil {
		for _, s := range sibs {
			fmt.Fprintf(h, "episode %s\n", s.Slug)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// build times the transcript, resolves the chapters and writes every
// published file of the episode into work.
func (p *Pipeline) build(ctx context.Context, l *loaded, work string) (*built, error) {
	t := l.t
	if err := p.timer(l).Time(ctx, t, transcript.Audio{Path: l.audio, Duration: l.info.Duration}); err != nil {
		return nil, p.timingError(l.src.Markdown, err)
	}
	if err := p.resolveChapters(l); err != nil {
		return nil, err
	}
	b := &built{src: l.src, t: t, duration: l.info.Duration, chapters: l.chapters, chapterSource: l.chSource, warnings: l.warnings}
	slug := l.src.Slug
	dir := "episodes/" + slug
	newArt := func(role, name string) *artifact {
		a := &artifact{role: role, path: filepath.Join(work, slug+"."+name)}
		b.artifacts = append(b.artifacts, a)
		return a
	}

	// Artwork: the episode's own, else none (the show's cover stands in).
	var image *artifact
	if l.image != "" {
		ext := strings.ToLower(filepath.Ext(l.image))
		image = newArt("image", "image"+ext)
		if err := copyFile(image.path, l.image); err != nil {
			return nil, err
		}
		image.contentType = imageType(l.image)
		if msg := artworkProblem(l.image); msg != "" {
			b.warnings = append(b.warnings, p.rel(l.image)+": "+msg)
		}
		if err := image.finish(dir, slug, ext, true); err != nil {
			return nil, err
		}
	}

	// The chapters JSON and the tagged audio.
	var chJSON *artifact
	if len(b.chapters) > 0 {
		chJSON = newArt("chapters", "chapters.json")
		err := writeFile(chJSON.path, func(w io.Writer) error {
			return chapters.WriteJSON(w, b.chapters, chapters.JSONMeta{Title: t.Title, PodcastName: p.cfg.Show.Title})
		})
		if err != nil {
			return nil, err
		}
		chJSON.contentType = "application/json+chapters"
		if err := chJSON.finish(dir, slug, ".chapters.json", true); err != nil {
			return nil, err
		}
	}
	audio := newArt("audio", "audio"+l.ext())
	if l.ext() == ".mp3" {
		tag, err := p.tag(l, b, image)
		if err != nil {
			return nil, err
		}
		if err := id3.WriteFile(audio.path, l.audio, tag); err != nil {
			return nil, fmt.Errorf("%s: tagging: %w", p.rel(l.audio), err)
		}
		audio.contentType = "audio/mpeg"
	} else {
		// MPEG-4 audio is published as it is: its chapters would need a
		// QuickTime chapter track, which podpipe does not write yet.
		if err := copyFile(audio.path, l.audio); err != nil {
			return nil, err
		}
		audio.contentType = "audio/x-m4a"
	}
	if err := audio.finish(dir, slug, l.ext(), true); err != nil {
		return nil, err
	}

	// The transcripts: every published format but the page, which follows.
	var trs []manifest.Transcript
	for _, f := range formats.Published() {
		if f.Name == formats.HTML {
			continue
		}
		a := newArt(f.Name, f.Name)
		if err := writeFile(a.path, func(w io.Writer) error { return f.Write(w, t, formats.Options{}) }); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p.rel(l.src.Markdown), f.Name, err)
		}
		a.contentType = f.ContentType()
		if err := a.finish(dir, slug, f.Ext(), true); err != nil {
			return nil, err
		}
		trs = append(trs, manifest.Transcript{Object: a.object(), Format: f.Name})
	}

	// The HTML page, under a stable name other pages link to.
	pageFormat := formats.ByName(formats.HTML)
	page := newArt("page", formats.HTML)
	opts := formats.Options{
		AudioURL:  p.relURL(audio.key),
		Chapters:  chapters.Marks(b.chapters),
		ShowTitle: p.cfg.Show.Title,
	}
	if err := writeFile(page.path, func(w io.Writer) error { return pageFormat.Write(w, t, opts) }); err != nil {
		return nil, fmt.Errorf("%s: html: %w", p.rel(l.src.Markdown), err)
	}
	page.contentType = pageFormat.ContentType()
	if err := page.finish("episodes", slug, pageFormat.Ext(), false); err != nil {
		return nil, err
	}
	trs = append(trs, manifest.Transcript{Object: page.object(), Format: formats.HTML})

	b.episode = p.episodeRecord(l, b, audio, page, chJSON, image, trs)
	return b, nil
}

// relURL is how an episode page (in episodes/) links an object.
func (p *Pipeline) relURL(key string) string { return "../" + config.EscapeKey(key) }

func (p *Pipeline) episodeRecord(l *loaded, b *built, audio, page, chJSON, image *artifact, trs []manifest.Transcript) manifest.Episode {
	t := l.t
	e := manifest.Episode{
		Slug:        l.src.Slug,
		GUID:        t.GUID,
		Title:       t.Title,
		Number:      l.src.Number,
		Season:      t.Season,
		EpisodeType: cmp.Or(t.EpisodeType, "full"),
		Date:        t.Date,
		Language:    t.Language,
		Explicit:    t.Explicit,
		Description: t.Description,
		NotesHTML:   t.NotesHTML,
		Duration:    b.duration.Seconds(),
		Timing:      t.Timing.String(),
		Audio:       audio.object(),
		Page:        page.object(),
		Transcripts: trs,
	}
	if t.Episode > 0 {
		e.Number = t.Episode
	}
	// An episode without a language of its own has the show's, which the
	// feed reads from the config: recorded here, it would go stale when
	// show.language changes and the feed is rebuilt.
	if chJSON != nil {
		o := chJSON.object()
		e.Chapters = &o
	}
	if image != nil {
		o := image.object()
		e.Image = &o
	}
	for _, c := range b.chapters {
		e.ChapterList = append(e.ChapterList, manifest.Chapter{Start: c.Start.Seconds(), Title: c.Title, URL: c.URL, Hidden: c.Hidden})
	}
	for _, h := range t.Hosts {
		e.Persons = append(e.Persons, manifest.Person{Name: h.Name, Role: "host", Note: h.Role})
	}
	for _, g := range t.Guests {
		e.Persons = append(e.Persons, manifest.Person{Name: g.Name, Role: "guest", Note: g.Role})
	}
	return e
}

// episodeGUID is the guid of an episode published for the first time: a
// UUIDv5 of the show's podcast:guid and the slug, so that it is the same
// even if the manifest were lost.
func episodeGUID(showGUID, slug string) string {
	ns, err := uuid.Parse(showGUID)
	if err != nil {
		ns = uuid.NameSpaceURL
	}
	return uuid.NewSHA1(ns, []byte(slug)).String()
}

// tag is the ID3 tag of the published audio.
func (p *Pipeline) tag(l *loaded, b *built, image *artifact) (id3.Tag, error) {
	t := l.t
	show := p.cfg.Show
	tag := id3.Tag{
		Title:    t.Title,
		Artist:   show.Author,
		Album:    show.Title,
		Genre:    "Podcast",
		Comment:  t.Description,
		URL:      p.cfg.URLFor("episodes/" + l.src.Slug + ".html"),
		Chapters: b.chapters,
	}
	if !t.Date.IsZero() {
		tag.Year = strconv.Itoa(t.Date.Year())
	}
	if n := l.src.Number; n > 0 {
		tag.Track = strconv.Itoa(n)
	}
	if t.Episode > 0 {
		tag.Track = strconv.Itoa(t.Episode)
	}
	art := p.cfg.Path(show.Image)
	if image != nil {
		art = image.path
	}
	data, err := os.ReadFile(art)
	if err != nil {
		return tag, err
	}
	tag.Artwork, tag.ArtworkMIME = data, imageType(art)
	return tag, nil
}

// artworkProblem says what Apple would reject in the artwork at path:
// square, 1400 to 3000 px, in RGB, JPEG or PNG; "" when nothing.
func artworkProblem(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	c, format, err := image.DecodeConfig(f)
	if err != nil {
		return "not a JPEG or PNG image Apple can read: " + err.Error()
	}
	switch {
	case c.Width != c.Height || c.Width < 1400 || c.Width > 3000:
		return fmt.Sprintf("%d×%d px; Apple asks for square artwork of 1400 to 3000 px", c.Width, c.Height)
	case c.ColorModel == color.CMYKModel || c.ColorModel == color.GrayModel || c.ColorModel == color.Gray16Model:
		return fmt.Sprintf("a %s without RGB colour; Apple asks for RGB", format)
	}
	return ""
}

func imageType(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".png":
		return "image/png"
	default:
		return "image/jpeg"
	}
}

// writeFile writes a built file through a buffer.
func writeFile(p string, write func(io.Writer) error) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Chapters reads and times an episode and returns its chapters, the source
// they came from, and warnings about corrections made.
func (p *Pipeline) Chapters(ctx context.Context, arg string) ([]chapters.Chapter, string, []string, error) {
	src, err := FindEpisode(p.cfg, arg)
	if err != nil {
		return nil, "", nil, err
	}
	l, err := p.load(src)
	if err != nil {
		return nil, "", nil, err
	}
	// Only the headings' chapters need the transcript timed: with a
	// chapters file or front matter, or no headings, show the chapters
	// without decoding the audio (minutes for a long episode).
	if l.src.Chapters == "" && len(l.t.Chapters) == 0 && len(chapters.FromTranscript(l.t)) > 0 {
		if err := p.timer(l).Time(ctx, l.t, transcript.Audio{Path: l.audio, Duration: l.info.Duration}); err != nil {
			return nil, "", nil, p.timingError(src.Markdown, err)
		}
	}
	if err := p.resolveChapters(l); err != nil {
		return nil, "", nil, err
	}
	return l.chapters, l.chSource, l.warnings, nil
}

// timingError names the transcript in an error of its timing: the timer
// does not know the file, so a problem at a line ("line 49: anchor …")
// becomes "episodes/x.md:49: anchor …", the form of every other bad input.
func (p *Pipeline) timingError(md string, err error) error {
	return transcript.InFile(p.rel(md), fmt.Errorf("timing: %w", err))
}
