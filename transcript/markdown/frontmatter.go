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
	ITunesTitle *string `toml:"itunes_title"` // itunes:title
	SeasonName  *string `toml:"season_name"`  // podcast:season name
	Block       *bool   `toml:"block"`        // itunes:block
	Soundbites  []struct {
		Start    any    `toml:"start"`    // "hh:mm:ss" or seconds
		Duration any    `toml:"duration"` // the same
		Title    string `toml:"title"`
	} `toml:"soundbites"`
	Location *struct {
		Name string `toml:"name"`
		Geo  string `toml:"geo"`
		OSM  string `toml:"osm"`
	} `toml:"location"`
	Txt []struct {
		Purpose string `toml:"purpose"`
		Value   string `toml:"value"`
	} `toml:"txt"`
	AltEnclosures []struct {
		URL     string  `toml:"url"`
		Type    string  `toml:"type"`
		Length  int64   `toml:"length"`
		Bitrate float64 `toml:"bitrate"`
		Title   string  `toml:"title"`
		Codecs  string  `toml:"codecs"`
		Lang    string  `toml:"lang"`
	} `toml:"alternate_enclosures"`
	Chapters []struct {
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
		// 0 is podcast:episode 0 (a pilot); Apple's itunes:episode
		// starts at 1, so the feed leaves that out.
		if err := rules.CheckPodcastEpisode(int64(*m.Episode)); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "episode"), "front matter: %v", err)
		}
		t.Episode = *m.Episode
		t.Feed.EpisodeZero = *m.Episode == 0
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
		if t.Hosts, err = tomlPeople(m.Hosts, &t.Feed); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "hosts"), "front matter: hosts: %v", err)
		}
	}
	if m.Guests != nil {
		if t.Guests, err = tomlPeople(m.Guests, &t.Feed); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "guests"), "front matter: guests: %v", err)
		}
	}
	if err := applyFeedTags(name, fm, &m, t); err != nil {
		return err
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

// tomlPeople reads hosts or guests: "Name (role)" strings, or tables
// {name, role, href, img, group} whose links go to tags.People.
func tomlPeople(vs []any, tags *transcript.FeedTags) ([]transcript.Person, error) {
	var ps []transcript.Person
	for _, v := range vs {
		switch p := v.(type) {
		case string:
			ps = append(ps, parsePerson(p))
		case map[string]any:
			str := map[string]string{}
			for k, v := range p {
				s, ok := v.(string)
				switch {
				case k != "name" && k != "role" && k != "href" && k != "img" && k != "group":
					return nil, fmt.Errorf("unknown key %s (a person has name, role, href, img and group)", k)
				case !ok:
					return nil, fmt.Errorf("%s of a person is not a string", k)
				}
				str[k] = strings.TrimSpace(s)
			}
			name := str["name"]
			if err := rules.CheckPersonName(name); err != nil {
				return nil, err
			}
			for _, k := range []string{"href", "img"} {
				if str[k] != "" {
					if err := rules.CheckURL(str[k]); err != nil {
						return nil, fmt.Errorf("%s: %s: %v", name, k, err)
					}
				}
			}
			if str["group"] != "" {
				if err := rules.CheckPersonGroup(str["group"]); err != nil {
					return nil, fmt.Errorf("%s: group: %v", name, err)
				}
			}
			if str["href"] != "" || str["img"] != "" || str["group"] != "" {
				if tags.People == nil {
					tags.People = map[string]transcript.PersonLinks{}
				}
				tags.People[name] = transcript.PersonLinks{Href: str["href"], Img: str["img"], Group: str["group"]}
			}
			ps = append(ps, transcript.Person{Name: name, Role: str["role"]})
		default:
			return nil, fmt.Errorf("%v is neither \"Name (role)\" nor {name, role, href, img, group}", v)
		}
	}
	return ps, nil
}

// applyFeedTags checks and sets the front matter's feed-only keys.
func applyFeedTags(name string, fm []byte, m *frontMatter, t *transcript.Transcript) error {
	fail := func(key string, err error) error {
		return transcript.Errorf(name, lineOfKey(fm, key), "front matter: %s: %v", key, err)
	}
	short := func(key string, v *string, dst *string) error {
		if v == nil {
			return nil
		}
		if err := rules.CheckShortText(key, *v); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, key), "front matter: %v", err)
		}
		*dst = strings.TrimSpace(*v)
		return nil
	}
	if err := short("itunes_title", m.ITunesTitle, &t.Feed.ITunesTitle); err != nil {
		return err
	}
	if err := short("season_name", m.SeasonName, &t.Feed.SeasonName); err != nil {
		return err
	}
	if m.Block != nil {
		t.Feed.Block = *m.Block
	}
	for _, b := range m.Soundbites {
		start, err := seconds(b.Start)
		if err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "soundbites"), "front matter: soundbite %q: start: %v", b.Title, err)
		}
		dur, err := seconds(b.Duration)
		if err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "soundbites"), "front matter: soundbite %q: duration: %v", b.Title, err)
		}
		if err := rules.CheckSoundbite(start.Seconds(), dur.Seconds(), 0); err != nil {
			return transcript.Errorf(name, lineOfKey(fm, "soundbites"), "front matter: soundbite %q: %v", b.Title, err)
		}
		if b.Title != "" {
			if err := rules.CheckShortText("title", b.Title); err != nil {
				return transcript.Errorf(name, lineOfValue(fm, "title", b.Title), "front matter: soundbite: %v", err)
			}
		}
		t.Feed.Soundbites = append(t.Feed.Soundbites, transcript.Soundbite{Start: start, Duration: dur, Title: strings.TrimSpace(b.Title)})
	}
	if l := m.Location; l != nil {
		if err := rules.CheckShortText("name", l.Name); err != nil {
			return fail("location", err)
		}
		if l.Geo != "" {
			if err := rules.CheckGeo(l.Geo); err != nil {
				return transcript.Errorf(name, lineOfKey(fm, "geo"), "front matter: location: geo: %v", err)
			}
		}
		if l.OSM != "" {
			if err := rules.CheckOSM(l.OSM); err != nil {
				return transcript.Errorf(name, lineOfKey(fm, "osm"), "front matter: location: osm: %v", err)
			}
		}
		t.Feed.Location = &transcript.Location{Name: strings.TrimSpace(l.Name), Geo: l.Geo, OSM: l.OSM}
	}
	for _, x := range m.Txt {
		if err := rules.CheckTxt(x.Purpose, x.Value); err != nil {
			return fail("txt", err)
		}
		t.Feed.Txt = append(t.Feed.Txt, transcript.Txt{Purpose: strings.TrimSpace(x.Purpose), Value: strings.TrimSpace(x.Value)})
	}
	for _, a := range m.AltEnclosures {
		at := func(key string, err error) error {
			return transcript.Errorf(name, lineOfValue(fm, "url", a.URL), "front matter: alternate_enclosures: %s: %v", key, err)
		}
		if err := rules.CheckURL(a.URL); err != nil {
			return at("url", err)
		}
		if err := rules.CheckMediaType(a.Type); err != nil {
			return at("type", err)
		}
		// Apps pick a rendition by its size and bitrate before they
		// fetch it: the namespace's readers skip one without a length.
		if a.Length <= 0 {
			return at("length", fmt.Errorf("%d is not the file's size in bytes", a.Length))
		}
		if a.Bitrate < 0 {
			return at("bitrate", fmt.Errorf("%g is not bits per second", a.Bitrate))
		}
		if a.Lang != "" {
			if err := rules.CheckLanguage(a.Lang); err != nil {
				return at("lang", err)
			}
		}
		if a.Title != "" {
			if err := rules.CheckShortText("title", a.Title); err != nil {
				return at("title", err)
			}
		}
		t.Feed.AltEnclosures = append(t.Feed.AltEnclosures, transcript.AltEnclosure{
			URL: a.URL, Type: a.Type, Length: a.Length, Bitrate: a.Bitrate,
			Title: strings.TrimSpace(a.Title), Codecs: a.Codecs, Lang: a.Lang,
		})
	}
	return nil
}

// seconds reads a time in the episode: "hh:mm:ss" or seconds.
func seconds(v any) (time.Duration, error) {
	switch x := v.(type) {
	case string:
		return transcript.ParseClock(x)
	case int64:
		return time.Duration(x) * time.Second, nil
	case float64:
		return time.Duration(x * float64(time.Second)).Round(time.Millisecond), nil
	case nil:
		return 0, errors.New("missing")
	}
	return 0, fmt.Errorf("%v is neither \"hh:mm:ss\" nor seconds", v)
}
