package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
)

// frontMatter is what the TOML between the +++ lines may set. Pointers tell
// "not given" from a zero value, so front matter overrides only what it names.
type frontMatter struct {
	Title       *string `toml:"title"`
	Date        any     `toml:"date"` // a TOML date or a string in any format the metadata lines accept
	Episode     *int    `toml:"episode"`
	Season      *int    `toml:"season"`
	Language    *string `toml:"language"`
	Explicit    *bool   `toml:"explicit"`
	Audio       *string `toml:"audio"`
	Image       *string `toml:"image"`
	GUID        *string `toml:"guid"`
	EpisodeType *string `toml:"episode_type"` // full, trailer or bonus
	Hosts       []any   `toml:"hosts"`        // "Name (role)" or {name, role}
	Guests      []any   `toml:"guests"`       // the same
	Description *string `toml:"description"`
	Chapters    []struct {
		Start any    `toml:"start"` // "hh:mm:ss" or seconds
		Title string `toml:"title"`
		URL   string `toml:"url"`
		Image string `toml:"image"`
	} `toml:"chapters"`
}

// splitFrontMatter cuts TOML front matter between two "+++" lines off the
// top of src. It returns the TOML, the Markdown body and how many lines
// precede the body, so body line numbers can be reported as file lines.
func splitFrontMatter(name string, src []byte) (fm, body []byte, skipped int, err error) {
	if !bytes.HasPrefix(src, []byte("+++")) {
		return nil, src, 0, nil
	}
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if strings.TrimSpace(string(first)) != "+++" {
		return nil, src, 0, nil
	}
	line := 1
	var toml []byte
	for len(rest) > 0 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\n"))
		line++
		if strings.TrimSpace(string(l)) == "+++" {
			return toml, rest, line, nil
		}
		toml = append(append(toml, l...), '\n')
	}
	return nil, nil, 0, transcript.Errorf(name, 1, "front matter has no closing +++ line")
}

// applyFrontMatter decodes fm and overrides t's fields with what it sets.
func applyFrontMatter(name string, fm []byte, t *transcript.Transcript) error {
	var m frontMatter
	dec := toml.NewDecoder(bytes.NewReader(fm)).DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		var de *toml.DecodeError
		var se *toml.StrictMissingError
		switch {
		case errors.As(err, &se) && len(se.Errors) > 0:
			row, _ := se.Errors[0].Position()
			return transcript.Errorf(name, row+1, "front matter: unknown key %s", strings.Join(se.Errors[0].Key(), "."))
		case errors.As(err, &de):
			row, _ := de.Position()
			if key := strings.Join(de.Key(), "."); key != "" {
				return transcript.Errorf(name, row+1, "front matter: %s: %s", key, plainerr.TOML(de))
			}
			return transcript.Errorf(name, row+1, "front matter: %s", plainerr.TOML(de))
		}
		return transcript.Errorf(name, 2, "front matter: %s", plainerr.TOML(err))
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.Title, m.Title)
	set(&t.Language, m.Language)
	set(&t.Audio, m.Audio)
	set(&t.Image, m.Image)
	set(&t.GUID, m.GUID)
	if m.EpisodeType != nil {
		if err := rules.CheckEpisodeType(*m.EpisodeType); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "episode_type"), "front matter: episode_type: %v", err)
		}
		t.EpisodeType = *m.EpisodeType
	}
	if m.Language != nil {
		if err := rules.CheckLanguage(*m.Language); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "language"), "front matter: language: %v", err)
		}
	}
	// The numbers and the date go into the feed as they are: a typo there
	// misplaces the episode in every app (or, for 0001-01-01, reads as
	// no date at all).
	if m.Episode != nil {
		if err := rules.CheckEpisodeNumber(int64(*m.Episode)); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "episode"), "front matter: %v", err)
		}
		t.Episode = *m.Episode
	}
	if m.Season != nil {
		if err := rules.CheckSeason(int64(*m.Season)); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "season"), "front matter: %v", err)
		}
		t.Season = *m.Season
	}
	if m.Explicit != nil {
		t.Explicit = m.Explicit
	}
	if m.Date != nil {
		d, err := tomlDate(m.Date)
		if err == nil {
			err = rules.CheckDate(d)
		}
		if err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "date"), "front matter: %v", err)
		}
		t.Date = d
	}
	var err error
	if m.Hosts != nil {
		if t.Hosts, err = tomlPeople(m.Hosts); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "hosts"), "front matter: hosts: %v", err)
		}
	}
	if m.Guests != nil {
		if t.Guests, err = tomlPeople(m.Guests); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "guests"), "front matter: guests: %v", err)
		}
	}
	if m.Description != nil {
		t.Description = strings.TrimSpace(*m.Description)
		var b strings.Builder
		for p := range strings.SplitSeq(t.Description, "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString("<p>" + escape(transcript.Normalize(p)) + "</p>\n")
			}
		}
		t.NotesHTML = b.String()
	}
	for _, c := range m.Chapters {
		var start time.Duration
		switch v := c.Start.(type) {
		case string:
			if start, err = transcript.ParseClock(v); err != nil {
				return transcript.Errorf(name, lineOfKey(fm, "start"), "front matter: chapter %q: %v", c.Title, err)
			}
		case int64:
			start = time.Duration(v) * time.Second
		case float64:
			start = time.Duration(v * float64(time.Second)).Round(time.Millisecond)
		default:
			return transcript.Errorf(name, lineOfKey(fm, "chapters"), "front matter: chapter %q has no start", c.Title)
		}
		if c.Title == "" {
			return transcript.Errorf(name, lineOfKey(fm, "chapters"), "front matter: chapter at %s has no title", transcript.FormatClock(start))
		}
		// A chapter's links reach the feed, the chapters JSON and the
		// ID3 frames: only http(s).
		for _, u := range []struct{ key, val string }{{"url", c.URL}, {"image", c.Image}} {
			if u.val == "" {
				continue
			}
			if err := rules.CheckURL(u.val); err != nil {
				return transcript.Errorf(name, lineOfValue(fm, u.key, u.val), "front matter: chapter %q: %s: %v", c.Title, u.key, err)
			}
		}
		t.Chapters = append(t.Chapters, transcript.ChapterMark{Start: start, Title: c.Title, URL: c.URL, Image: c.Image})
	}
	return nil
}

// lineOfKey finds the file line of the first "key =" in the front matter,
// for errors found after decoding.
func lineOfKey(fm []byte, key string) int {
	for i, l := range strings.Split(string(fm), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, key) && strings.HasPrefix(strings.TrimSpace(l[len(key):]), "=") ||
			l == "[["+key+"]]" {
			return i + 2 // the opening +++ is line 1
		}
	}
	return 1
}

// lineOfValue finds the file line of the first "key = …val…", for an error
// about one entry of an array of tables.
func lineOfValue(fm []byte, key, val string) int {
	for i, l := range strings.Split(string(fm), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, key) && strings.HasPrefix(strings.TrimSpace(l[len(key):]), "=") && strings.Contains(l, val) {
			return i + 2 // the opening +++ is line 1
		}
	}
	return lineOfKey(fm, key)
}

func tomlDate(v any) (time.Time, error) {
	switch d := v.(type) {
	case toml.LocalDate:
		return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC), nil
	case toml.LocalDateTime:
		return d.AsTime(time.UTC), nil
	case time.Time:
		return d, nil
	case string:
		return parseDate(d)
	}
	return time.Time{}, fmt.Errorf("date %v is neither a date nor a string", v)
}

func tomlPeople(vs []any) ([]transcript.Person, error) {
	var ps []transcript.Person
	for _, v := range vs {
		switch p := v.(type) {
		case string:
			ps = append(ps, parsePerson(p))
		case map[string]any:
			name, _ := p["name"].(string)
			role, _ := p["role"].(string)
			if strings.TrimSpace(name) == "" {
				return nil, errors.New("a person has no name")
			}
			ps = append(ps, transcript.Person{Name: strings.TrimSpace(name), Role: strings.TrimSpace(role)})
		default:
			return nil, fmt.Errorf("%v is neither \"Name (role)\" nor {name, role}", v)
		}
	}
	return ps, nil
}
