package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/transcript"
)

// allTagsShow is the sample show's episodes under testdata/alltags: a
// config that sets every optional channel tag and front matter that sets
// every episode tag. hub is the WebSub hub it names.
func allTagsShow(t *testing.T, hub string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	fixture := filepath.Join("testdata", "alltags")
	src, err := os.ReadFile(filepath.Join(fixture, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("# hub is set by the test to its own server."), []byte("hub = \""+hub+"\""), 1)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	cover, err := os.ReadFile(filepath.Join("..", "cover.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cover.jpg"), cover, 0o644); err != nil {
		t.Fatal(err)
	}
	// The sample's three short episodes: the fixture's front matter is
	// written for them.
	if err := os.Mkdir(filepath.Join(dir, "episodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"} {
		files, _ := filepath.Glob(filepath.Join("..", "episodes", slug+".*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "episodes", filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("PODPIPE_STORAGE_URL", filepath.Join(dir, "public"))
	cfg, err := config.Load(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	fms, _ := filepath.Glob(filepath.Join(fixture, "*.toml"))
	for _, p := range fms {
		slug := strings.TrimSuffix(filepath.Base(p), ".toml")
		if slug == "config" {
			continue
		}
		fm, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		prependFrontMatter(t, cfg, slug, strings.TrimSpace(string(fm)))
	}
	return cfg
}

// hubServer is a WebSub hub that records the pings it gets.
type hubServer struct {
	mu    sync.Mutex
	pings []string // "mode url"
}

func (h *hubServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "want a form POST", http.StatusBadRequest)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.pings = append(h.pings, r.PostForm.Get("hub.mode")+" "+r.PostForm.Get("hub.url"))
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hubServer) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.pings...)
}

// TestAllFeedTags publishes a show that sets every tag a producer can,
// and reads the feed back with feed validate (no finding at all), with
// podcast-partytime and with feedparser.
func TestAllFeedTags(t *testing.T) {
	hub := &hubServer{}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	cfg := allTagsShow(t, srv.URL+"/hub")
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	if _, err := newPipeline(t, cfg, nil, Options{Now: clock}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	dir := cfg.LocalStorageDir()
	data, err := os.ReadFile(filepath.Join(dir, config.FeedKey))
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, mustOpen(t, cfg))
	if want := []string{"publish " + cfg.FeedURL()}; strings.Join(hub.got(), "|") != strings.Join(want, "|") {
		t.Errorf("hub pings = %q, want %q", hub.got(), want)
	}
	// The podcast:guid of a moved show is that of its first address.
	if want := feed.GUID("https://old.example.net/cndc.xml"); m.GUID != want {
		t.Errorf("podcast:guid = %s, want %s (of the first previous URL)", m.GUID, want)
	}

	t.Run("validate", func(t *testing.T) {
		findings, err := feed.Validate(ctx, bytes.NewReader(data), feed.ValidateOptions{
			Fetcher: feed.DirFetcher(cfg.Publish.BaseURL, dir, nil),
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			t.Errorf("%s", f)
		}
	})

	t.Run("moved", func(t *testing.T) {
		old, err := os.ReadFile(filepath.Join(dir, "podcast.xml"))
		if err != nil {
			t.Fatalf("no final feed at the earlier address in this store: %v", err)
		}
		findings, err := feed.Validate(ctx, bytes.NewReader(old), feed.ValidateOptions{
			Fetcher: feed.DirFetcher(cfg.Publish.BaseURL, dir, nil),
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			t.Errorf("final feed: %s", f)
		}
		for _, want := range []string{
			"<itunes:new-feed-url>" + cfg.FeedURL() + "</itunes:new-feed-url>",
			`<atom:link href="https://cdn.example.com/show/podcast.xml" rel="self"`,
			"<podcast:guid>" + m.GUID + "</podcast:guid>",
		} {
			if !bytes.Contains(old, []byte(want)) {
				t.Errorf("the final feed has no %s", want)
			}
		}
		if bytes.Contains(data, []byte("new-feed-url")) {
			t.Errorf("the current feed says it moved")
		}
		var pf struct {
			ItunesNewFeedURL string
			GUID             string
			Items            []struct{ GUID string }
		}
		if err := json.Unmarshal(partytime(t, old), &pf); err != nil {
			t.Fatal(err)
		}
		if pf.ItunesNewFeedURL != cfg.FeedURL() || pf.GUID != m.GUID || len(pf.Items) != len(m.Episodes) {
			t.Errorf("partytime reads the final feed as %+v", pf)
		}
	})

	t.Run("partytime", func(t *testing.T) {
		checkPartytime(t, partytime(t, data), m)
	})

	t.Run("feedparser", func(t *testing.T) {
		py := testtool.NeedPython(t, "feedparser")
		cmd := exec.Command(py, "-c", `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
assert not d.bozo, d.bozo_exception
print(json.dumps({
  "hub": [l.href for l in d.feed.links if l.rel == "hub"],
  "block": d.feed.get("itunes_block"),
  "complete": d.feed.get("itunes_complete"),
  "updateFrequency": d.feed.get("podcast_updatefrequency"),
  "items": [{"id": e.id, "published": e.published, "episode": e.get("itunes_episode"), "podcastEpisode": e.get("podcast_episode"), "title": e.title} for e in d.entries],
}, ensure_ascii=False))
`)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("feedparser: %v\n%s", err, out)
		}
		var got struct {
			Hub             []string
			Block           any
			Complete        any
			UpdateFrequency struct{ RRule, Complete string }
			Items           []struct {
				ID, Published, Title string
				Episode              *string
				PodcastEpisode       *string
			}
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(got.Hub) != 1 || got.Hub[0] != cfg.Publish.Hub {
			t.Errorf("feedparser: hub %q, want %s", got.Hub, cfg.Publish.Hub)
		}
		if got.UpdateFrequency.RRule != "FREQ=WEEKLY;BYDAY=MO" || got.UpdateFrequency.Complete != "true" {
			t.Errorf("feedparser: updateFrequency %q", got.UpdateFrequency)
		}
		// Two episodes dated the same day, by the day only: a minute
		// apart in slug order, after the one given a time that day
		// (kept in the zone the producer gave it in).
		want := []struct{ slug, date string }{
			{"03-edge-ai-inference", "Wed, 24 Sep 2025 09:30:00 +0800"},
			{"02-kubernetes-cost", "Wed, 24 Sep 2025 00:01:00 +0000"},
			{"01-p99-observability", "Wed, 24 Sep 2025 00:00:00 +0000"},
		}
		if len(got.Items) != len(want) {
			t.Fatalf("feedparser sees %d items, want %d", len(got.Items), len(want))
		}
		for i, w := range want {
			e := m.Find(w.slug)
			if got.Items[i].ID != e.GUID || got.Items[i].Published != w.date {
				t.Errorf("item %d: %s %s, want %s (%s) %s", i, got.Items[i].ID, got.Items[i].Published, e.GUID, w.slug, w.date)
			}
		}
		// partytime drops a podcast:episode of 0 (it tests the number
		// for truth), so feedparser reads it.
		if e := got.Items[0]; e.Episode != nil || e.PodcastEpisode == nil || *e.PodcastEpisode != "0" {
			t.Errorf("episode 0: itunes:episode %v (Apple takes 1 and up only), podcast:episode %v, want 0", e.Episode, e.PodcastEpisode)
		}
		if e := got.Items[1]; e.Episode == nil || *e.Episode != "2" {
			t.Errorf("episode 2: itunes:episode %v", e.Episode)
		}
	})

	t.Run("lastBuildDate", func(t *testing.T) {
		// Unchanged: the same feed, its date kept, no upload, no ping.
		later := now.Add(time.Hour)
		res, err := newPipeline(t, cfg, nil, Options{Now: func() time.Time { return later }}).BuildFeed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if contains(res.Uploaded, config.FeedKey) || len(hub.got()) != 1 {
			t.Errorf("an unchanged feed was uploaded (%q) or pinged (%q)", res.Uploaded, hub.got())
		}
		// Only the config changes: the feed's content does, and so
		// does its lastBuildDate.
		cfg.Show.Complete = false
		if _, err := newPipeline(t, cfg, nil, Options{Now: func() time.Time { return later }}).BuildFeed(ctx); err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile(filepath.Join(dir, config.FeedKey))
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := feed.LastBuildDate(after); !ok || !d.Equal(later) {
			t.Errorf("lastBuildDate after a config change = %v, want %v", d, later)
		}
		if len(hub.got()) != 2 {
			t.Errorf("hub pings after the change: %q, want a second", hub.got())
		}
	})
}

// partytime reads a feed with podcast-partytime and returns what it
// understood, as JSON.
func partytime(t *testing.T, feed []byte) []byte {
	t.Helper()
	node := testtool.Need(t, "node")
	script, _ := filepath.Abs("../test/node/partytime.js")
	if _, err := os.Stat("../test/node/node_modules/podcast-partytime"); err != nil {
		testtool.Missing(t, "podcast-partytime is not installed (make tools)")
	}
	cmd := exec.Command(node, script)
	cmd.Stdin = bytes.NewReader(feed)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("partytime: %v", err)
	}
	return out
}

func checkPartytime(t *testing.T, out []byte, m *manifest.Manifest) {
	t.Helper()
	type person struct{ Name, Role, Group, Href, Img string }
	type txt struct{ Value, Purpose string }
	type location struct{ Name, Geo, OSM string }
	var pf struct {
		ItunesBlock, ItunesComplete bool
		Pubsub                      struct{ Hub, Self string }
		PodcastPeople               []person
		PodcastLocation             *location
		PodcastTxt                  []txt
		Trailers                    []struct {
			Title, URL, Type string
			Length, Season   int
		}
		Podroll []struct{ FeedGUID, FeedURL, Medium string }
		Items   []struct {
			GUID, Title    string
			PodcastEpisode *struct{ Number float64 }
			PodcastSeason  *struct {
				Number int
				Name   string
			}
			PodcastPeople     []person
			PodcastSoundbites []struct {
				StartTime, Duration float64
				Title               string
			}
			PodcastLocation       *location
			PodcastTxt            []txt
			AlternativeEnclosures []struct {
				Type    string
				Length  int64
				Bitrate float64
				Title   string
				Source  []struct{ URI string }
			}
		}
	}
	if err := json.Unmarshal(out, &pf); err != nil {
		t.Fatal(err)
	}
	if !pf.ItunesBlock || !pf.ItunesComplete || pf.Pubsub.Hub == "" {
		t.Errorf("block %v complete %v hub %q", pf.ItunesBlock, pf.ItunesComplete, pf.Pubsub.Hub)
	}
	// No [[show.hosts]]: the hosts the transcripts name, with the link
	// and picture the front matter gives.
	if len(pf.PodcastPeople) != 1 || pf.PodcastPeople[0].Name != "林雅婷" || !strings.EqualFold(pf.PodcastPeople[0].Group, "cast") ||
		pf.PodcastPeople[0].Href != "https://example.org/hosts/yating" {
		t.Errorf("channel people %+v", pf.PodcastPeople)
	}
	if l := pf.PodcastLocation; l == nil || l.Name != "台北國際會議中心" || l.OSM != "W34729447" {
		t.Errorf("channel location %+v", l)
	}
	if len(pf.PodcastTxt) != 2 || pf.PodcastTxt[0].Purpose != "verify" {
		t.Errorf("channel txt %+v", pf.PodcastTxt)
	}
	if len(pf.Trailers) != 1 || pf.Trailers[0].Length != 1234567 || pf.Trailers[0].Season != 1 {
		t.Errorf("trailers %+v", pf.Trailers)
	}
	if len(pf.Podroll) != 2 || pf.Podroll[0].FeedURL != "https://mp3s.nashownotes.com/pc20rss.xml" {
		t.Errorf("podroll %+v", pf.Podroll)
	}
	if len(pf.Items) != 3 {
		t.Fatalf("partytime sees %d items", len(pf.Items))
	}
	block, full := pf.Items[1], pf.Items[2]
	if block.GUID != m.Find("02-kubernetes-cost").GUID || block.PodcastSeason == nil || block.PodcastSeason.Name != "大會現場" {
		t.Errorf("item 2: %s season %+v", block.GUID, block.PodcastSeason)
	}
	if len(full.PodcastSoundbites) != 2 || full.PodcastSoundbites[0].StartTime != 5 || full.PodcastSoundbites[1].Duration != 15.25 {
		t.Errorf("soundbites %+v", full.PodcastSoundbites)
	}
	if full.PodcastLocation == nil || full.PodcastLocation.Geo != "geo:25.0330,121.5598;u=30" {
		t.Errorf("item location %+v", full.PodcastLocation)
	}
	if len(full.PodcastTxt) != 1 || full.PodcastTxt[0].Purpose != "release" {
		t.Errorf("item txt %+v", full.PodcastTxt)
	}
	alts := full.AlternativeEnclosures
	if len(alts) != 2 || alts[0].Type != "audio/opus" || alts[0].Length != 654321 || alts[0].Bitrate != 64000 ||
		len(alts[0].Source) != 1 || alts[0].Source[0].URI != "https://media.example.org/cndc/01-p99.opus" || alts[1].Bitrate != 96000.5 {
		t.Errorf("alternate enclosures %+v", alts)
	}
	var guest *person
	for i, p := range full.PodcastPeople {
		if p.Name == "陳柏宇" {
			guest = &full.PodcastPeople[i]
		}
	}
	if guest == nil || !strings.EqualFold(guest.Role, "guest") || !strings.EqualFold(guest.Group, "cast") || guest.Href != "https://example.org/speakers/boyu" {
		t.Errorf("guest %+v in %+v", guest, full.PodcastPeople)
	}
}

// TestEpisodeZeroNumber: a source numbered 0 (by its file name or its
// front matter) is podcast:episode 0; a date is no number at all.
func TestEpisodeZeroNumber(t *testing.T) {
	tests := []struct {
		slug      string
		fmEpisode int
		fmZero    bool
		number    int // the record's Number before the feed tags
		wantNum   int
		wantZero  bool
	}{
		{"00-pilot", 0, false, 0, 0, true},
		{"000_pilot", 0, false, 0, 0, true},
		{"20250924-x", 0, false, 0, 0, false},
		{"pilot", 0, false, 0, 0, false},
		{"00-pilot", 3, false, 3, 3, false}, // front matter's episode wins
		{"03-bonus", 0, true, 3, 0, true},   // episode = 0 in front matter
		{"01-first", 0, false, 1, 1, false},
	}
	for _, tt := range tests {
		e := &episode{slug: tt.slug, t: &transcript.Transcript{Episode: tt.fmEpisode, Feed: transcript.FeedTags{EpisodeZero: tt.fmZero}}}
		rec := manifest.Episode{Number: tt.number}
		addFeedTags(e, &rec)
		if rec.Number != tt.wantNum || rec.NumberZero != tt.wantZero {
			t.Errorf("%s (front matter %d, zero %v): number %d zero %v, want %d %v", tt.slug, tt.fmEpisode, tt.fmZero, rec.Number, rec.NumberZero, tt.wantNum, tt.wantZero)
		}
	}
}

// TestHubFailureIsAWarning: the feed is published whatever the hub says.
func TestHubFailureIsAWarning(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "hub down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	cfg := allTagsShow(t, srv.URL)
	ctx := context.Background()
	st := mustOpen(t, cfg)
	var log bytes.Buffer
	if _, err := NewWithStore(cfg, st, Options{Align: "none", Log: &log}).Publish(ctx, []string{"02-kubernetes-cost"}); err != nil {
		t.Fatalf("publish failed for the hub's sake: %v", err)
	}
	if want := "warning: websub: ping " + srv.URL + ": 503 Service Unavailable: hub down"; !strings.Contains(log.String(), want) {
		t.Errorf("the log has no %q:\n%s", want, log.String())
	}
	if readObject(t, st, config.FeedKey) == "" {
		t.Errorf("no feed published")
	}
}

// TestSoundbitePastTheEnd: a soundbite the audio does not reach is refused
// before anything is built, naming the source.
func TestSoundbitePastTheEnd(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	slug := "02-kubernetes-cost" // 66.8 s of audio
	prependFrontMatter(t, cfg, slug, "[[soundbites]]\nstart = 60\nduration = 15")
	_, err := newPipeline(t, cfg, nil, Options{}).Publish(context.Background(), []string{slug})
	if want := slug + ".md: front matter: soundbites: soundbite 60s+15s ends after the episode"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one holding %q", err, want)
	}
}
