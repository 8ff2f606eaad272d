package pipeline

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/progress"
)

// TestProgress publishes two episodes of the sample show with a plain
// progress reporter that writes at every report: the aligner's decoding
// (of a short episode) and the upload of the large audio (of the long
// one, not aligned, which takes half a minute) and its tagged copy are reported in the user's
// words, up to the whole, and none of it reaches the log the tests and
// scripts read.
func TestProgress(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no cached alignment
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	var log, prog bytes.Buffer
	p := NewWithStore(cfg, mustOpen(t, cfg), Options{Align: "pauses", Log: &log, Progress: progress.Lines(&prog, 0)})
	if _, err := p.Publish(context.Background(), []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	p = NewWithStore(cfg, mustOpen(t, cfg), Options{Align: "none", Log: &log, Progress: progress.Lines(&prog, 0)})
	if _, err := p.Publish(context.Background(), []string{"04-platform-engineering"}); err != nil {
		t.Fatal(err)
	}
	out := prog.String()
	for _, re := range []string{
		`(?m)^reading the audio of 01-p99-observability\.md: 1:20 of 1:20 \(100%\), \d+× real time$`,
		`(?m)^reading the audio of 01-p99-observability\.md: done, 1:20 in \d+:\d\d$`,
		`(?m)^uploading episodes/04-platform-engineering/04-platform-engineering-[0-9a-f]+\.mp3: 6 MB of 6 MB \(100%\), \d+(\.\d+)? [kMG]?B/s$`,
		`(?m)^uploading episodes/04-platform-engineering/04-platform-engineering-[0-9a-f]+\.mp3: done, 6 MB in \d+:\d\d$`,
		`(?m)^tagging \S*episodes/04-platform-engineering\.mp3: 5 MB of 5 MB \(100%\), \d+(\.\d+)? [kMG]?B/s$`,
		`(?m)^tagging \S*episodes/04-platform-engineering\.mp3: done, 5 MB in \d+:\d\d$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("progress lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, "of 04") || strings.Contains(out, "uploading episodes/01") || strings.Contains(out, "01-p99-observability.mp3") || strings.Contains(out, ".vtt") {
		t.Errorf("small files reported:\n%s", out)
	}
	if strings.Contains(log.String(), "timing ") || strings.Contains(log.String(), "uploading ") || strings.Contains(log.String(), "tagging ") {
		t.Errorf("progress in the log:\n%s", log.String())
	}
}
