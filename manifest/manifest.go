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

// MaxSize bounds the size of a manifest Read reads: some 20,000 episodes
// of a dozen objects each. The manifest comes from the store, which may be
// a server that sends without end.
const MaxSize = 64 << 20

// ErrTooLarge is a manifest larger than MaxSize.
var ErrTooLarge = fmt.Errorf("manifest: larger than %d MiB", MaxSize>>20)

// Read decodes a manifest.
func Read(r io.Reader) (*Manifest, error) {
	var m Manifest
	lr := &io.LimitedReader{R: r, N: MaxSize + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		if lr.N <= 0 {
			return nil, ErrTooLarge
		}
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
