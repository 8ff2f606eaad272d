package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// TestEdit: the editor gets the episode timed, its chapters as a publish
// resolves them, and the chapters file to save beside the transcript;
// nothing is written.
func TestEdit(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	p := newPipeline(t, cfg, nil, Options{})
	tests := []struct {
		slug     string
		source   string
		chapters int
	}{
		{"02-kubernetes-cost", "02-kubernetes-cost.chapters.txt", 4},
		{"01-p99-observability", "01-p99-observability.md (headings)", 2},
	}
	for _, tt := range tests {
		ed, err := p.Edit(context.Background(), tt.slug)
		if err != nil {
			t.Fatalf("%s: %v", tt.slug, err)
		}
		if !strings.HasSuffix(ed.ChaptersSource, string(filepath.Separator)+tt.source) {
			t.Errorf("%s: chapters from %q, want %q", tt.slug, ed.ChaptersSource, tt.source)
		}
		if len(ed.Chapters) != tt.chapters || ed.Chapters[0].Start != 0 {
			t.Errorf("%s: %d chapters %+v", tt.slug, len(ed.Chapters), ed.Chapters)
		}
		if want := filepath.Join(cfg.EpisodesDir(), tt.slug+".chapters.txt"); ed.ChaptersFile != want {
			t.Errorf("%s: saves to %s, want %s", tt.slug, ed.ChaptersFile, want)
		}
		if st, err := os.Stat(ed.Audio); err != nil || filepath.Base(ed.Audio) != tt.slug+".mp3" || ed.Duration < 30*time.Second {
			t.Errorf("%s: audio %s (%v), %v", tt.slug, ed.Audio, err, ed.Duration)
		} else if st.Size() == 0 {
			t.Errorf("%s: empty audio", tt.slug)
		}
		tr := ed.Transcript
		if tr.Timing != transcript.Estimated || len(tr.Units) == 0 {
			t.Fatalf("%s: timing %v, %d units", tt.slug, tr.Timing, len(tr.Units))
		}
		for i, u := range tr.Units {
			if u.End < u.Start || u.End > ed.Duration || i > 0 && u.Start < tr.Units[i-1].Start {
				t.Errorf("%s: unit %d at %v–%v is not timed within the audio", tt.slug, i, u.Start, u.End)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.EpisodesDir(), "01-p99-observability.chapters.txt")); err == nil {
		t.Error("Edit wrote a chapters file")
	}
	if _, err := p.Edit(context.Background(), "no-such-episode"); err == nil {
		t.Error("Edit of an episode that does not exist: no error")
	}
}
