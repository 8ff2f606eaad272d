package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProblemsAtOnce: every problem that shows without decoding audio is
// reported, for every episode, one a line naming its file (and line) once,
// before anything is timed or uploaded. The aligner logs every run: its
// silence says no audio was decoded.
func TestProblemsAtOnce(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	eps := cfg.EpisodesDir()
	// 01: front matter chapters, two past the end.
	prependFrontMatter(t, cfg, "01-p99-observability", `[[chapters]]
start = "00:00"
title = "開場"
[[chapters]]
start = "09:00"
title = "太晚"
[[chapters]]
start = "10:00"
title = "更晚"`)
	// 02: a chapters file with two chapters past the end.
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(eps, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("02-kubernetes-cost.chapters.txt", "00:00:00 開場\n00:20:00 太晚\n00:30:00 更晚\n")
	// 03: artwork that is no image.
	write("03-edge-ai-inference.png", "not a picture")

	var log bytes.Buffer
	p := NewWithStore(cfg, mustOpen(t, cfg), Options{Align: "pauses", Log: &log})
	_, err := p.Publish(context.Background(), []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"})
	if err == nil {
		t.Fatal("published despite the problems")
	}
	want := []struct{ file, what string }{
		{"01-p99-observability.md (front matter): chapter 2:", `chapter "太晚" starts at 00:09:00.000, after the end of the audio`},
		{"01-p99-observability.md (front matter): chapter 3:", `chapter "更晚" starts at 00:10:00.000, after the end of the audio`},
		{"02-kubernetes-cost.chapters.txt:2:", `chapter "太晚" starts at 00:20:00.000, after the end of the audio`},
		{"02-kubernetes-cost.chapters.txt:3:", `chapter "更晚" starts at 00:30:00.000, after the end of the audio`},
		{"03-edge-ai-inference.png:", "not a JPEG or PNG image"},
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("%d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if i >= len(lines) {
			break
		}
		l := lines[i]
		name := w.file[:strings.IndexAny(w.file, " :")]
		if !strings.Contains(l, w.file) || !strings.Contains(l, w.what) {
			t.Errorf("line %d: %q, want %s … %s", i+1, l, w.file, w.what)
		}
		if n := strings.Count(l, name); n != 1 {
			t.Errorf("line %d names %s %d times: %q", i+1, name, n, l)
		}
	}
	if strings.Contains(log.String(), "align:") {
		t.Errorf("audio was decoded before the problems were reported:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(cfg.LocalStorageDir(), "feed.xml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("publish wrote the feed despite the problems: %v", err)
	}
}
