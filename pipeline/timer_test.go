package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/align"
)

// TestEpisodeLanguageReachesAligner: the aligner speaks the episode's own
// language (its front matter), not show.language. An espeak-ng that
// records the voice it is asked for, and has none, stands in for the real
// one: the aligner falls back on the pauses and the publish goes on.
func TestEpisodeLanguageReachesAligner(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in espeak-ng is a shell script")
	}
	bin := t.TempDir()
	voices := filepath.Join(bin, "voices")
	script := "#!/bin/sh\necho \"$@\" >> '" + voices + "'\necho \"voice does not exist\" >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "espeak-ng"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	for _, tc := range []struct{ fm, want string }{
		{`language = "en"`, "-v " + align.Voice("en") + " "},
		{"", "-v " + align.Voice("zh-TW") + " "}, // show.language
	} {
		cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
		if cfg.Show.Language != "zh-TW" {
			t.Fatalf("the sample show's language is %q, want zh-TW", cfg.Show.Language)
		}
		const slug = "03-edge-ai-inference"
		if tc.fm != "" {
			prependFrontMatter(t, cfg, slug, tc.fm)
		}
		os.Remove(voices)
		var log bytes.Buffer
		p := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "tts"})
		if _, err := p.Publish(context.Background(), []string{slug}); err != nil {
			t.Fatalf("%v\nlog:\n%s", err, log.String())
		}
		got, err := os.ReadFile(voices)
		if err != nil {
			t.Fatalf("espeak-ng was not run: %v\nlog:\n%s", err, log.String())
		}
		if !strings.HasPrefix(string(got), tc.want) {
			t.Errorf("front matter %q: espeak-ng ran with %q, want %q", tc.fm, got, tc.want)
		}
	}
}
