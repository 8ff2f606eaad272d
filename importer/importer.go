// Package importer turns an existing show's feed, written by another host,
// into a podpipe show: config.toml, one Markdown source per item (with its
// guid, date and numbering in the front matter, so a republished feed
// keeps them), the transcripts and chapters the feed links, and with
// Download the audio and cover.
package importer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
	gext "github.com/mmcdole/gofeed/extensions"
	"github.com/pelletier/go-toml/v2"
	xhtml "golang.org/x/net/html"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/internal/netbound"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
)

// Options says where and how to import.
type Options struct {
	// Dir is the folder the show is written to; it must not hold a
	// config.toml yet.
	Dir string
	// Download fetches every enclosure beside its episode, and the cover.
	Download bool
	// Client fetches over HTTP; nil means a client bounded by netbound.
	Client *http.Client
	// Log receives one line per episode written; nil discards.
	Log io.Writer
}

// Result tells what was written.
type Result struct {
	Episodes    int
	Kept        int // sources an earlier import (or the producer) left: not rewritten
	Downloaded  int
	Transcripts int
	Chapters    int
	Missing     []string // enclosures not downloaded: publish needs them
	// NoTranscript are the episodes whose feed item links no readable
	// transcript: their source has no speaker turns, and publish
	// publishes them with their show notes only.
	NoTranscript []string
	// NoNotes are those of NoTranscript whose item has no show notes
	// either: publish refuses a source with neither turns nor notes.
	NoNotes  []string
	Warnings []string
}

// Limits of the fetches (variables, for tests).
var (
	limits           = netbound.Limits{Connect: 10 * time.Second, FirstByte: 30 * time.Second, Idle: 30 * time.Second}
	maxFeed    int64 = 64 << 20
	maxObject  int64 = 16 << 20
	maxAudio   int64 = 8 << 30
	readWithin       = 2 * time.Minute
)

type importer struct {
	o      Options
	guids  map[string]string // guid → the slug that has it
	client *http.Client
	base   *url.URL // the feed's URL, for relative links; nil for a file
	res    Result
}

// Import reads the feed at src (an http(s) URL or a file) and writes the
// show into o.Dir.
func Import(ctx context.Context, src string, o Options) (*Result, error) {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	im := &importer{o: o, client: o.Client, guids: map[string]string{}}
	if im.client == nil {
		im.client = &http.Client{Transport: limits.Transport()}
	}
	cfgPath := filepath.Join(o.Dir, "config.toml")
	if _, err := os.Stat(cfgPath); err == nil {
		return nil, fmt.Errorf("%s already exists: import writes a new show, into an empty folder", cfgPath)
	}
	data, err := im.readFeed(ctx, src)
	if err != nil {
		return nil, err
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not a feed: %v", src, err)
	}
	if len(f.Items) == 0 {
		return nil, fmt.Errorf("%s: the feed has no items", src)
	}
	epDir := filepath.Join(o.Dir, "episodes")
	if err := os.MkdirAll(epDir, 0o755); err != nil {
		return nil, err
	}
	items := oldestFirst(f.Items)
	slugs := map[string]bool{}
	for i, it := range items {
		if err := im.item(ctx, f, it, i, epDir, slugs); err != nil {
			return nil, err
		}
	}
	cover := im.cover(ctx, f)
	if err := writeAtomic(cfgPath, im.config(f, src, cover)); err != nil {
		return nil, err
	}
	return &im.res, nil
}

// oldestFirst orders the items oldest first (feeds list newest first), keeping
// the feed's order among items of the same date.
func oldestFirst(items []*gofeed.Item) []*gofeed.Item {
	out := append([]*gofeed.Item(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].PublishedParsed, out[j].PublishedParsed
		if a == nil || b == nil {
			return false
		}
		return a.Before(*b)
	})
	return out
}

func (im *importer) readFeed(ctx context.Context, src string) ([]byte, error) {
	if u, err := url.Parse(src); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		im.base = u
		return im.get(ctx, src, maxFeed)
	}
	fh, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxFeed+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if int64(len(b)) > maxFeed {
		return nil, fmt.Errorf("%s: larger than %s: not a feed", src, netbound.Size(maxFeed))
	}
	return b, nil
}

// resolve makes a link of the feed absolute.
func (im *importer) resolve(ref string) string {
	if im.base == nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return im.base.ResolveReference(r).String()
}

func (im *importer) open(ctx context.Context, u string) (io.ReadCloser, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return nil, fmt.Errorf("%s: not an http(s) URL", u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: not a URL", redact(u))
	}
	req.Header.Set("User-Agent", "podpipe-import")
	resp, err := im.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: %w", redact(u), err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: answers GET with %s", redact(u), resp.Status)
	}
	return resp.Body, nil
}

func (im *importer) get(ctx context.Context, u string, max int64) ([]byte, error) {
	rc, err := im.open(ctx, u)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(netbound.Body(rc, max, readWithin))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(u), err)
	}
	return b, nil
}

// redact drops a user name and password from a URL for messages.
func redact(u string) string {
	if p, err := url.Parse(u); err == nil && p.User != nil {
		p.User = nil
		return p.String()
	}
	return u
}

func (im *importer) warnf(format string, a ...any) {
	im.res.Warnings = append(im.res.Warnings, fmt.Sprintf(format, a...))
}

// frontMatter is what an imported episode's front matter sets; the keys
// are those of transcript/markdown.
type frontMatter struct {
	Title       string    `toml:"title"`
	Date        time.Time `toml:"date,omitempty"` // a TOML date-time (a *time.Time would be written as a string)
	GUID        string    `toml:"guid,omitempty"`
	Episode     *int      `toml:"episode,omitempty"`
	Season      int       `toml:"season,omitempty"`
	EpisodeType string    `toml:"episode_type,omitempty"`
	Explicit    *bool     `toml:"explicit,omitempty"`
	ITunesTitle string    `toml:"itunes_title,omitempty"`
	Block       bool      `toml:"block,omitempty"`
	Description string    `toml:"description,omitempty"`
	Audio       string    `toml:"audio,omitempty"`
}

func (im *importer) item(ctx context.Context, f *gofeed.Feed, it *gofeed.Item, i int, dir string, slugs map[string]bool) error {
	it2 := it.ITunesExt
	fm := frontMatter{Title: strings.TrimSpace(it.Title)}
	itunesTitle := ""
	if t := it.Extensions["itunes"]["title"]; len(t) > 0 {
		itunesTitle = strings.TrimSpace(t[0].Value)
	}
	if fm.Title == "" {
		fm.Title = itunesTitle
	}
	if fm.Title == "" {
		return fmt.Errorf("item %d of the feed has no title", i+1)
	}
	var date time.Time
	if it.PublishedParsed != nil {
		date = pubDate(it.Published, *it.PublishedParsed)
		fm.Date = date
	} else {
		im.warnf("%s: no pubDate: publish dates it by its source", fm.Title)
	}
	// Apps identify an item by its guid, or without one by its enclosure
	// URL: either is kept, so no app sees the episode as new.
	fm.GUID = strings.TrimSpace(it.GUID)
	var enc *gofeed.Enclosure
	for _, e := range it.Enclosures {
		if e != nil && e.URL != "" {
			enc = e
			break
		}
	}
	if fm.GUID == "" && enc != nil {
		fm.GUID = enc.URL
	}
	if it2 != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(it2.Episode)); err == nil && n >= 0 {
			fm.Episode = &n
		}
		if n, err := strconv.Atoi(strings.TrimSpace(it2.Season)); err == nil && n > 0 {
			fm.Season = n
		}
		switch t := strings.ToLower(strings.TrimSpace(it2.EpisodeType)); t {
		case "full", "trailer", "bonus":
			if t != "full" {
				fm.EpisodeType = t
			}
		}
		if b, ok := yesNo(it2.Explicit); ok {
			fm.Explicit = &b
		}
		if strings.EqualFold(strings.TrimSpace(it2.Block), "yes") {
			fm.Block = true
		}
		if itunesTitle != "" && itunesTitle != fm.Title {
			fm.ITunesTitle = itunesTitle
		}
	}
	notes := it.Content
	if strings.TrimSpace(notes) == "" {
		notes = it.Description
	}
	if strings.TrimSpace(notes) == "" && it2 != nil {
		notes = it2.Summary
	}
	fm.Description = htmlText(notes)

	slug := makeSlug(date, fm.Title, slugs)
	if prev, ok := im.guids[fm.GUID]; ok && fm.GUID != "" {
		im.warnf("%s has the guid %q of %s: apps take them for one episode", slug, fm.GUID, prev)
	} else {
		im.guids[fm.GUID] = slug
	}
	mdPath := filepath.Join(dir, slug+".md")
	// A source already there is an import that stopped half-way (or the
	// producer's edit): it is kept, and the rest is brought in.
	_, err := os.Stat(mdPath)
	kept := err == nil

	// Audio.
	ext := ""
	if enc != nil {
		audioURL := im.resolve(enc.URL)
		ext = audioExt(audioURL, enc.Type)
		file := filepath.Join(dir, slug+ext)
		switch _, err := os.Stat(file); {
		case ext == "":
			im.warnf("%s: the enclosure %s is neither MP3 nor M4A: podpipe publishes only those", slug, redact(audioURL))
			im.res.Missing = append(im.res.Missing, slug)
		case err == nil:
			// Downloaded by an earlier run.
		case im.o.Download:
			if err := im.download(ctx, audioURL, file); err != nil {
				return err
			}
			im.res.Downloaded++
		default:
			im.res.Missing = append(im.res.Missing, slug)
		}
	} else {
		im.warnf("%s: the item has no enclosure", slug)
		im.res.Missing = append(im.res.Missing, slug)
	}

	if kept {
		im.res.Kept++
		fmt.Fprintf(im.o.Log, "%s (kept: it was there)\n", filepath.Join("episodes", slug+".md"))
		return nil
	}
	body, speakers := im.transcriptBody(ctx, it, slug, f)
	if !speakers {
		im.res.NoTranscript = append(im.res.NoTranscript, slug)
		if fm.Description == "" {
			im.res.NoNotes = append(im.res.NoNotes, slug)
		}
	}
	if err := im.chapters(ctx, it, slug, dir); err != nil {
		im.warnf("%s: chapters not imported: %v", slug, err)
	}

	src, err := im.source(fm, enc, ext, slug, notes, body, speakers, f.Language)
	if err != nil {
		return err
	}
	if err := writeAtomic(mdPath, src); err != nil {
		return err
	}
	im.res.Episodes++
	fmt.Fprintf(im.o.Log, "%s\n", filepath.Join("episodes", slug+".md"))
	return nil
}

// source renders an episode's Markdown source. The show notes go into a
// notes section, in Markdown with their links, when the source then reads
// back with the turns written; else into the front matter's description,
// as plain text.
func (im *importer) source(fm frontMatter, enc *gofeed.Enclosure, ext, slug, notes, body string, speakers bool, lang string) ([]byte, error) {
	if speakers {
		if md := notesMarkdown(notes); md != "" {
			heading := "Show notes"
			if strings.HasPrefix(strings.ToLower(lang), "zh") {
				heading = "前言"
			}
			fm2 := fm
			fm2.Description = ""
			src, err := im.render(fm2, enc, ext, slug, "## "+heading+"\n\n"+md+"\n\n## 對談內容\n\n"+body)
			if err != nil {
				return nil, err
			}
			want, err1 := formats.Read(slug+".md", strings.NewReader(string(im.mustRender(fm2, "## 對談內容\n\n"+body))))
			got, err2 := formats.Read(slug+".md", bytes.NewReader(src))
			if err1 == nil && err2 == nil && len(got.Units) == len(want.Units) && got.Description != "" {
				return src, nil
			}
		}
		return im.render(fm, enc, ext, slug, "## 對談內容\n\n"+body)
	}
	return im.render(fm, enc, ext, slug, "")
}

func (im *importer) mustRender(fm frontMatter, body string) []byte {
	b, _ := im.render(fm, nil, "", "", body)
	return b
}

func (im *importer) render(fm frontMatter, enc *gofeed.Enclosure, ext, slug, body string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("+++\n")
	if enc != nil && !im.o.Download {
		fmt.Fprintf(&b, "# the old feed's audio, which publish needs beside this file as %s%s (import --download fetches it):\n# %s\n", slug, cmp.Or(ext, ".mp3"), redact(im.resolve(enc.URL)))
	}
	enc2 := toml.NewEncoder(&b)
	if err := enc2.Encode(fm); err != nil {
		return nil, err
	}
	b.WriteString("+++\n\n")
	fmt.Fprintf(&b, "# %s\n\n", oneLine(fm.Title))
	b.WriteString(body)
	return b.Bytes(), nil
}

// pubDate keeps the time zone the feed wrote the date in, which gofeed
// turns into UTC; the instant is gofeed's either way.
func pubDate(raw string, parsed time.Time) time.Time {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, strings.TrimSpace(raw)); err == nil && t.Equal(parsed) {
			return t
		}
	}
	return parsed
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "explicit":
		return true, true
	case "no", "false", "clean":
		return false, true
	}
	return false, false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// makeSlug names an episode by its date and title: 20250924-title. The
// date prefix is no episode number (it is out of the range), so unnumbered
// items stay unnumbered, and the files sort by date.
func makeSlug(date time.Time, title string, seen map[string]bool) string {
	var words strings.Builder
	for _, r := range strings.ToLower(title) {
		if r < unicode.MaxASCII {
			words.WriteRune(r)
		} else {
			words.WriteRune(' ')
		}
	}
	s := strings.Trim(nonSlug.ReplaceAllString(words.String(), "-"), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "episode"
	}
	if !date.IsZero() {
		s = date.Format("20060102") + "-" + s // the day the feed wrote
	}
	slug := s
	for n := 2; seen[slug]; n++ {
		slug = fmt.Sprintf("%s-%d", s, n)
	}
	seen[slug] = true
	return slug
}

// audioExt is the extension podpipe reads an enclosure as, or "".
func audioExt(u, typ string) string {
	switch strings.ToLower(strings.TrimSpace(typ)) {
	case "audio/mpeg", "audio/mp3", "audio/mpeg3":
		return ".mp3"
	case "audio/x-m4a", "audio/mp4", "audio/m4a", "audio/aac":
		return ".m4a"
	}
	if p, err := url.Parse(u); err == nil {
		switch strings.ToLower(path.Ext(p.Path)) {
		case ".mp3":
			return ".mp3"
		case ".m4a":
			return ".m4a"
		}
	}
	return ""
}

// download fetches u into file, atomically.
func (im *importer) download(ctx context.Context, u, file string) error {
	rc, err := im.open(ctx, u)
	if err != nil {
		return err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), ".import-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	// No bound on the time: an episode takes what it takes, and the
	// transport gives up on a server that stops sending.
	if _, err := io.Copy(tmp, netbound.Body(rc, maxAudio, 0)); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", redact(u), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// podcastTags returns the item's podcast:NAME elements.
func podcastTags(it *gofeed.Item, name string) []gext.Extension {
	if it.Extensions == nil {
		return nil
	}
	return it.Extensions["podcast"][name]
}

// transcriptBody fetches the first readable transcript the item links and
// renders its turns as Markdown speaker turns. It reports whether any turn
// was written.
func (im *importer) transcriptBody(ctx context.Context, it *gofeed.Item, slug string, f *gofeed.Feed) (string, bool) {
	for _, t := range podcastTags(it, "transcript") {
		u, typ := t.Attrs["url"], t.Attrs["type"]
		fm, _ := formats.ByMediaType(typ)
		if u == "" || fm == nil || fm.Read == nil {
			continue
		}
		u = im.resolve(u)
		data, err := im.get(ctx, u, maxObject)
		if err != nil {
			im.warnf("%s: transcript not imported: %v", slug, err)
			continue
		}
		name := slug + ".transcript"
		if len(fm.Exts) > 0 {
			name = slug + fm.Exts[0]
		}
		tr, err := formats.Read(name, bytes.NewReader(data))
		if err != nil {
			im.warnf("%s: transcript %s not imported: %v", slug, redact(u), err)
			continue
		}
		body := turns(tr, fallbackSpeaker(f))
		if body == "" {
			continue
		}
		im.res.Transcripts++
		return body, true
	}
	return "", false
}

func fallbackSpeaker(f *gofeed.Feed) string {
	if f.ITunesExt != nil && strings.TrimSpace(f.ITunesExt.Author) != "" {
		return oneLine(f.ITunesExt.Author)
	}
	for _, a := range f.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			return oneLine(a.Name)
		}
	}
	return "Host"
}

// turns writes one paragraph per speech unit, a **Name:** label where the
// speaker changes (untold speakers are the show's author), and cues.
func turns(tr *transcript.Transcript, fallback string) string {
	var b strings.Builder
	prev := ""
	for _, u := range tr.Units {
		text := oneLine(u.Text)
		if text == "" {
			continue
		}
		if u.Kind == transcript.Cue {
			fmt.Fprintf(&b, "*(%s)*\n\n", strings.Trim(text, "()（）"))
			continue
		}
		who := oneLine(u.Speaker)
		if who == "" {
			who = prev
			if who == "" {
				who = fallback
			}
		}
		if who != prev {
			fmt.Fprintf(&b, "**%s:** %s\n\n", who, text)
		} else {
			fmt.Fprintf(&b, "%s\n\n", text)
		}
		prev = who
	}
	return b.String()
}

// chapters writes the item's chapters, from podcast:chapters (fetched) or
// Podlove Simple Chapters in the item, as <slug>.chapters.json, once
// chapters.Parse has read them.
func (im *importer) chapters(ctx context.Context, it *gofeed.Item, slug, dir string) error {
	var (
		list []chapters.Chapter
		err  error
	)
	file := filepath.Join(dir, slug+".chapters.json")
	if _, err := os.Stat(file); err == nil {
		return nil // an earlier run's, or the producer's: kept
	}
	if tags := podcastTags(it, "chapters"); len(tags) > 0 && tags[0].Attrs["url"] != "" {
		u := im.resolve(tags[0].Attrs["url"])
		data, err := im.get(ctx, u, maxObject)
		if err != nil {
			return err
		}
		// Named by its URL: that is where a producer can look at it.
		list, err = chapters.Parse(redact(u), bytes.NewReader(data))
		if err != nil {
			return err
		}
	} else if psc := pscXML(it); psc != nil {
		list, err = chapters.Parse(slug+".psc.xml", bytes.NewReader(psc))
		if err != nil {
			return err
		}
	} else {
		return nil
	}
	var b bytes.Buffer
	if err := chapters.WriteJSON(&b, list, chapters.JSONMeta{Title: oneLine(it.Title)}); err != nil {
		return err
	}
	if err := writeAtomic(file, b.Bytes()); err != nil {
		return err
	}
	im.res.Chapters++
	return nil
}

// pscXML rebuilds the item's psc:chapters element as a document, for
// chapters.Parse.
func pscXML(it *gofeed.Item) []byte {
	if it.Extensions == nil {
		return nil
	}
	var found *gext.Extension
	for prefix, m := range it.Extensions {
		if prefix == "podcast" {
			continue
		}
		if cs := m["chapters"]; len(cs) > 0 {
			found = &cs[0]
			break
		}
	}
	if found == nil || len(found.Children["chapter"]) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(`<psc:chapters xmlns:psc="http://podlove.org/simple-chapters" version="1.2">`)
	for _, c := range found.Children["chapter"] {
		b.WriteString("<psc:chapter")
		for _, k := range []string{"start", "title", "href", "image"} {
			if v, ok := c.Attrs[k]; ok {
				fmt.Fprintf(&b, " %s=%q", k, xmlEscape(v))
			}
		}
		b.WriteString("/>")
	}
	b.WriteString("</psc:chapters>")
	return b.Bytes()
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// htmlText is show notes in HTML as plain text: paragraphs and list items
// on their own lines, entities decoded.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return tidy(b.String())
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "div", "ul", "ol", "h1", "h2", "h3", "h4":
				b.WriteString("\n\n")
			case "br", "li":
				b.WriteString("\n")
			}
		}
	}
}

// tidy collapses spaces within lines and runs of blank lines.
func tidy(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = oneLine(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func writeAtomic(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".import-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// cover fetches the show's artwork into cover.jpg or cover.png (the
// config needs a file) and returns its name, or "" with a warning.
func (im *importer) cover(ctx context.Context, f *gofeed.Feed) string {
	u := ""
	if f.ITunesExt != nil {
		u = f.ITunesExt.Image
	}
	if u == "" && f.Image != nil {
		u = f.Image.URL
	}
	if u == "" {
		im.warnf("the feed has no artwork: set show.image in config.toml")
		return ""
	}
	u = im.resolve(u)
	data, err := im.get(ctx, u, maxObject)
	if err != nil {
		im.warnf("artwork not fetched: %v: set show.image in config.toml", err)
		return ""
	}
	name := ""
	switch http.DetectContentType(data) {
	case "image/jpeg":
		name = "cover.jpg"
	case "image/png":
		name = "cover.png"
	default:
		im.warnf("artwork %s is neither JPEG nor PNG: set show.image in config.toml", redact(u))
		return ""
	}
	file := filepath.Join(im.o.Dir, name)
	if _, err := os.Stat(file); err == nil {
		im.warnf("%s already exists: kept, not replaced by the feed's artwork", file)
		return name
	}
	if err := writeAtomic(file, data); err != nil {
		im.warnf("artwork not written: %v", err)
		return ""
	}
	return name
}

type showConfig struct {
	Title       string   `toml:"title"`
	Description string   `toml:"description"`
	Link        string   `toml:"link,omitempty"`
	Language    string   `toml:"language,omitempty"`
	Author      string   `toml:"author,omitempty"`
	OwnerName   string   `toml:"owner_name,omitempty"`
	OwnerEmail  string   `toml:"owner_email"`
	Image       string   `toml:"image"`
	Categories  []string `toml:"categories"`
	Explicit    bool     `toml:"explicit"`
	Type        string   `toml:"type,omitempty"`
	Copyright   string   `toml:"copyright,omitempty"`
	GUID        string   `toml:"guid,omitempty"`
	Complete    bool     `toml:"complete,omitempty"`
	Block       bool     `toml:"block,omitempty"`
}

type publishConfig struct {
	BaseURL      string   `toml:"base_url"`
	Episodes     string   `toml:"episodes"`
	PreviousURLs []string `toml:"previous_urls,omitempty"`
}

// config renders config.toml for the show the feed describes.
func (im *importer) config(f *gofeed.Feed, src, cover string) []byte {
	s := showConfig{
		Title:       oneLine(f.Title),
		Description: htmlText(f.Description),
		Link:        f.Link,
		Language:    f.Language,
		Copyright:   oneLine(f.Copyright),
		Image:       cover,
		Categories:  []string{},
	}
	if it := f.ITunesExt; it != nil {
		if s.Description == "" {
			s.Description = htmlText(it.Summary)
		}
		s.Author = oneLine(it.Author)
		if it.Owner != nil {
			s.OwnerName, s.OwnerEmail = oneLine(it.Owner.Name), strings.TrimSpace(it.Owner.Email)
		}
		for _, c := range it.Categories {
			if c == nil || c.Text == "" {
				continue
			}
			if c.Subcategory != nil && c.Subcategory.Text != "" {
				s.Categories = append(s.Categories, c.Text+"/"+c.Subcategory.Text)
			} else {
				s.Categories = append(s.Categories, c.Text)
			}
		}
		s.Explicit, _ = yesNo(it.Explicit)
		if t := strings.ToLower(strings.TrimSpace(it.Type)); t == "episodic" || t == "serial" {
			s.Type = t
		}
		s.Complete = strings.EqualFold(strings.TrimSpace(it.Complete), "yes")
		s.Block = strings.EqualFold(strings.TrimSpace(it.Block), "yes")
	}
	if f.Extensions != nil {
		if g := f.Extensions["podcast"]["guid"]; len(g) > 0 {
			s.GUID = strings.TrimSpace(g[0].Value)
		}
	}
	p := publishConfig{BaseURL: "http://127.0.0.1:8080/", Episodes: "episodes"}
	if im.base != nil {
		// The old address: apps must be told where the show went, and a
		// show without podcast:guid keeps the one derived from it.
		p.PreviousURLs = []string{redact(im.base.String())}
	}
	if s.OwnerEmail == "" {
		im.warnf("the feed names no owner e-mail (itunes:owner): set show.owner_email in config.toml")
	}
	if len(s.Categories) == 0 {
		im.warnf("the feed names no category: set show.categories in config.toml")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Imported by podpipe import from %s.\n", redact(src))
	b.WriteString("# guid is the show's podcast:guid from that feed: keep it, and the guid of each\n# episode's front matter, so that apps see the same show and no new episodes.\n\n")
	b.WriteString("[show]\n")
	mustEncode(&b, s)
	b.WriteString("\n[publish]\n# Set base_url to the public URL the show is published at.\n")
	mustEncode(&b, p)
	b.WriteString("\n[storage]\nurl = \"public\"\n")
	return b.Bytes()
}

func mustEncode(w io.Writer, v any) {
	if err := toml.NewEncoder(w).Encode(v); err != nil {
		panic(err) // plain structs of strings: cannot fail
	}
}

// notesMarkdown is show notes in HTML as Markdown the source format reads
// as notes: paragraphs, list items and links (http(s) and mailto) kept;
// emphasis dropped, and every character Markdown would read as markup
// escaped, so that no line of the notes can become a speaker turn, a cue
// or a heading.
func notesMarkdown(s string) string {
	if !strings.ContainsAny(s, "<&") {
		s = "<p>" + xhtml.EscapeString(s) + "</p>"
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var href string
	var linkText strings.Builder
	inLink := false
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return tidy(b.String())
		case xhtml.TextToken:
			raw := string(z.Text()) // Text may be called once per token
			t := mdEscape(strings.Join(strings.Fields(raw), " "))
			if raw != "" && unicode.IsSpace(rune(raw[0])) {
				t = " " + t
			}
			if raw != "" && unicode.IsSpace(rune(raw[len(raw)-1])) && strings.TrimSpace(raw) != "" {
				t += " "
			}
			if inLink {
				linkText.WriteString(t)
			} else {
				b.WriteString(t)
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "a":
				if tt == xhtml.StartTagToken {
					href, inLink = "", true
					linkText.Reset()
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "href" {
							href = strings.TrimSpace(string(v))
						}
					}
				} else if inLink {
					inLink = false
					text := strings.TrimSpace(linkText.String())
					u, err := url.Parse(href)
					if err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto") && !strings.ContainsAny(href, " ()<>") {
						if text == "" {
							text = mdEscape(href)
						}
						fmt.Fprintf(&b, "[%s](%s)", text, href)
					} else {
						b.WriteString(text)
					}
				}
			case "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote":
				b.WriteString("\n\n")
			case "br":
				b.WriteString("\n\n")
			case "li":
				if tt == xhtml.StartTagToken {
					b.WriteString("\n*   ")
				}
			}
		}
	}
}

// mdEscape escapes what Markdown reads as markup in text.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]()#+-.!<>|~{}", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
