package align

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// realSpeech is the real-speech development set (recorded voices, known
// turn starts), beside the repository; tests that need it skip without it.
const realSpeech = "../../shared/real-speech"

// Two real episodes, tier 1, in about two seconds each. dev-en-01:
// English, two music cues with fades (the turns after them start after
// the fade-out's tail, not in it), a back-to-back turn. dev-zh-02:
// Mandarin under a -35 dB noise bed, an opening jingle, a turn with a
// 1.5 s pause inside it (the voice change, not that pause, starts it).
// Measured: dev-en-01 14 of 15 turns within 0.06 s, the back-to-back
// one 0.40 s early; dev-zh-02 median 0.03 s, 18 of 19 within 0.3 s, the
// last 0.94 s off. The full set runs in make bench-align.
func TestRealSpeech(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes two minutes of audio per episode")
	}
	for _, c := range []struct {
		slug   string
		median float64 // seconds, at most
		within float64 // share of turns within 0.3 s, at least
		max    float64 // seconds, at most
	}{
		{"dev-en-01", 0.1, 0.93, 0.5},
		{"dev-zh-02", 0.1, 0.9, 1.5},
	} {
		t.Run(c.slug, func(t *testing.T) {
			errs := realSpeechErrors(t, c.slug, TierPauses)
			within := 0
			for _, d := range errs {
				if d <= 0.3 {
					within++
				}
			}
			slices.Sort(errs)
			if med := errs[len(errs)/2]; med > c.median {
				t.Errorf("median turn-start error %.2f s, want at most %.2f s (errors %.2f)", med, c.median, errs)
			}
			if share := float64(within) / float64(len(errs)); share < c.within {
				t.Errorf("%.0f %% of turns within 0.3 s, want %.0f %% (errors %.2f)", 100*share, 100*c.within, errs)
			}
			if m := errs[len(errs)-1]; m > c.max {
				t.Errorf("a turn %.2f s off, want at most %.2f s (errors %.2f)", m, c.max, errs)
			}
		})
	}
}

// realSpeechErrors aligns a real-speech episode with tier and returns the
// absolute error of every turn start, in seconds; it skips the test when
// the set is not there.
func realSpeechErrors(t *testing.T, slug string, tier Tier) []float64 {
	t.Helper()
	md := filepath.Join(realSpeech, slug+".md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Skipf("no real-speech set: %v", err)
	}
	var truth struct {
		Units []struct {
			Kind  string  `json:"kind"`
			Start float64 `json:"start"`
		} `json:"units"`
	}
	b, err := os.ReadFile(filepath.Join(realSpeech, slug+".truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	tr, err := markdown.Parse(md, src)
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Tier: tier})
	if err := a.Time(context.Background(), tr, transcript.Audio{Path: filepath.Join(realSpeech, slug+".mp3")}); err != nil {
		t.Fatal(err)
	}
	if len(tr.Units) != len(truth.Units) {
		t.Fatalf("%d units, %d in the truth", len(tr.Units), len(truth.Units))
	}
	var errs []float64
	for i, u := range tr.Units {
		if truth.Units[i].Kind == "speech" {
			errs = append(errs, math.Abs(u.Start.Seconds()-truth.Units[i].Start))
		}
	}
	return errs
}
