package markdown_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// TestFrontMatterFeedTags reads every feed-only key of the front matter.
func TestFrontMatterFeedTags(t *testing.T) {
	src := `+++
date = 2025-09-24T09:30:00+08:00
episode = 0
season = 2
season_name = "Live"
itunes_title = "Tracing"
block = true
hosts = [{ name = "Ada", role = "host", href = "https://example.org/ada", img = "https://example.org/ada.jpg", group = "cast" }]
guests = ["Bob (SRE)", { name = "Cy", group = "Writing" }]

[[soundbites]]
start = "00:01:05"
duration = 20.5
title = "The point"

[location]
name = "Taipei"
geo = "geo:25.03,121.56"
osm = "R1293250"

[[txt]]
purpose = "verify"
value = "abc"

[[alternate_enclosures]]
url = "https://media.example.org/1.opus"
type = "audio/opus"
length = 1000
bitrate = 64000
title = "Opus"
codecs = "opus"
lang = "en"
+++
` + head + "**Ada:** hi\n"
	tr, err := markdown.Parse("ep.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := transcript.FeedTags{
		EpisodeZero: true, SeasonName: "Live", ITunesTitle: "Tracing", Block: true,
		Soundbites:    []transcript.Soundbite{{Start: 65 * time.Second, Duration: 20500 * time.Millisecond, Title: "The point"}},
		Location:      &transcript.Location{Name: "Taipei", Geo: "geo:25.03,121.56", OSM: "R1293250"},
		Txt:           []transcript.Txt{{Purpose: "verify", Value: "abc"}},
		AltEnclosures: []transcript.AltEnclosure{{URL: "https://media.example.org/1.opus", Type: "audio/opus", Length: 1000, Bitrate: 64000, Title: "Opus", Codecs: "opus", Lang: "en"}},
		People: map[string]transcript.PersonLinks{
			"Ada": {Href: "https://example.org/ada", Img: "https://example.org/ada.jpg", Group: "cast"},
			"Cy":  {Group: "Writing"},
		},
	}
	if !reflect.DeepEqual(tr.Feed, want) {
		t.Errorf("feed tags\n got %+v\nwant %+v", tr.Feed, want)
	}
	if tr.Episode != 0 || !tr.Date.Equal(time.Date(2025, 9, 24, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("episode %d date %v", tr.Episode, tr.Date)
	}
	if len(tr.Guests) != 2 || tr.Guests[0] != (transcript.Person{Name: "Bob", Role: "SRE"}) || tr.Guests[1].Name != "Cy" {
		t.Errorf("guests %+v", tr.Guests)
	}
}

// TestFrontMatterFeedTagErrors: a value feed validate would reject is an
// error at its line.
func TestFrontMatterFeedTagErrors(t *testing.T) {
	body := "+++\n" + head + "**A:** hi\n"
	for _, tc := range []struct{ name, fm, want string }{
		{"season name too long", `season_name = "` + strings.Repeat("s", 129) + `"`, "ep.md:2: front matter: season_name is 129 characters"},
		{"itunes title empty", "title = \"x\"\nitunes_title = \" \"", "ep.md:3: front matter: itunes_title is empty"},
		{"guest href", `guests = [{ name = "Bob", href = "javascript:alert(1)" }]`, `ep.md:2: front matter: guests: Bob: href: "javascript:alert(1)" is not an absolute http or https URL`},
		{"host group", `hosts = [{ name = "Ada", group = "band" }]`, `ep.md:2: front matter: hosts: Ada: group: "band" is not a group`},
		{"person unknown key", `guests = [{ name = "Bob", url = "https://example.org" }]`, "ep.md:2: front matter: guests: unknown key url"},
		{"soundbite without duration", "[[soundbites]]\nstart = 5", `ep.md:2: front matter: soundbite "": duration: missing`},
		{"soundbite zero", "[[soundbites]]\nstart = 5\nduration = 0", `ep.md:2: front matter: soundbite "": soundbite at 5s has no duration`},
		{"location geo", "[location]\nname = \"x\"\ngeo = \"north\"", `ep.md:4: front matter: location: geo: "north" is not a geo URI`},
		{"location osm", "[location]\nname = \"x\"\nosm = \"Q42\"", `ep.md:4: front matter: location: osm: "Q42" is not an OpenStreetMap object`},
		{"txt empty", "[[txt]]\npurpose = \"x\"", "ep.md:2: front matter: txt: txt is empty"},
		{"alternate without length", "[[alternate_enclosures]]\nurl = \"https://m.example.org/a.opus\"\ntype = \"audio/opus\"", "ep.md:3: front matter: alternate_enclosures: length: 0 is not the file's size in bytes"},
		{"alternate url", "[[alternate_enclosures]]\nurl = \"a.opus\"\ntype = \"audio/opus\"\nlength = 5", `ep.md:3: front matter: alternate_enclosures: url: "a.opus" is not an absolute http or https URL`},
		{"alternate type", "[[alternate_enclosures]]\nurl = \"https://m.example.org/a.opus\"\ntype = \"opus\"\nlength = 5", `ep.md:3: front matter: alternate_enclosures: type: "opus" is not a media type`},
		{"episode too big", "episode = 100000", "ep.md:2: front matter: episode 100000 is not a number from 0 to 99999"},
	} {
		_, err := markdown.Parse("ep.md", []byte("+++\n"+tc.fm+"\n"+body))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v\nwant %s…", tc.name, err, tc.want)
		}
	}
}
