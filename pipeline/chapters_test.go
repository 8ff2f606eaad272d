package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/transcript"
)

// TestChaptersShowNeedsNoTiming: chapters from a chapters file are shown
// without decoding the audio, which takes minutes for a long episode; the
// aligner logs every run, so its silence says it did not run.
func TestChaptersShowNeedsNoTiming(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	var log bytes.Buffer
	p := NewWithStore(cfg, mustOpen(t, cfg), Options{Align: "pauses", Log: &log})
	list, source, _, err := p.Chapters(context.Background(), "02-kubernetes-cost")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(source, "02-kubernetes-cost.chapters.txt") || len(list) != 4 {
		t.Errorf("chapters from %s: %+v, want the 4 of the chapters file", source, list)
	}
	if strings.Contains(log.String(), "align:") {
		t.Errorf("the audio was aligned to show chapters from a file:\n%s", log.String())
	}
}

// TestTooManyChaptersForMP3: more visible chapters than an MP3's CTOC
// lists is an error at the line of the first that does not fit, from
// chapters show already, not only when the MP3 is tagged.
func TestTooManyChaptersForMP3(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "00:00:%02d.%03d 第 %d 段\n", i/5, i%5*200, i+1)
	}
	chFile := filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.chapters.txt")
	if err := os.WriteFile(chFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, cfg, nil, Options{})
	_, _, _, err := p.Chapters(context.Background(), "02-kubernetes-cost")
	if err == nil || !strings.Contains(err.Error(), "02-kubernetes-cost.chapters.txt:256: more than 255 chapters") {
		t.Errorf("chapters show: err = %v, want one at 02-kubernetes-cost.chapters.txt:256", err)
	}
	_, err = p.Publish(context.Background(), []string{"02-kubernetes-cost"})
	if err == nil || !strings.Contains(err.Error(), "02-kubernetes-cost.chapters.txt:256: more than 255 chapters") {
		t.Errorf("publish: err = %v, want one at 02-kubernetes-cost.chapters.txt:256", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.LocalStorageDir(), "feed.xml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("publish wrote the feed despite the error: %v", err)
	}
}

// TestTimingErrorLine: a heading's anchor past the end of the audio is
// reported as file:line, like every other bad input, by publish and by
// chapters show.
func TestTimingErrorLine(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	md := filepath.Join(cfg.EpisodesDir(), "01-p99-observability.md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	line := 1 + bytes.Count(src[:bytes.Index(src, []byte("### 現場問答"))], []byte("\n"))
	src = bytes.Replace(src, []byte("### 現場問答"), []byte("### [05:00] 現場問答"), 1)
	if err := os.WriteFile(md, src, 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, cfg, nil, Options{})
	_, pubErr := p.Publish(context.Background(), []string{"01-p99-observability"})
	_, _, _, showErr := p.Chapters(context.Background(), "01-p99-observability")
	for what, err := range map[string]error{"publish": pubErr, "chapters show": showErr} {
		var pe *transcript.ParseError
		if !errors.As(err, &pe) || pe.File == "" || pe.Line != line {
			t.Errorf("%s: err = %v, want a *transcript.ParseError at %s:%d", what, err, md, line)
			continue
		}
		if want := fmt.Sprintf("01-p99-observability.md:%d: anchor 05:00", line); !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %q, want %q in it", what, err, want)
		}
	}
}

// TestIntroChapterInLanguage: when no chapter starts at 0, the one added
// there is titled in the episode's language.
func TestIntroChapterInLanguage(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ch := filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.chapters.txt")
	if err := os.WriteFile(ch, []byte("00:00:11 閒置的 CPU\n00:00:45 現場問答\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list, _, warnings, err := newPipeline(t, cfg, nil, Options{}).Chapters(context.Background(), "02-kubernetes-cost")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Start != 0 || list[0].Title != "開場" {
		t.Errorf("chapters = %+v, want 開場 added at 0", list)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "開場") {
		t.Errorf("warnings = %q, want one about the added chapter", warnings)
	}
}
