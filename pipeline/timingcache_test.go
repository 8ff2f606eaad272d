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

// TestTimingCache: the second chapters show of an unchanged episode takes
// its timing from the cache (the aligner does not run, and it is fast),
// with the same times; an edit to the transcript aligns it again.
func TestTimingCache(t *testing.T) {
	const slug = "01-p99-observability"
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	show := func() (string, string, time.Duration) {
		var log bytes.Buffer
		p := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "pauses"})
		began := time.Now()
		list, _, _, err := p.Chapters(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, c := range list {
			b.WriteString(c.Start.String() + " " + c.Title + "\n")
		}
		return b.String(), log.String(), time.Since(began)
	}
	first, log, _ := show()
	if !strings.Contains(log, "align: decoded") {
		t.Fatalf("the first show did not align:\n%s", log)
	}
	second, log, took := show()
	if strings.Contains(log, "align: decoded") {
		t.Errorf("the second show aligned again:\n%s", log)
	}
	if second != first {
		t.Errorf("cached chapters:\n%s\nwant those aligned:\n%s", second, first)
	}
	if took > 200*time.Millisecond {
		t.Logf("warning: a cached chapters show took %v", took) // a shared machine; the log says what ran
	}

	md := filepath.Join(cfg.EpisodesDir(), slug+".md")
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(md, bytes.Replace(b, []byte("很高興來聊"), []byte("很開心來聊"), 1), 0o644)
	if _, log, _ = show(); !strings.Contains(log, "align: decoded") {
		t.Errorf("an edited transcript was not aligned again:\n%s", log)
	}
}

// TestRegenerateFromCache: regenerating the chapters of a published
// episode after an edit to its chapters file does not align it again,
// and uploads only the audio, the chapters JSON, the page and the feed.
func TestRegenerateFromCache(t *testing.T) {
	const slug = "02-kubernetes-cost"
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	var log bytes.Buffer
	if _, err := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "pauses"}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "align: decoded") {
		t.Fatalf("the first publish did not align:\n%s", log.String())
	}
	f, err := os.OpenFile(filepath.Join(cfg.EpisodesDir(), slug+".chapters.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("00:00:55 結語\n")
	f.Close()
	log.Reset()
	res, err := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "pauses"}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "align: decoded") || !strings.Contains(log.String(), "(cached)") {
		t.Errorf("the regenerate aligned again:\n%s", log.String())
	}
	var got []string
	for _, k := range res.Uploaded {
		switch {
		case strings.HasSuffix(k, ".chapters.json"), strings.HasSuffix(k, ".mp3"), k == "episodes/"+slug+".html", k == "feed.xml":
		default:
			got = append(got, k)
		}
	}
	if len(got) > 0 || len(res.Uploaded) != 4 {
		t.Errorf("uploaded %v; want only the audio, the chapters JSON, the page and the feed", res.Uploaded)
	}
}
