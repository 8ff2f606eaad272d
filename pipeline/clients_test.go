package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/internal/testtool"
)

// TestSampleShowFeed publishes the sample show as the quick start does and
// reads its feed with podpipe's validator and with parsers we did not
// write: podcast-partytime (Podcast Index apps) must see every episode's
// transcripts, chapters and people and the show's guid; feedparser must see
// every item and enclosure.
func TestSampleShowFeed(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	dir := cfg.LocalStorageDir()
	data, err := os.ReadFile(filepath.Join(dir, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, mustOpen(t, cfg))
	if len(m.Episodes) != 4 {
		t.Fatalf("manifest holds %d episodes, want the sample's 4", len(m.Episodes))
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

	t.Run("partytime", func(t *testing.T) {
		node := testtool.Need(t, "node")
		script, _ := filepath.Abs("../test/node/partytime.js")
		if _, err := os.Stat("../test/node/node_modules/podcast-partytime"); err != nil {
			testtool.Missing(t, "podcast-partytime is not installed (make tools)")
		}
		cmd := exec.Command(node, script)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("partytime: %v", err)
		}
		var pf struct {
			GUID  string `json:"guid"`
			Items []struct {
				Title       string `json:"title"`
				GUID        string `json:"guid"`
				Transcripts []struct {
					URL, Type string
				} `json:"podcastTranscripts"`
				Chapters *struct{ URL, Type string }   `json:"podcastChapters"`
				People   []struct{ Name, Role string } `json:"podcastPeople"`
			} `json:"items"`
		}
		if err := json.Unmarshal(out, &pf); err != nil {
			t.Fatal(err)
		}
		if pf.GUID != m.GUID || pf.GUID == "" {
			t.Errorf("podcast:guid = %q, manifest says %q", pf.GUID, m.GUID)
		}
		if len(pf.Items) != len(m.Episodes) {
			t.Fatalf("partytime sees %d items, want %d", len(pf.Items), len(m.Episodes))
		}
		for i, it := range pf.Items {
			e := m.Episodes[i]
			if it.Title != e.Title || it.GUID != e.GUID {
				t.Errorf("item %d: %q %q, want %q %q", i, it.Title, it.GUID, e.Title, e.GUID)
			}
			if len(it.Transcripts) != 5 {
				t.Errorf("%s: %d transcripts, want vtt, srt, json, txt and html", e.Slug, len(it.Transcripts))
			}
			if it.Chapters == nil || it.Chapters.Type != "application/json+chapters" {
				t.Errorf("%s: chapters = %+v", e.Slug, it.Chapters)
			}
			if len(it.People) != len(e.Persons) || len(it.People) < 2 {
				t.Errorf("%s: people = %+v, want %+v", e.Slug, it.People, e.Persons)
			}
		}
	})

	t.Run("feedparser", func(t *testing.T) {
		py := testtool.NeedPython(t, "feedparser")
		cmd := exec.Command(py, "-c", `
import sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
assert not d.bozo, d.bozo_exception
for e in d.entries:
    for enc in e.enclosures:
        print(e.id, enc.href, enc.length, enc.type)
`)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("feedparser: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(m.Episodes) {
			t.Fatalf("feedparser sees %d enclosures, want %d:\n%s", len(lines), len(m.Episodes), out)
		}
		for i, l := range lines {
			e := m.Episodes[i]
			want := strings.Join([]string{e.GUID, cfg.URLFor(e.Audio.Key), itoa(e.Audio.Size), "audio/mpeg"}, " ")
			if l != want {
				t.Errorf("feedparser: %q, want %q", l, want)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
