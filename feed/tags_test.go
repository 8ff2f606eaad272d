package feed

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/manifest"
)

// taggedShow is the sample show with every optional tag a producer sets.
func taggedShow() (*Show, *manifest.Manifest) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	show.Block, show.Complete = true, true
	show.Hub = "https://pubsubhubbub.appspot.com/"
	show.Location = &manifest.Location{Name: "Taipei", Geo: "geo:25.03,121.56", OSM: "R1293250"}
	show.Txt = []manifest.Txt{{Purpose: "verify", Value: "abc"}}
	show.UpdateFrequency = &UpdateFrequency{Text: "Weekly", RRule: "FREQ=WEEKLY", DTStart: time.Date(2025, 9, 22, 0, 0, 0, 0, time.UTC), Complete: true}
	show.Trailers = []Trailer{{Title: "Trailer", URL: "https://cdn.example.com/tea/t.mp3", PubDate: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Length: 100, Type: "audio/mpeg", Season: 1}}
	show.Podroll = []RemoteItem{{FeedGUID: "917393e3-1b1e-5cef-ace4-edaa54e1f810", FeedURL: "https://mp3s.nashownotes.com/pc20rss.xml"}}
	show.Hosts[0].Group = "cast"
	e := &m.Episodes[0]
	e.SeasonName, e.ITunesTitle, e.Block = "Live", "Tea", true
	e.Soundbites = []manifest.Soundbite{{Start: 5, Duration: 20.5, Title: "Bite"}}
	e.Location = &manifest.Location{Name: "Taipei"}
	e.Txt = []manifest.Txt{{Value: "note"}}
	e.AltEnclosures = []manifest.AltEnclosure{{URL: "https://media.example.org/1.opus", Type: "audio/opus", Length: 1000, Bitrate: 64000, Title: "Opus"}}
	return show, m
}

func taggedFeed(t *testing.T) string {
	t.Helper()
	show, m := taggedShow()
	var b bytes.Buffer
	if err := Write(&b, show, m, buildTime); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTaggedFeedValid: every tag as Write renders it passes Validate, and
// each broken value is reported.
func TestTaggedFeedValid(t *testing.T) {
	f := taggedFeed(t)
	for _, want := range []string{
		`<atom:link href="https://pubsubhubbub.appspot.com/" rel="hub"></atom:link>`,
		`<itunes:block>Yes</itunes:block>`,
		`<itunes:complete>Yes</itunes:complete>`,
		`<podcast:location geo="geo:25.03,121.56" osm="R1293250">Taipei</podcast:location>`,
		`<podcast:updateFrequency complete="true" dtstart="2025-09-22T00:00:00Z" rrule="FREQ=WEEKLY">Weekly</podcast:updateFrequency>`,
		`<podcast:trailer url="https://cdn.example.com/tea/t.mp3" pubdate="Mon, 01 Sep 2025 00:00:00 +0000" length="100" type="audio/mpeg" season="1">Trailer</podcast:trailer>`,
		`<podcast:remoteItem feedGuid="917393e3-1b1e-5cef-ace4-edaa54e1f810" feedUrl="https://mp3s.nashownotes.com/pc20rss.xml"></podcast:remoteItem>`,
		`<itunes:title>Tea</itunes:title>`,
		`<podcast:season name="Live">1</podcast:season>`,
		`<podcast:soundbite startTime="5" duration="20.5">Bite</podcast:soundbite>`,
		`<podcast:alternateEnclosure type="audio/opus" length="1000" bitrate="64000" title="Opus">`,
		`<podcast:source uri="https://media.example.org/1.opus"></podcast:source>`,
		`group="cast"`,
	} {
		if !strings.Contains(f, want) {
			t.Errorf("the feed has no %s", want)
		}
	}
	fs, err := Validate(context.Background(), strings.NewReader(f), ValidateOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		t.Errorf("%s", x)
	}

	broken := []struct {
		name, old, new string
		sev            Severity
		want           string
	}{
		{"block value", "<itunes:block>Yes</itunes:block>", "<itunes:block>true</itunes:block>", Warning, "Apple reads only Yes"},
		{"new-feed-url is self", "<itunes:block>Yes", "<itunes:new-feed-url>https://cdn.example.com/tea/feed.xml</itunes:new-feed-url><itunes:block>Yes", Error, "the feed's own URL"},
		{"hub not a URL", `href="https://pubsubhubbub.appspot.com/"`, `href="hub"`, Error, `"hub" is not an absolute`},
		{"geo", `geo="geo:25.03,121.56"`, `geo="25.03,121.56"`, Error, "not a geo URI"},
		{"osm", `osm="R1293250"`, `osm="Taipei"`, Error, "not an OpenStreetMap object"},
		{"location empty", `>Taipei</podcast:location>`, `></podcast:location>`, Error, "name is empty"},
		{"txt empty", `>abc</podcast:txt>`, `></podcast:txt>`, Error, "txt is empty"},
		{"rrule", `rrule="FREQ=WEEKLY"`, `rrule="weekly"`, Error, "not a recurrence rule"},
		{"dtstart", `dtstart="2025-09-22T00:00:00Z"`, `dtstart="Monday"`, Error, "not an ISO 8601 date-time"},
		{"update complete", `complete="true"`, `complete="yes"`, Error, `complete "yes" is not true or false`},
		{"trailer pubdate", `pubdate="Mon, 01 Sep 2025 00:00:00 +0000"`, `pubdate="2025-09-01"`, Error, "not an RFC 2822 date"},
		{"trailer without url", `url="https://cdn.example.com/tea/t.mp3" `, ``, Error, "has no url"},
		{"trailer type", `type="audio/mpeg" season="1"`, `type="mp3" season="1"`, Error, "not a media type"},
		{"remoteItem guid", `feedGuid="917393e3-1b1e-5cef-ace4-edaa54e1f810"`, `feedGuid="x"`, Error, "not a podcast:guid"},
		{"person group", `group="cast"`, `group="band"`, Error, "not a group of the podcast:person taxonomy"},
		{"season name", `name="Live"`, `name=""`, Error, "name is empty"},
		{"soundbite past the end", `startTime="5"`, `startTime="1230"`, Error, "ends after the episode"},
		{"soundbite start", `startTime="5"`, `startTime="0:05"`, Error, `startTime "0:05" is not seconds`},
		{"alternate length", `length="1000" bitrate`, `length="1 kB" bitrate`, Error, "not a number of bytes"},
		{"alternate without source", `<podcast:source uri="https://media.example.org/1.opus"></podcast:source>`, ``, Error, "has no <podcast:source>"},
		{"alternate type", `type="audio/opus"`, `type="opus"`, Error, "not a media type"},
		{"podcast:episode negative", "<podcast:episode>2<", "<podcast:episode>-1<", Error, `"-1" is negative`},
	}
	for _, tt := range broken {
		if !strings.Contains(f, tt.old) {
			t.Fatalf("%s: the feed has no %s", tt.name, tt.old)
		}
		fs, err := Validate(context.Background(), strings.NewReader(strings.Replace(f, tt.old, tt.new, 1)), ValidateOptions{Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range fs {
			found = found || x.Severity == tt.sev && strings.Contains(x.String(), tt.want)
		}
		if !found {
			t.Errorf("%s: no %s holding %q; findings:\n%s", tt.name, tt.sev, tt.want, Format("feed.xml", fs))
		}
	}
}

// TestEpisodeZero: podcast:episode 0, and no itunes:episode, which Apple
// takes from 1 only.
func TestEpisodeZero(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	m.Episodes[0].Number, m.Episodes[0].NumberZero = 0, true
	var b bytes.Buffer
	if err := Write(&b, show, m, buildTime); err != nil {
		t.Fatal(err)
	}
	f := b.String()
	if !strings.Contains(f, "<podcast:episode>0</podcast:episode>") || strings.Count(f, "<itunes:episode>") != 1 {
		t.Errorf("want one podcast:episode 0 and a single itunes:episode (of the other):\n%s", f)
	}
}

func TestPubDates(t *testing.T) {
	day := time.Date(2025, 9, 24, 0, 0, 0, 0, time.UTC)
	eps := []manifest.Episode{
		{Slug: "03-c", Date: day},
		{Slug: "01-a", Date: day},
		{Slug: "02-b", Date: day.Add(9 * time.Hour)}, // a time of its own
		{Slug: "04-d", Date: day.AddDate(0, 0, 1)},   // alone on its day
		{Slug: "02-b2", Date: day},
	}
	got := PubDates(eps)
	want := []time.Time{day.Add(2 * time.Minute), day, day.Add(9 * time.Hour), day.AddDate(0, 0, 1), day.Add(time.Minute)}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("%s: %v, want %v", eps[i].Slug, got[i], want[i])
		}
	}
	if order := newestFirst(summaries(Episodes(eps)), got); eps[order[0]].Slug != "04-d" || eps[order[1]].Slug != "02-b" || eps[order[4]].Slug != "01-a" {
		t.Errorf("order %v", order)
	}
}

// TestChannelPersonsFromTranscripts: a show without configured hosts
// names those its episodes name, the most frequent first; an episode that
// names only guests keeps them as its hosts.
func TestChannelPersonsFromTranscripts(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	show.Hosts = nil
	m.Episodes[0].Persons = []manifest.Person{{Name: "Al", Role: "co-host"}, {Name: "zoe ", Role: "host"}}
	m.Episodes[1].Persons = []manifest.Person{{Name: "Zoe", Role: "host", Group: "cast", Href: "https://example.com/zoe"}, {Name: "Gus", Role: "guest"}}
	m.Episodes = append(m.Episodes, m.Episodes[1])
	m.Episodes[2].Slug, m.Episodes[2].GUID, m.Episodes[2].Audio.Key = "03-guest", "g3", "episodes/03/a.mp3"
	m.Episodes[2].Persons = []manifest.Person{{Name: "Gus", Role: "guest"}}
	var b bytes.Buffer
	if err := Write(&b, show, m, buildTime); err != nil {
		t.Fatal(err)
	}
	f := b.String()
	zoe := `<podcast:person role="host" group="cast" href="https://example.com/zoe">Zoe</podcast:person>`
	ch := f[:strings.Index(f, "<item>")]
	if want := zoe + "\n    " + `<podcast:person role="co-host">Al</podcast:person>`; !strings.Contains(ch, want) || strings.Contains(ch, "Gus") {
		t.Errorf("channel persons, want\n%s\nin\n%s", want, ch)
	}
	i := strings.Index(f, "<guid isPermaLink=\"false\">g3</guid>")
	item := f[i : i+strings.Index(f[i:], "</item>")]
	if !strings.Contains(item, zoe) || !strings.Contains(item, `<podcast:person role="guest">Gus</podcast:person>`) {
		t.Errorf("the guest-only episode's persons:\n%s", item)
	}
}

func TestPingHub(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		got = append(got, r.PostForm.Get("hub.mode")+" "+r.PostForm.Get("hub.url"))
		if r.URL.Path == "/refuse" {
			http.Error(w, "unknown topic", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx := context.Background()
	if err := PingHub(ctx, srv.Client(), srv.URL+"/hub", "https://cdn.example.com/feed.xml"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "publish https://cdn.example.com/feed.xml" {
		t.Errorf("the hub got %q", got)
	}
	err := PingHub(ctx, srv.Client(), srv.URL+"/refuse", "https://cdn.example.com/feed.xml")
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: unknown topic") {
		t.Errorf("refused ping: %v", err)
	}
	// A hub that does not answer is given up on.
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	if err := PingHub(ctx, slow.Client(), slow.URL, "https://cdn.example.com/feed.xml"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow hub: %v, want a deadline error", err)
	}
}
