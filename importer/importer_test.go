package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript/formats"
)

// A feed read from a file, without --download: the sources are written,
// the enclosures are named as missing, and the item that links no
// transcript is reported.
const fileFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc="http://podlove.org/simple-chapters">
<channel>
<title>Anchor Sample</title>
<description>Notes &amp; more</description>
<language>en-us</language>
<itunes:owner><itunes:email>me@example.org</itunes:email></itunes:owner>
<itunes:category text="Technology"/>
<item>
<title><![CDATA[Pilot: "Hello" & goodbye]]></title>
<pubDate>Wed, 01 Jan 2025 23:30:00 -0500</pubDate>
<guid isPermaLink="false">anchor-123</guid>
<description><![CDATA[<p>First.</p><p>Second &amp; last.</p>]]></description>
<enclosure url="https://cdn.example.org/pilot.mp3?x=1" length="100" type="audio/mpeg"/>
<psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Intro"/><psc:chapter start="00:01:00" title="Main &amp; more"/></psc:chapters>
</item>
<item>
<title>No guid</title>
<pubDate>Thu, 02 Jan 2025 10:00:00 +0000</pubDate>
<enclosure url="https://cdn.example.org/ep2.m4a" length="100" type="audio/x-m4a"/>
</item>
</channel>
</rss>`

func TestImportFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "old.xml")
	if err := os.WriteFile(src, []byte(fileFeed), 0o644); err != nil {
		t.Fatal(err)
	}
	show := filepath.Join(dir, "show")
	res, err := Import(context.Background(), src, Options{Dir: show})
	if err != nil {
		t.Fatal(err)
	}
	if res.Episodes != 2 || res.Downloaded != 0 || len(res.Missing) != 2 || len(res.NoTranscript) != 2 || len(res.NoNotes) != 1 || res.Chapters != 1 {
		t.Errorf("result %+v", res)
	}
	pilot := filepath.Join(show, "episodes", "20250101-pilot-hello-goodbye.md")
	md, err := os.ReadFile(pilot)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# https://cdn.example.org/pilot.mp3?x=1", // where the audio is, for the producer
		"guid = 'anchor-123'",
		"date = 2025-01-01T23:30:00-05:00", // the feed's own zone, a TOML date-time
		"description = \"First.\\n\\nSecond & last.\"",
		`# Pilot: "Hello" & goodbye`,
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("%s lacks %q:\n%s", pilot, want, md)
		}
	}
	// An item without a guid keeps the enclosure URL, which apps used
	// as its identity.
	md2, err := os.ReadFile(filepath.Join(show, "episodes", "20250102-no-guid.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md2), "guid = 'https://cdn.example.org/ep2.m4a'") {
		t.Errorf("no-guid item:\n%s", md2)
	}
	// The PSC chapters became JSON chapters that podpipe reads back.
	fh, err := os.Open(filepath.Join(show, "episodes", "20250101-pilot-hello-goodbye.chapters.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	list, err := chapters.Parse("chapters.json", fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Start != time.Minute || list[1].Title != "Main & more" {
		t.Errorf("chapters %+v", list)
	}
	cfg, err := os.ReadFile(filepath.Join(show, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"title = 'Anchor Sample'", "owner_email = 'me@example.org'", "categories = ['Technology']"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("config.toml lacks %q:\n%s", want, cfg)
		}
	}
	// A second import into the same folder overwrites nothing.
	if _, err := Import(context.Background(), src, Options{Dir: show}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second import: %v", err)
	}
	// An import that stopped before config.toml goes on: what is there is
	// kept, byte for byte, and what is missing is written.
	os.Remove(filepath.Join(show, "config.toml"))
	os.Remove(filepath.Join(show, "episodes", "20250102-no-guid.md"))
	os.WriteFile(pilot, []byte("edited"), 0o644)
	res, err = Import(context.Background(), src, Options{Dir: show})
	if err != nil {
		t.Fatal(err)
	}
	if res.Episodes != 1 || res.Kept != 1 {
		t.Errorf("resumed: %+v", res)
	}
	if b, _ := os.ReadFile(pilot); string(b) != "edited" {
		t.Errorf("resumed import rewrote %s", pilot)
	}
	if _, err := os.Stat(filepath.Join(show, "episodes", "20250102-no-guid.md")); err != nil {
		t.Error(err)
	}
}

func TestImportNotAFeed(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "page.html")
	os.WriteFile(src, []byte("<html><body>hi</body></html>"), 0o644)
	_, err := Import(context.Background(), src, Options{Dir: filepath.Join(dir, "show")})
	if err == nil || !strings.Contains(err.Error(), src+": not a feed") {
		t.Errorf("err = %v", err)
	}
}

// turns writes a transcript read by formats.Read as Markdown turns that
// the Markdown reader reads back with the same speakers and text.
func TestTurnsRoundTrip(t *testing.T) {
	vtt := "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>Hello there.\n\n00:02.000 --> 00:04.000\n<v Ann>Still me.\n\n00:04.000 --> 00:06.000\nNobody said who.\n\n00:06.000 --> 00:08.000\n<v Bo>Hi Ann.\n"
	tr, err := formats.Read("x.vtt", strings.NewReader(vtt))
	if err != nil {
		t.Fatal(err)
	}
	body := turns(tr, "Host")
	md := "# T\n\n## 對談內容\n\n" + body
	back, err := formats.Read("x.md", strings.NewReader(md))
	if err != nil {
		t.Fatalf("%v\n%s", err, md)
	}
	var got []string
	for _, u := range back.Units {
		got = append(got, u.Speaker+": "+u.Text)
	}
	want := []string{"Ann: Hello there.", "Ann: Still me.", "Ann: Nobody said who.", "Bo: Hi Ann."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("read back %q, want %q\n%s", got, want, md)
	}
}

// Linked objects that are broken or missing are warnings naming the URL;
// the episode is still imported.
func TestImportBrokenLinks(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			fmt.Fprintf(w, `<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>S</title><description>D</description>
<item><title>One</title><guid>g1</guid><pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate>
<enclosure url="%[1]s/1.mp3" length="1" type="audio/mpeg"/>
<podcast:chapters url="%[1]s/broken.json" type="application/json+chapters"/>
<podcast:transcript url="%[1]s/gone.vtt" type="text/vtt"/>
</item></channel></rss>`, base)
		case "/broken.json":
			fmt.Fprint(w, `{"version":"1.2.0","chapters":[{"startTime":5,"title":"b"},{"startTime":1,"title":"a"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	res, err := Import(context.Background(), srv.URL+"/feed", Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(res.Warnings, "\n")
	t.Log(w)
	for _, want := range []string{
		"chapters not imported: " + srv.URL + "/broken.json",
		"transcript not imported: " + srv.URL + "/gone.vtt: answers GET with 404 Not Found",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	if res.Episodes != 1 || res.Chapters != 0 || res.Transcripts != 0 {
		t.Errorf("result %+v", res)
	}
}
