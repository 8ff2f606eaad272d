package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/podpipe/podpipe/mp3/mp3test"
)

// oldHost serves the hand-written feed of importer/testdata (modelled on
// a Libsyn feed: itunes tags, guids that are no URLs, dates in three time
// zones, tracking query strings) with real MP3s, artwork, a VTT and an
// SRT transcript and JSON chapters. It returns the feed's URL and its
// bytes as served. edit, if not nil, changes the feed's text first.
func oldHost(t *testing.T, edit func(string) string) (string, []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "importer", "testdata")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cover, err := initCover()
	if err != nil {
		t.Fatal(err)
	}
	audio := map[string][]byte{}
	for i, name := range []string{"/e/1/welcome.mp3", "/e/2/fog-horns.mp3", "/e/3/the-night-ferry.mp3"} {
		var b bytes.Buffer
		if _, err := mp3test.Write(&b, mp3test.Options{Frames: 500 + 10*i, Mono: true, Bitrate: 64, Header: mp3test.Info}); err != nil {
			t.Fatal(err)
		}
		audio[name] = b.Bytes()
	}
	var feed []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(feed)
		case p == "/artwork.jpg":
			w.Write(cover)
		case audio[p] != nil:
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Write(audio[p])
		case p == "/t/night-ferry.vtt":
			w.Write(read("night-ferry.vtt"))
		case p == "/t/welcome.srt":
			w.Write(read("welcome.srt"))
		case p == "/t/fog-horns.json":
			w.Write(read("fog-horns.json"))
		case p == "/c/night-ferry.json":
			w.Write(read("night-ferry.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	text := string(read("libsyn.xml"))
	if edit != nil {
		text = edit(text)
	}
	feed = []byte(strings.NewReplacer(
		"{{BASE}}", srv.URL,
		"{{LEN1}}", strconv.Itoa(len(audio["/e/1/welcome.mp3"])),
		"{{LEN2}}", strconv.Itoa(len(audio["/e/2/fog-horns.mp3"])),
		"{{LEN3}}", strconv.Itoa(len(audio["/e/3/the-night-ferry.mp3"])),
	).Replace(text))
	return srv.URL + "/rss", feed
}

// TestImportRepublish imports a feed podpipe did not write, publishes the
// show, and reads both feeds with gofeed: the new one must list the same
// guids with the same dates, one enclosure each, and the same
// podcast:guid.
func TestImportRepublish(t *testing.T) {
	feedURL, oldFeed := oldHost(t, nil)
	dir := t.TempDir()
	t.Setenv("PODPIPE_ALIGN", "none")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"podpipe", "import", "--download", feedURL, dir}, &out, &errOut); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	t.Logf("import:\n%s", out.String())
	if !strings.Contains(out.String(), "imported 3 episodes (3 transcripts, 2 chapter lists, 3 audio files)") {
		t.Errorf("import said:\n%s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"podpipe", "--config", filepath.Join(dir, "config.toml"), "publish", "show"}, &out, &errOut); code != 0 {
		t.Fatalf("publish show: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	code := run(context.Background(), []string{"podpipe", "--config", filepath.Join(dir, "config.toml"), "feed", "validate"}, &out, &errOut)
	// The republished show passes our own checks of Apple's and the
	// Podcasting 2.0 rules, every linked object included.
	if code != 0 || !strings.Contains(out.String(), "feed.xml: valid") {
		t.Errorf("feed validate: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	newFeed, err := os.ReadFile(filepath.Join(dir, "public", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	parse := func(name string, b []byte) *gofeed.Feed {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f
	}
	was, now := parse("old feed", oldFeed), parse("new feed", newFeed)
	type entry struct {
		guid, date string
		enclosures int
	}
	list := func(f *gofeed.Feed) []entry {
		var es []entry
		for _, it := range f.Items {
			d := ""
			if it.PublishedParsed != nil {
				d = it.PublishedParsed.UTC().Format("2006-01-02T15:04:05Z")
			}
			es = append(es, entry{it.GUID, d, len(it.Enclosures)})
		}
		sort.Slice(es, func(i, j int) bool { return es[i].guid < es[j].guid })
		return es
	}
	a, b := list(was), list(now)
	if len(a) != 3 || len(a) != len(b) {
		t.Fatalf("old feed has %d items, new feed %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("item %d: old %+v, new %+v", i, a[i], b[i])
		}
	}
	podGUID := func(f *gofeed.Feed) string {
		if g := f.Extensions["podcast"]["guid"]; len(g) > 0 {
			return g[0].Value
		}
		return ""
	}
	if podGUID(was) == "" || podGUID(now) != podGUID(was) {
		t.Errorf("podcast:guid: old %q, new %q", podGUID(was), podGUID(now))
	}
	// The transcript's speakers and the chapters came along.
	for _, it := range now.Items {
		if it.GUID != "a91c7e2f-3b55-4d0e-9a8b-2f17c6d4e001" {
			continue
		}
		if tr := it.Extensions["podcast"]["transcript"]; len(tr) == 0 {
			t.Errorf("The Night Ferry has no transcript in the new feed")
		}
		if ch := it.Extensions["podcast"]["chapters"]; len(ch) == 0 {
			t.Errorf("The Night Ferry has no chapters in the new feed")
		}
		// The show notes kept their links (not the script), and text that
		// looks like a turn stayed text.
		notes := it.Description + it.Content
		for _, want := range []string{`href="https://harbourlights.example.org/timetable"`, "**Captain:** not a speaker turn", "Deckhand stories"} {
			if !strings.Contains(notes, want) {
				t.Errorf("The Night Ferry's notes lack %q: %s", want, notes)
			}
		}
		if strings.Contains(notes, "javascript") {
			t.Errorf("The Night Ferry's notes link a script: %s", notes)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "episodes", "20250304-the-night-ferry.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**Tomas Berg:** Twenty-two years", `guid = 'a91c7e2f-3b55-4d0e-9a8b-2f17c6d4e001'`, "episode = 3"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("20250304-the-night-ferry.md lacks %q:\n%s", want, md)
		}
	}
}

// An item that links no transcript is imported as show notes only, and
// publish show republishes it with the others: the new feed lists every
// guid, its item with its enclosure and notes but no podcast:transcript.
func TestImportRepublishNotesOnly(t *testing.T) {
	const srt = `      <podcast:transcript url="{{BASE}}/t/welcome.srt" type="application/x-subrip"/>` + "\n"
	feedURL, oldFeed := oldHost(t, func(s string) string {
		if !strings.Contains(s, srt) {
			t.Fatal("libsyn.xml no longer links welcome.srt as this test expects")
		}
		return strings.Replace(s, srt, "", 1)
	})
	dir := t.TempDir()
	t.Setenv("PODPIPE_ALIGN", "none")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"podpipe", "import", "--download", feedURL, dir}, &out, &errOut); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"imported 3 episodes (2 transcripts, 2 chapter lists, 3 audio files)",
		"1 episodes have no transcript (their feed linked none): publish publishes them with their show notes only",
		"next: set publish.base_url",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import did not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "publish needs a transcript") {
		t.Errorf("import says publish needs a transcript:\n%s", out.String())
	}
	out.Reset()
	config := filepath.Join(dir, "config.toml")
	if code := run(context.Background(), []string{"podpipe", "--config", config, "publish", "show"}, &out, &errOut); code != 0 {
		t.Fatalf("publish show: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String()+out.String(), "timing: no transcript to time") {
		t.Errorf("publish did not say the notes-only episode has no transcript to time:\n%s%s", out.String(), errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"podpipe", "--config", config, "feed", "validate"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "feed.xml: valid") {
		t.Errorf("feed validate: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	newFeed, err := os.ReadFile(filepath.Join(dir, "public", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	was, err := gofeed.NewParser().Parse(bytes.NewReader(oldFeed))
	if err != nil {
		t.Fatal(err)
	}
	now, err := gofeed.NewParser().Parse(bytes.NewReader(newFeed))
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]*gofeed.Item{}
	for _, it := range now.Items {
		items[it.GUID] = it
	}
	if len(was.Items) != 3 || len(now.Items) != len(was.Items) {
		t.Fatalf("old feed has %d items, new feed %d", len(was.Items), len(now.Items))
	}
	for _, old := range was.Items {
		it := items[old.GUID]
		if it == nil {
			t.Errorf("the new feed has no item %s", old.GUID)
			continue
		}
		if it.PublishedParsed == nil || !it.PublishedParsed.Equal(*old.PublishedParsed) || len(it.Enclosures) != 1 {
			t.Errorf("item %s: date %v, %d enclosures; want %v and one", old.GUID, it.PublishedParsed, len(it.Enclosures), old.PublishedParsed)
		}
		_, hasTranscript := it.Extensions["podcast"]["transcript"]
		if want := old.GUID != "harbour-lights-1-welcome"; hasTranscript != want {
			t.Errorf("item %s: podcast:transcript %v, want %v", old.GUID, hasTranscript, want)
		}
	}
	if welcome := items["harbour-lights-1-welcome"]; welcome != nil {
		if notes := welcome.Description + welcome.Content; !strings.Contains(notes, "what the harbour sounds like at dawn") {
			t.Errorf("Welcome's notes: %q", notes)
		}
		if welcome.Link == "" {
			t.Fatal("Welcome has no link to its page")
		}
		page, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(strings.TrimPrefix(welcome.Link, "http://127.0.0.1:8080/"))))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Welcome to Harbour Lights", "what the harbour sounds like at dawn", "<audio"} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("Welcome's page lacks %q", want)
			}
		}
	}
}
