package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/podpipe/podpipe/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var buildTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestGUID(t *testing.T) {
	tests := []struct{ feedURL, want string }{
		// The spec's own examples.
		{"https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"},
		{"http://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
		// Scheme and trailing slashes do not count.
		{"podnews.net/rss//", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
		{"https://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"},
	}
	for _, tt := range tests {
		if got := GUID(tt.feedURL); got != tt.want {
			t.Errorf("GUID(%q) = %s, want %s", tt.feedURL, got, tt.want)
		}
	}
}

func writeFeed(t testing.TB, base string) ([]byte, *manifest.Manifest) {
	t.Helper()
	cfg, m := sampleShow(base)
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), m
}

func TestWriteGolden(t *testing.T) {
	got, _ := writeFeed(t, "https://cdn.example.com/tea/")
	golden := filepath.Join("testdata", "sample.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("feed differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}

// TestWriteStable checks that the feed is a function of its inputs and that
// the channel guid comes from the manifest, then the config, then the URL.
func TestWriteStable(t *testing.T) {
	a, _ := writeFeed(t, "https://cdn.example.com/tea/")
	b, _ := writeFeed(t, "https://cdn.example.com/tea/")
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same show differ")
	}
	guidOf := func(feed []byte) string {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(feed))
		if err != nil {
			t.Fatal(err)
		}
		return f.Extensions["podcast"]["guid"][0].Value
	}
	cfg, m := sampleShow("https://cdn.example.com/tea/")
	var buf bytes.Buffer
	tests := []struct {
		manifestGUID, configGUID, want string
	}{
		{"", "", GUID("cdn.example.com/tea/feed.xml")},
		{"", "11111111-1111-5111-8111-111111111111", "11111111-1111-5111-8111-111111111111"},
		{"22222222-2222-5222-8222-222222222222", "11111111-1111-5111-8111-111111111111", "22222222-2222-5222-8222-222222222222"},
	}
	for _, tt := range tests {
		m.GUID, cfg.GUID = tt.manifestGUID, tt.configGUID
		buf.Reset()
		if err := Write(&buf, cfg, m, buildTime); err != nil {
			t.Fatal(err)
		}
		if got := guidOf(buf.Bytes()); got != tt.want {
			t.Errorf("manifest %q, config %q: podcast:guid %s, want %s", tt.manifestGUID, tt.configGUID, got, tt.want)
		}
	}
}

// TestGofeed reads the feed back with gofeed, a parser we did not write.
func TestGofeed(t *testing.T) {
	data, m := writeFeed(t, "https://cdn.example.com/tea/")
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Tea & Code <Live>" || f.Language != "en" || f.Copyright != "© 2026 Ada" {
		t.Errorf("channel: title %q, language %q, copyright %q", f.Title, f.Language, f.Copyright)
	}
	if f.FeedLink != "https://cdn.example.com/tea/feed.xml" {
		t.Errorf("feed link %q", f.FeedLink)
	}
	it := f.ITunesExt
	if it == nil {
		t.Fatal("no iTunes extension on the channel")
	}
	if it.Explicit != "false" || it.Type != "episodic" || it.Image != "https://cdn.example.com/tea/art/cover-3f2a.jpg" ||
		it.Owner == nil || it.Owner.Email != "ada@example.com" || it.Owner.Name != "Ada Lovelace" {
		t.Errorf("channel itunes: %+v owner %+v", it, it.Owner)
	}
	if len(it.Categories) != 2 || it.Categories[0].Text != "Technology" ||
		it.Categories[1].Text != "Society & Culture" || it.Categories[1].Subcategory == nil ||
		it.Categories[1].Subcategory.Text != "Places & Travel" {
		t.Errorf("categories %+v", it.Categories)
	}
	if got := len(f.Extensions["podcast"]["person"]); got != 2 {
		t.Errorf("%d channel podcast:person, want 2", got)
	}
	if len(f.Items) != len(m.Episodes) {
		t.Fatalf("%d items, want %d", len(f.Items), len(m.Episodes))
	}
	// Newest first: episode 2, then 1.
	for i, want := range []*manifest.Episode{&m.Episodes[1], &m.Episodes[0]} {
		got := f.Items[i]
		if got.Title != want.Title {
			t.Errorf("item %d title %q, want %q", i, got.Title, want.Title)
		}
		if got.GUID != want.GUID {
			t.Errorf("item %d guid %q, want %q", i, got.GUID, want.GUID)
		}
		if got.Link != "https://cdn.example.com/tea/"+want.Page.Key {
			t.Errorf("item %d link %q", i, got.Link)
		}
		if len(got.Enclosures) != 1 || got.Enclosures[0].URL != "https://cdn.example.com/tea/"+want.Audio.Key ||
			got.Enclosures[0].Type != "audio/mpeg" || got.Enclosures[0].Length != itoa(want.Audio.Size) {
			t.Errorf("item %d enclosures %+v", i, got.Enclosures)
		}
		if got.PublishedParsed == nil || !got.PublishedParsed.Equal(want.Date) {
			t.Errorf("item %d published %v, want %v", i, got.PublishedParsed, want.Date)
		}
		if !strings.HasPrefix(got.Description, want.NotesHTML) ||
			!strings.Contains(got.Description, "<p>00:00:00 Intro</p>\n<p>00:01:02 Tea &amp; &lt;leaves&gt;</p>\n<p>01:02:05 茶 🍵</p>") ||
			strings.Contains(got.Description, "Sponsor") {
			t.Errorf("item %d description %q", i, got.Description)
		}
		if got.Content != got.Description {
			t.Errorf("item %d content:encoded %q differs from the description", i, got.Content)
		}
		ie := got.ITunesExt
		if ie == nil {
			t.Fatalf("item %d: no itunes extension", i)
		}
		wantType := "full"
		if want.EpisodeType != "" {
			wantType = want.EpisodeType
		}
		if ie.Duration != "1235" || ie.Episode != itoa(int64(want.Number)) || ie.Season != "1" || ie.EpisodeType != wantType {
			t.Errorf("item %d itunes %+v", i, ie)
		}
		ext := got.Extensions["podcast"]
		if n := len(ext["transcript"]); n != len(want.Transcripts) {
			t.Errorf("item %d: %d podcast:transcript, want %d", i, n, len(want.Transcripts))
		}
		if len(ext["chapters"]) != 1 || ext["chapters"][0].Attrs["type"] != "application/json+chapters" {
			t.Errorf("item %d podcast:chapters %+v", i, ext["chapters"])
		}
		if n := len(ext["person"]); n != len(want.Persons) {
			t.Errorf("item %d: %d podcast:person, want %d", i, n, len(want.Persons))
		}
		psc := got.Extensions["psc"]["chapters"]
		if len(psc) != 1 || len(psc[0].Children["chapter"]) != 3 {
			t.Errorf("item %d psc:chapters %+v", i, psc)
		}
	}
	if f.Items[0].ITunesExt.Explicit != "true" || f.Items[1].ITunesExt.Explicit != "false" {
		t.Errorf("item explicit %q %q", f.Items[0].ITunesExt.Explicit, f.Items[1].ITunesExt.Explicit)
	}
	if f.Items[0].Extensions["podcast"]["transcript"][0].Attrs["language"] != "zh-TW" ||
		f.Items[1].Extensions["podcast"]["transcript"][0].Attrs["language"] != "en" {
		t.Error("transcript language is not the episode's or the channel's")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestEscaping puts markup, CDATA ends, quotes, emoji, CJK and control
// characters in every text field and checks two XML readers get the text
// back unchanged (control characters XML cannot carry are dropped).
func TestEscaping(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"markup", `a & b < c > d " e ' f`, `a & b < c > d " e ' f`},
		{"cdata end", "x ]]> y ]]]]> z ]]", "x ]]> y ]]]]> z ]]"},
		{"emoji and CJK", "🎙️ 茶與程式 ☕ 日本語 한국어", "🎙️ 茶與程式 ☕ 日本語 한국어"},
		{"entities stay text", "&amp; &lt;p&gt; &#x1F600;", "&amp; &lt;p&gt; &#x1F600;"},
		{"control characters", "bell\a form\f nul\x00 tab\tend", "bell form nul tab\tend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, m := sampleShow("https://cdn.example.com/tea/")
			cfg.Title = tt.in
			cfg.Description = tt.in
			e := &m.Episodes[1]
			e.Title = tt.in
			e.NotesHTML = tt.in
			e.ChapterList = nil
			e.Persons = []manifest.Person{{Name: tt.in, Role: "host"}} // a host, so the show's are not added
			var b bytes.Buffer
			if err := Write(&b, cfg, m, buildTime); err != nil {
				t.Fatal(err)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, b.Bytes())
			}
			if f.Title != tt.want || f.Items[0].Title != tt.want || f.Items[0].Description != tt.want ||
				f.Items[0].Content != tt.want || f.Items[0].Extensions["podcast"]["person"][0].Value != tt.want {
				t.Errorf("gofeed read back title %q / %q, description %q, content %q, person %q; want %q",
					f.Title, f.Items[0].Title, f.Items[0].Description, f.Items[0].Content,
					f.Items[0].Extensions["podcast"]["person"][0].Value, tt.want)
			}
			// encoding/xml in strict mode rejects anything not well-formed.
			var doc struct {
				Items []struct {
					Title       string `xml:"title"`
					Description string `xml:"description"`
				} `xml:"channel>item"`
			}
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("encoding/xml: %v", err)
			}
			if doc.Items[0].Title != tt.want || doc.Items[0].Description != tt.want {
				t.Errorf("encoding/xml read back %q / %q, want %q", doc.Items[0].Title, doc.Items[0].Description, tt.want)
			}
		})
	}
}

// TestWriteValidates checks that the feed podpipe writes passes its own
// validator with nothing to say, with every linked object fetched from a
// real server.
func TestWriteValidates(t *testing.T) {
	cfg, m, _ := servedShow(t)
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	fs, err := Validate(context.Background(), &b, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("podpipe's own feed has findings:\n%s", Format("feed.xml", fs))
	}
}

type errWriter struct{ n int }

func (w *errWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, io.ErrShortWrite
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	cfg, m := sampleShow("https://cdn.example.com/tea/")
	if err := Write(&errWriter{n: 100}, cfg, m, buildTime); err == nil {
		t.Error("Write to a failing writer returned no error")
	}
	tests := []struct {
		name string
		edit func(e *manifest.Episode)
		want string
	}{
		{"no guid", func(e *manifest.Episode) { e.GUID = "" }, "episode 01-episode: no guid"},
		{"no audio", func(e *manifest.Episode) { e.Audio = manifest.Object{} }, "episode 01-episode: no audio"},
	}
	for _, tt := range tests {
		cfg, m := sampleShow("https://cdn.example.com/tea/")
		tt.edit(&m.Episodes[0])
		err := Write(io.Discard, cfg, m, buildTime)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestWriteMinimal checks that an episode with no notes, chapters,
// transcripts or people still makes a feed with nothing to warn about.
func TestWriteMinimal(t *testing.T) {
	cfg, m, _ := servedShow(t)
	cfg.Hosts, cfg.Funding, cfg.License = nil, nil, nil
	// Only the keys config requires: no author, owner name or copyright.
	cfg.Author, cfg.OwnerName, cfg.Copyright, cfg.Link = "", "", "", ""
	for i := range m.Episodes {
		e := &m.Episodes[i]
		e.NotesHTML, e.Description, e.ChapterList, e.Chapters = "", "", nil, nil
		e.Transcripts, e.Persons, e.Number, e.Season = nil, nil, 0, 0
	}
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<itunes:name></itunes:name>") {
		t.Errorf("the owner has an empty <itunes:name>")
	}
	fs, err := Validate(context.Background(), &b, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("minimal feed has findings:\n%s", Format("feed.xml", fs))
	}
}

// BenchmarkWrite renders a 10,000-episode feed.
func BenchmarkWrite(b *testing.B) {
	cfg, m := sampleShow("https://cdn.example.com/tea/")
	proto := m.Episodes[0]
	m.Episodes = make([]manifest.Episode, 10000)
	for i := range m.Episodes {
		e := proto
		e.Number = i + 1
		e.Date = proto.Date.Add(time.Duration(i) * time.Hour)
		e.GUID = "guid-" + itoa(int64(i))
		m.Episodes[i] = e
	}
	var n int64
	for b.Loop() {
		cw := &countWriter{}
		if err := Write(cw, cfg, m, buildTime); err != nil {
			b.Fatal(err)
		}
		n = cw.n
	}
	b.SetBytes(n)
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func TestChapterList(t *testing.T) {
	tests := []struct {
		name string
		in   []manifest.Chapter
		want string
	}{
		{"none", nil, ""},
		{"plain", []manifest.Chapter{{Start: 0, Title: "Intro"}, {Start: 61.9, Title: "A & B"}, {Start: 3600, Title: "C"}},
			"<p>00:00:00 Intro</p>\n<p>00:01:01 A &amp; B</p>\n<p>01:00:00 C</p>"},
		{"late first chapter starts the list at zero", []manifest.Chapter{{Start: 5, Title: "A"}, {Start: 70, Title: "B"}, {Start: 130, Title: "C"}},
			"<p>00:00:00 A</p>\n<p>00:01:10 B</p>\n<p>00:02:10 C</p>"},
		{"hidden chapters are left out", []manifest.Chapter{{Start: 0, Title: "A"}, {Start: 30, Title: "Ad", Hidden: true}, {Start: 60, Title: "B"}, {Start: 90, Title: "C"}},
			"<p>00:00:00 A</p>\n<p>00:01:00 B</p>\n<p>00:01:30 C</p>"},
		{"same second keeps the later", []manifest.Chapter{{Start: 0, Title: "Intro"}, {Start: 0.525, Title: "Talk"}, {Start: 46, Title: "Q&A"}, {Start: 99, Title: "End"}},
			"<p>00:00:00 Talk</p>\n<p>00:00:46 Q&amp;A</p>\n<p>00:01:39 End</p>"},
		{"long show", []manifest.Chapter{{Start: 0, Title: "A"}, {Start: 36000, Title: "B"}, {Start: 36060, Title: "C"}},
			"<p>00:00:00 A</p>\n<p>10:00:00 B</p>\n<p>10:01:00 C</p>"},
		// Apple's rule: fewer than three lines are no chapters.
		{"one chapter", []manifest.Chapter{{Start: 0, Title: "Whole"}}, ""},
		{"two chapters", []manifest.Chapter{{Start: 0, Title: "A"}, {Start: 60, Title: "B"}}, ""},
		{"two visible of three", []manifest.Chapter{{Start: 0, Title: "A"}, {Start: 30, Title: "Ad", Hidden: true}, {Start: 60, Title: "B"}}, ""},
		{"three in two seconds", []manifest.Chapter{{Start: 0, Title: "A"}, {Start: 0.5, Title: "B"}, {Start: 60, Title: "C"}}, ""},
	}
	for _, tt := range tests {
		if got := chapterList(tt.in); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
