package pipeline

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
)

// notesOnlySource is an episode as import writes one whose feed linked no
// transcript: front matter, a title and show notes, no speaker turns.
const notesOnlySource = `+++
guid = "old-host-ep-5"
date = 2019-03-05T08:30:00Z
+++

# 第 5 集：只有節目筆記

這一集沒有逐字稿，只有[節目筆記](https://example.com/notes)。

- 第一個話題
- 第二個話題

*(片頭音樂)*
`

// writeNotesOnly puts a notes-only episode into the show, with the audio
// (and chapters file, if any) of a sample episode.
func writeNotesOnly(t *testing.T, cfg *config.Config, slug, src, from string, withChapters bool) {
	t.Helper()
	dir := cfg.EpisodesDir()
	exts := []string{".mp3"}
	if withChapters {
		exts = append(exts, ".chapters.txt")
	}
	for _, ext := range exts {
		data, err := os.ReadFile(filepath.Join(dir, from+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, slug+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, slug+".md"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// An episode of show notes only publishes: its audio, page and feed item,
// with no transcript files, no podcast:transcript and no timing.
func TestPublishNotesOnly(t *testing.T) {
	for _, tc := range []struct {
		name         string
		withChapters bool
		wantChapters int
	}{
		{"no chapters", false, 0},
		{"chapters file", true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			ctx := context.Background()
			const slug = "05-notes-only"
			writeNotesOnly(t, cfg, slug, notesOnlySource, "02-kubernetes-cost", tc.withChapters)
			st := mustOpen(t, cfg)
			var log bytes.Buffer
			p := NewWithStore(cfg, st, Options{Align: "auto", Log: &log})
			// With a spoken episode beside it, whose item shows what a
			// podcast:transcript looks like to this test.
			if _, err := p.Publish(ctx, []string{"01-p99-observability", slug}); err != nil {
				t.Fatalf("publish: %v\n%s", err, log.String())
			}
			if !strings.Contains(log.String(), "timing: no transcript to time") {
				t.Errorf("log does not say there is no transcript to time:\n%s", log.String())
			}
			for line := range strings.Lines(log.String()) {
				if strings.HasPrefix(line, "align:") && strings.Contains(line, slug) {
					t.Errorf("the aligner ran on the notes-only episode: %s", line)
				}
			}

			m := readManifest(t, st)
			e := m.Find(slug)
			if e == nil {
				t.Fatalf("manifest has no %s", slug)
			}
			if len(e.Transcripts) != 0 {
				t.Errorf("transcripts = %+v, want none", e.Transcripts)
			}
			if len(e.ChapterList) != tc.wantChapters || (e.Chapters != nil) != (tc.wantChapters > 0) {
				t.Errorf("chapters = %d (json %v), want %d", len(e.ChapterList), e.Chapters, tc.wantChapters)
			}
			for _, o := range e.Objects() {
				for _, ext := range []string{".vtt", ".srt", ".txt", ".json"} {
					if strings.HasSuffix(o.Key, ext) && !strings.HasSuffix(o.Key, ".chapters.json") {
						t.Errorf("published a transcript %s", o.Key)
					}
				}
			}

			page := readObject(t, st, e.Page.Key)
			if strings.Contains(page, `id="transcript"`) || strings.Contains(page, "片頭音樂") {
				t.Errorf("the page has a transcript section")
			}
			for _, want := range []string{"第 5 集：只有節目筆記", "這一集沒有逐字稿", `href="https://example.com/notes"`, "第二個話題", "<audio", manifest.EscapeKey(e.Audio.Key)} {
				if !strings.Contains(page, want) {
					t.Errorf("the page has no %q", want)
				}
			}

			data := readObject(t, st, config.FeedKey)
			var rss struct {
				Items []struct {
					GUID        string `xml:"guid"`
					PubDate     string `xml:"pubDate"`
					Description string `xml:"description"`
					Enclosure   *struct {
						URL    string `xml:"url,attr"`
						Type   string `xml:"type,attr"`
						Length int64  `xml:"length,attr"`
					} `xml:"enclosure"`
					Transcripts []struct {
						URL string `xml:"url,attr"`
					} `xml:"https://podcastindex.org/namespace/1.0 transcript"`
				} `xml:"channel>item"`
			}
			if err := xml.Unmarshal([]byte(data), &rss); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, it := range rss.Items {
				if it.GUID != "old-host-ep-5" {
					if len(it.Transcripts) == 0 {
						t.Errorf("the spoken episode's item %s has no podcast:transcript", it.GUID)
					}
					continue
				}
				found = true
				if it.PubDate != "Tue, 05 Mar 2019 08:30:00 +0000" {
					t.Errorf("pubDate = %q, want the front matter's", it.PubDate)
				}
				if it.Enclosure == nil || it.Enclosure.Type != "audio/mpeg" || it.Enclosure.Length != e.Audio.Size || !strings.HasSuffix(it.Enclosure.URL, manifest.EscapeKey(e.Audio.Key)) {
					t.Errorf("enclosure = %+v, want the audio %s", it.Enclosure, e.Audio.Key)
				}
				if !strings.Contains(it.Description, "這一集沒有逐字稿") {
					t.Errorf("description = %q, want the show notes", it.Description)
				}
				if len(it.Transcripts) != 0 {
					t.Errorf("podcast:transcript = %+v, want none", it.Transcripts)
				}
			}
			if !found {
				t.Fatalf("the feed has no item with guid old-host-ep-5:\n%s", data)
			}
			checkFeedResolves(t, cfg, st)
			findings, err := feed.Validate(ctx, strings.NewReader(data), feed.ValidateOptions{
				Fetcher: feed.DirFetcher(cfg.Publish.BaseURL, cfg.LocalStorageDir(), nil),
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range findings {
				t.Errorf("%s", f)
			}
		})
	}
}

// A source with a title but neither turns nor show notes is still
// refused, naming the file.
func TestPublishNothingToSay(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	const slug = "05-empty"
	writeNotesOnly(t, cfg, slug, "+++\nguid = \"x\"\n+++\n\n# 第 5 集\n\n## 對談內容\n", "02-kubernetes-cost", false)
	_, err := newPipeline(t, cfg, nil, Options{}).Publish(context.Background(), []string{slug})
	if err == nil || !strings.Contains(err.Error(), slug+".md:") || !strings.Contains(err.Error(), "no speaker turns and no show notes") {
		t.Fatalf("err = %v, want one naming %s.md and saying it has no turns and no notes", err, slug)
	}
}
