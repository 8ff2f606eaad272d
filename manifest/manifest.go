// Package manifest is the record of what is published: the show's permanent
// podcast:guid and, per episode, every object uploaded for it with its
// content hash. It is kept beside the feed in storage as JSON; the feed is a
// pure function of the show config and the manifest.
//
//	m, err := manifest.Read(r) // the whole manifest
//
//	// or one episode at a time, none kept: a show of 10,000 episodes
//	// has a 44 MB manifest
//	hdr, err := manifest.ReadEach(r, func(e *manifest.Episode) error {
//		fmt.Println(e.Slug, e.Title)
//		return nil
//	})
package manifest

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Key is the manifest's object key in storage.
const Key = "manifest.json"

// CurrentVersion is the version Write writes. Version 2 added the
// generation, the unpublished episodes and the superseded objects, which a
// podpipe that reads version 1 only would drop; version 3 the base URL each
// episode was built under. Read reads them all.
const CurrentVersion = 3

// Manifest is the published state of a show.
type Manifest struct {
	Version int `json:"version"`
	// Generation counts the manifest's committed writes. The feed and the
	// pages with stable names carry the generation they were rendered
	// from, and are never replaced by the rendering of an older one: the
	// newest manifest's feed is what stays published.
	Generation int64  `json:"generation,omitempty"`
	GUID       string `json:"guid,omitempty"` // podcast:guid, fixed once published
	// ShowImage is the show's published artwork (config show.image), under
	// a content-hashed key so a new cover gets a new URL.
	ShowImage *Object   `json:"showImage,omitempty"`
	Updated   time.Time `json:"updated"`
	Episodes  []Episode `json:"episodes"` // the episodes in the feed

	// Unpublished are the episodes taken out of the feed: publishing the
	// whole show passes them over, publishing one by name restores it.
	Unpublished []Unpublished `json:"unpublished,omitempty"`
	// Superseded are objects no episode links any more, kept for a grace
	// period since apps may still hold a feed that links them.
	Superseded []Superseded `json:"superseded,omitempty"`
}

// Unpublished is an episode taken out of the feed.
type Unpublished struct {
	Slug string    `json:"slug"`
	GUID string    `json:"guid"` // kept should it be published again
	Date time.Time `json:"date"` // its pubDate while it was published
	At   time.Time `json:"at"`   // when it was unpublished
	// Objects are the episode's objects, still in storage; none when they
	// were deleted (unpublish --delete).
	Objects []Object `json:"objects,omitempty"`
}

// Superseded is an object that no episode links any more since Since; it is
// deleted once the grace period (publish.keep_superseded) has passed.
type Superseded struct {
	Key   string    `json:"key"`
	Since time.Time `json:"since"`
}

// Object is one published object. Either SHA256 or Recipe names its
// content; a manifest written before Recipe existed has SHA256 only.
type Object struct {
	Key  string `json:"key"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the object's bytes.
	SHA256 string `json:"sha256,omitempty"`
	// Recipe, for an object made from others and not hashed as a whole
	// (the published audio), is the hex SHA-256 of what it was made
	// from: the source's sum (a SHA-256 of its blocks' SHA-256, or, for
	// objects of older podpipes, of the whole file) and the bytes put in
	// front of the source's audio (see pipeline's recipeSum). It changes
	// whenever the content does.
	Recipe      string `json:"recipe,omitempty"`
	ContentType string `json:"contentType"`
}

// Person is a podcast:person of an episode.
type Person struct {
	Name string `json:"name"`
	Role string `json:"role"` // podcast:person role: host, guest, …
	Note string `json:"note,omitempty"`
	Href string `json:"href,omitempty"`
	Img  string `json:"img,omitempty"`
	// Group is the podcast:person group (the taxonomy's "cast" when empty).
	Group string `json:"group,omitempty"`
}

// Soundbite is a podcast:soundbite: a part of the episode worth sharing.
type Soundbite struct {
	Start    float64 `json:"start"`    // seconds
	Duration float64 `json:"duration"` // seconds
	Title    string  `json:"title,omitempty"`
}

// Location is a podcast:location: the place the show or episode is about.
type Location struct {
	Name string `json:"name"`
	Geo  string `json:"geo,omitempty"` // RFC 5870 geo: URI
	OSM  string `json:"osm,omitempty"` // OpenStreetMap type and id, e.g. R113314
}

// Txt is a podcast:txt: free text for machines, such as a verification
// token.
type Txt struct {
	Purpose string `json:"purpose,omitempty"`
	Value   string `json:"value"`
}

// AltEnclosure is a podcast:alternateEnclosure: another file of the same
// episode (an AAC or Opus rendition, a lower bitrate), kept where the
// producer keeps it.
type AltEnclosure struct {
	URL     string  `json:"url"`
	Type    string  `json:"type"`
	Length  int64   `json:"length"`
	Bitrate float64 `json:"bitrate,omitempty"` // bits per second
	Title   string  `json:"title,omitempty"`
	Codecs  string  `json:"codecs,omitempty"`
	Lang    string  `json:"lang,omitempty"`
}

// Chapter is a chapter as the feed shows it (psc:chapters and the timestamp
// list of the description).
type Chapter struct {
	Start  float64 `json:"start"` // seconds
	Title  string  `json:"title"`
	URL    string  `json:"url,omitempty"`
	Hidden bool    `json:"hidden,omitempty"`
}

// Transcript is one published transcript format.
type Transcript struct {
	Object
	Format string `json:"format"` // vtt, srt, json, html, txt
}

// Episode is one published episode.
type Episode struct {
	Slug        string    `json:"slug"`
	GUID        string    `json:"guid"` // never changes across republishes
	Title       string    `json:"title"`
	Number      int       `json:"number,omitempty"`
	Season      int       `json:"season,omitempty"`
	EpisodeType string    `json:"episodeType,omitempty"` // full, trailer, bonus
	Date        time.Time `json:"date"`                  // pubDate
	Language    string    `json:"language,omitempty"`
	Explicit    *bool     `json:"explicit,omitempty"`
	Description string    `json:"description"` // show notes, plain text
	NotesHTML   string    `json:"notesHtml"`   // show notes, HTML
	Duration    float64   `json:"duration"`    // seconds
	Timing      string    `json:"timing,omitempty"`

	// NumberZero says the source numbers the episode 0 (a pilot, an
	// "episode 00"): podcast:episode 0, and no itunes:episode, which
	// Apple takes only from 1.
	NumberZero  bool   `json:"numberZero,omitempty"`
	SeasonName  string `json:"seasonName,omitempty"`  // podcast:season name
	ITunesTitle string `json:"itunesTitle,omitempty"` // itunes:title: the title without numbering
	Block       bool   `json:"block,omitempty"`       // itunes:block: keep the episode out of Apple's directory

	Soundbites    []Soundbite    `json:"soundbites,omitempty"`
	Location      *Location      `json:"location,omitempty"`
	Txt           []Txt          `json:"txt,omitempty"`
	AltEnclosures []AltEnclosure `json:"altEnclosures,omitempty"`

	Audio       Object       `json:"audio"`
	Image       *Object      `json:"image,omitempty"`
	Page        Object       `json:"page"` // the HTML transcript page (stable key)
	Chapters    *Object      `json:"chapters,omitempty"`
	Transcripts []Transcript `json:"transcripts"`
	Persons     []Person     `json:"persons,omitempty"`
	ChapterList []Chapter    `json:"chapterList,omitempty"`

	// SourceHash is the hash of everything the episode was built from; an
	// unchanged episode is not rebuilt or re-uploaded. It begins "tree:"
	// when it was made from the audio's block sum; without, an older
	// podpipe made it from the SHA-256 of the whole audio file.
	SourceHash string `json:"sourceHash,omitempty"`
	// BaseURL is publish.base_url, ending in "/", when the episode was
	// built: its MP3's tag holds the URL of its page under it, so that a
	// publish under another base URL uploads its audio again. Empty in
	// a manifest written before version 3.
	BaseURL string `json:"baseURL,omitempty"`
}

// Objects returns every object the episode links, audio first.
func (e *Episode) Objects() []Object {
	objs := []Object{e.Audio, e.Page}
	if e.Image != nil {
		objs = append(objs, *e.Image)
	}
	if e.Chapters != nil {
		objs = append(objs, *e.Chapters)
	}
	for _, t := range e.Transcripts {
		objs = append(objs, t.Object)
	}
	return objs
}

// Find returns the episode with the slug, or nil.
func (m *Manifest) Find(slug string) *Episode {
	for i := range m.Episodes {
		if m.Episodes[i].Slug == slug {
			return &m.Episodes[i]
		}
	}
	return nil
}

// Upsert replaces the episode with the same slug or adds it, keeping the
// episode's GUID when it was published before.
func (m *Manifest) Upsert(e Episode) {
	if old := m.Find(e.Slug); old != nil {
		if old.GUID != "" {
			e.GUID = old.GUID
		}
		*old = e
	} else {
		m.Episodes = append(m.Episodes, e)
	}
	m.Sort()
}

// Remove drops the episode with the slug and reports whether it was there.
func (m *Manifest) Remove(slug string) (Episode, bool) {
	for i, e := range m.Episodes {
		if e.Slug == slug {
			m.Episodes = append(m.Episodes[:i], m.Episodes[i+1:]...)
			return e, true
		}
	}
	return Episode{}, false
}

// FindUnpublished returns the unpublished episode with the slug, or nil.
func (m *Manifest) FindUnpublished(slug string) *Unpublished {
	for i := range m.Unpublished {
		if m.Unpublished[i].Slug == slug {
			return &m.Unpublished[i]
		}
	}
	return nil
}

// Unpublish takes the episode with the slug out of the feed and records it
// as unpublished at the time given, with its objects unless deleted (they
// are then recorded as none). It reports whether the episode was published.
func (m *Manifest) Unpublish(slug string, at time.Time, deleted bool) bool {
	e, ok := m.Remove(slug)
	if !ok {
		return false
	}
	u := Unpublished{Slug: e.Slug, GUID: e.GUID, Date: e.Date, At: at}
	if !deleted {
		u.Objects = uniqueObjects(e.Objects())
	}
	m.Restore(slug)
	m.Unpublished = append(m.Unpublished, u)
	sort.Slice(m.Unpublished, func(i, j int) bool { return m.Unpublished[i].Slug < m.Unpublished[j].Slug })
	return true
}

// Restore drops the episode with the slug from the unpublished ones, as it
// is published again, and returns its record.
func (m *Manifest) Restore(slug string) (Unpublished, bool) {
	for i, u := range m.Unpublished {
		if u.Slug == slug {
			m.Unpublished = append(m.Unpublished[:i], m.Unpublished[i+1:]...)
			return u, true
		}
	}
	return Unpublished{}, false
}

// Linked returns the key of every object the manifest keeps: the
// episodes', the unpublished episodes' still stored, and the show's
// artwork.
func (m *Manifest) Linked() map[string]bool {
	keys := map[string]bool{}
	for i := range m.Episodes {
		for _, o := range m.Episodes[i].Objects() {
			keys[o.Key] = true
		}
	}
	for _, u := range m.Unpublished {
		for _, o := range u.Objects {
			keys[o.Key] = true
		}
	}
	if m.ShowImage != nil {
		keys[m.ShowImage.Key] = true
	}
	return keys
}

// Supersede records the keys as superseded since the time given, unless the
// manifest still keeps them or already records them (the earlier time
// stays). A key kept again is no longer superseded: call it after every
// change to the episodes.
func (m *Manifest) Supersede(keys []string, since time.Time) {
	linked := m.Linked()
	have := map[string]bool{}
	kept := m.Superseded[:0]
	for _, s := range m.Superseded {
		if !linked[s.Key] && !have[s.Key] {
			kept = append(kept, s)
			have[s.Key] = true
		}
	}
	m.Superseded = kept
	for _, k := range keys {
		if k != "" && !linked[k] && !have[k] {
			m.Superseded = append(m.Superseded, Superseded{Key: k, Since: since})
			have[k] = true
		}
	}
	sort.SliceStable(m.Superseded, func(i, j int) bool { return m.Superseded[i].Key < m.Superseded[j].Key })
	if len(m.Superseded) == 0 {
		m.Superseded = nil
	}
}

// Expired returns the superseded objects whose grace period keep has passed
// at now and that nothing links, oldest first.
func (m *Manifest) Expired(now time.Time, keep time.Duration) []Superseded {
	linked := m.Linked()
	var out []Superseded
	for _, s := range m.Superseded {
		if !linked[s.Key] && !s.Since.Add(keep).After(now) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

// Forget drops the keys from the superseded objects, once deleted.
func (m *Manifest) Forget(keys []string) {
	gone := map[string]bool{}
	for _, k := range keys {
		gone[k] = true
	}
	kept := m.Superseded[:0]
	for _, s := range m.Superseded {
		if !gone[s.Key] {
			kept = append(kept, s)
		}
	}
	m.Superseded = kept
	if len(m.Superseded) == 0 {
		m.Superseded = nil
	}
}

// uniqueObjects lists objects once each, in order: an episode's page is
// also its html transcript.
func uniqueObjects(objs []Object) []Object {
	seen := map[string]bool{}
	var out []Object
	for _, o := range objs {
		if o.Key != "" && !seen[o.Key] {
			seen[o.Key] = true
			out = append(out, o)
		}
	}
	return out
}

// Sort orders episodes newest first (by date, then number, then slug), the
// order of the feed.
func (m *Manifest) Sort() {
	sort.SliceStable(m.Episodes, func(i, j int) bool {
		a, b := m.Episodes[i], m.Episodes[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		if a.Number != b.Number {
			return a.Number > b.Number
		}
		return a.Slug > b.Slug
	})
}

// MaxSize bounds the size of a manifest Read reads: some 20,000 episodes
// of a dozen objects each. The manifest comes from the store, which may be
// a server that sends without end.
const MaxSize = 64 << 20

// ErrTooLarge is a manifest larger than MaxSize.
var ErrTooLarge = fmt.Errorf("manifest: larger than %d MiB", MaxSize>>20)

// The manifest is read and written with encoding/json's v2 (the module
// it is being developed in), under v1's semantics so that a manifest reads
// and writes byte for byte as it did with encoding/json. A 10,000-episode
// manifest is some 44 MB: encoding/json buffered the whole document before
// decoding it; v2 decodes it as it streams in, about 1.5× as fast
// (BenchmarkRead10k beside BenchmarkReadV1Whole10k).
var (
	readOptions  = json.JoinOptions(jsonv1.DefaultOptionsV1(), json.RejectUnknownMembers(true))
	writeOptions = json.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false))
)

// Read decodes a manifest.
func Read(r io.Reader) (*Manifest, error) {
	var eps []Episode
	m, err := readEach(r, func(e *Episode) error {
		eps = append(eps, *e)
		return nil
	}, func() {
		// An episodes array, not null: written back as [] even when
		// empty.
		eps = []Episode{}
	})
	if err != nil {
		return nil, err
	}
	m.Episodes = eps
	return m, nil
}

// ReadEach decodes a manifest as it streams in, one episode at a time:
// each is passed to each as soon as it is read, and not kept. The manifest
// returned has every field but Episodes. An error from each stops the
// reading and is returned as it is.
func ReadEach(r io.Reader, each func(*Episode) error) (*Manifest, error) {
	return readEach(r, each, func() {})
}

// readEach is ReadEach that calls array when the episodes are an array
// (not null), before the first episode.
func readEach(r io.Reader, each func(*Episode) error, array func()) (*Manifest, error) {
	return readWith(r, readOptions, func(dec *jsontext.Decoder) error { return decodeEpisodes(dec, each, array) })
}

// readWith decodes a manifest's every member but its episodes, which
// episodes decodes, the decoder (made with opts) at the member's value.
func readWith(r io.Reader, opts json.Options, episodes func(*jsontext.Decoder) error) (*Manifest, error) {
	m := &Manifest{}
	lr := &io.LimitedReader{R: r, N: MaxSize + 1}
	dec := jsontext.NewDecoder(lr, opts)
	err := m.decode(dec, episodes)
	var ce callbackError
	switch {
	case errors.As(err, &ce):
		return nil, ce.err
	case err != nil && lr.N <= 0:
		return nil, ErrTooLarge
	case err != nil:
		return nil, fmt.Errorf("manifest: at byte %d: %w", dec.InputOffset(), err)
	}
	if m.Version < 1 || m.Version > CurrentVersion {
		return nil, fmt.Errorf("manifest: unsupported version %d: written by a newer podpipe", m.Version)
	}
	return m, nil
}

// callbackError carries an error of ReadEach's each out of decode as it
// is.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// decode walks the manifest's object member by member, and its episodes
// element by element, each decoded on its own so that the decoder never
// needs more than one episode in its buffer.
func (m *Manifest) decode(dec *jsontext.Decoder, episodes func(*jsontext.Decoder) error) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return fmt.Errorf("%s where an object should start", tok.Kind())
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		var field any
		// Names match as encoding/json matched them: without regard to
		// case.
		switch strings.ToLower(name) {
		case "version":
			field = &m.Version
		case "generation":
			field = &m.Generation
		case "guid":
			field = &m.GUID
		case "showimage":
			field = &m.ShowImage
		case "updated":
			field = &m.Updated
		case "unpublished":
			field = &m.Unpublished
		case "superseded":
			field = &m.Superseded
		case "episodes":
			if err := episodes(dec); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("unknown field %q", name)
		}
		if err := json.UnmarshalDecode(dec, field, readOptions); err != nil {
			return err
		}
	}
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '}' {
		return fmt.Errorf("%s where the object should end", tok.Kind())
	}
	return nil
}

// openEpisodes reads the start of the episodes' array: false for a null.
func openEpisodes(dec *jsontext.Decoder) (bool, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return false, err
	}
	switch tok.Kind() {
	case 'n':
		return false, nil
	case '[':
		return true, nil
	}
	return false, fmt.Errorf("episodes: %s where an array should start", tok.Kind())
}

func decodeEpisodes(dec *jsontext.Decoder, each func(*Episode) error, array func()) error {
	if ok, err := openEpisodes(dec); !ok {
		return err
	}
	array()
	for dec.PeekKind() != ']' {
		var e Episode
		if err := json.UnmarshalDecode(dec, &e, readOptions); err != nil {
			return err
		}
		if err := each(&e); err != nil {
			return callbackError{err}
		}
	}
	_, err := dec.ReadToken()
	return err
}

// Write encodes m as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	m.Version = CurrentVersion
	// The Encoder ends the value with a newline, as encoding/json's did.
	return json.MarshalEncode(jsontext.NewEncoder(w, writeOptions), m, writeOptions)
}
