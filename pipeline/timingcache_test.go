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
