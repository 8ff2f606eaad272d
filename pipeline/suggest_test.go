package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPublishSuggestedChapters: the sample's long conversation has one
// spoken section and no chapters of its own; it publishes with chapters
// suggested from its transcript, 5 to 12 of them, each at least a minute
// long and starting at a turn start, listed in the feed's description,
// and chapters show says where they came from.
func TestPublishSuggestedChapters(t *testing.T) {
	const slug = "04-platform-engineering"
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	var log bytes.Buffer
	p := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"})
	if _, err := p.Publish(ctx, []string{slug}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), slug+".md "+SuggestedSource+", timing:") {
		t.Errorf("the log does not say the chapters were suggested:\n%s", log.String())
	}
	e := readManifest(t, mustOpen(t, cfg)).Find(slug)
	if n := len(e.ChapterList); n < 5 || n > 12 {
		t.Fatalf("%d chapters published, want 5 to 12: %+v", n, e.ChapterList)
	}
	if e.Chapters == nil {
		t.Errorf("no chapters JSON published")
	}

	// Every start after the first is a turn's, as the transcript was
	// timed (here in proportion to length, which chapters show repeats).
	list, source, _, err := p.Chapters(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(source, SuggestedSource) {
		t.Errorf("chapters show says the source is %q", source)
	}
	src, err := FindEpisode(cfg, slug)
	if err != nil {
		t.Fatal(err)
	}
	show, _ := p.showFolder()
	ep, err := load(show, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.timing().time(ctx, ep); err != nil {
		t.Fatal(err)
	}
	turns := map[time.Duration]bool{}
	prev := ""
	for _, u := range ep.t.Units {
		if u.Speaker != prev && u.Speaker != "" {
			turns[u.Start] = true
		}
		prev = u.Speaker
	}
	for i, c := range list {
		if i > 0 && !turns[c.Start] {
			t.Errorf("chapter %q starts at %v, not at a turn", c.Title, c.Start)
		}
		end := ep.info.Duration
		if i+1 < len(list) {
			end = list[i+1].Start
		}
		if end-c.Start < time.Minute {
			t.Errorf("chapter %q is %v long", c.Title, end-c.Start)
		}
		if e.ChapterList[i].Title != c.Title {
			t.Errorf("chapter %d: published %q, shown %q", i+1, e.ChapterList[i].Title, c.Title)
		}
	}
	feed, err := os.ReadFile(filepath.Join(cfg.Dir, "public", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(feed), "<p>00:00:00 "+list[0].Title+"</p>") {
		t.Errorf("the feed's description does not list the chapters")
	}
}

// TestNoSingleChapter: an episode whose only chapter would cover it
// whole publishes none: one spoken section too short for a suggestion,
// or a chapters file of one line.
func TestNoSingleChapter(t *testing.T) {
	const slug = "03-edge-ai-inference"
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
	}{
		{"one spoken section", func(t *testing.T, dir string) {
			md := filepath.Join(dir, slug+".md")
			b, err := os.ReadFile(md)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(md, bytes.Replace(b, []byte("### 現場問答\n"), nil, 1), 0o644)
		}},
		{"a chapters file of one line", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, slug+".chapters.txt"), []byte("00:00:00 全集\n"), 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
			tc.edit(t, cfg.EpisodesDir())
			var log bytes.Buffer
			p := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"})
			if _, err := p.Publish(context.Background(), []string{slug}); err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			e := readManifest(t, mustOpen(t, cfg)).Find(slug)
			if len(e.ChapterList) != 0 || e.Chapters != nil {
				t.Errorf("published chapters %+v (JSON %v), want none\n%s", e.ChapterList, e.Chapters, log.String())
			}
			feed, _ := os.ReadFile(filepath.Join(cfg.Dir, "public", "feed.xml"))
			if strings.Contains(string(feed), "<p>00:00:00 ") {
				t.Errorf("the feed lists a chapter")
			}
		})
	}
}
