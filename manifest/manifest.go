// Package manifest is the record of what is published: the show's permanent
// podcast:guid and, per episode, every object uploaded for it with its
// content hash. It is kept beside the feed in storage as JSON; the feed is a
// pure function of the show config and the manifest.
package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// Key is the manifest's object key in storage.
const Key = "manifest.json"

// Manifest is the published state of a show.
type Manifest struct {
	Version int    `json:"version"`
	GUID    string `json:"guid,omitempty"` // podcast:guid, fixed once published
	// ShowImage is the show's published artwork (config show.image), under
	// a content-hashed key so a new cover gets a new URL.
	ShowImage *Object   `json:"showImage,omitempty"`
	Updated   time.Time `json:"updated"`
	Episodes  []Episode `json:"episodes"`
}

// Object is one published object.
type Object struct {
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
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
	// unchanged episode is not rebuilt or re-uploaded.
	SourceHash string `json:"sourceHash,omitempty"`
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

// Read decodes a manifest.
func Read(r io.Reader) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("manifest: unsupported version %d", m.Version)
	}
	return &m, nil
}

// Write encodes m as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	if m.Version == 0 {
		m.Version = 1
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}
