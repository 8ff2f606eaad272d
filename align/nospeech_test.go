package align

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// TestNoSpeech: audio with no speech says what it holds instead. A steady
// tone is sound, not silence; digital silence and a whisper far under
// -60 dB are silence.
func TestNoSpeech(t *testing.T) {
	sine := func(seconds, amp float64) []float32 {
		out := make([]float32, int(seconds*rate))
		for i := range out {
			out[i] = float32(amp * math.Sin(2*math.Pi*440*float64(i)/rate))
		}
		return out
	}
	tests := []struct {
		name   string
		sig    []float32
		want   error
		not    error
		reason string
	}{
		{"tone", sine(5, 0.1), ErrNoSpeech, ErrSilent, "one steady sound at -"},
		{"digital silence", silence(5), ErrSilent, ErrNoSpeech, "the audio is silent"},
		{"a tone far under -60 dB", sine(5, 1e-5), ErrSilent, ErrNoSpeech, "the audio is silent"},
	}
	for _, tt := range tests {
		path := writeWAV(t, tt.sig)
		tr := &transcript.Transcript{Units: []transcript.Unit{{Kind: transcript.Speech, Speaker: "A", Text: hanText(5)}}}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := New(Options{Tier: TierPauses}).Time(ctx, tr, transcript.Audio{Path: path})
		cancel()
		var ns *NoSpeechError
		if !errors.As(err, &ns) || !errors.Is(err, tt.want) || errors.Is(err, tt.not) {
			t.Errorf("%s: err = %v, want a NoSpeechError wrapping %v", tt.name, err, tt.want)
			continue
		}
		if ns.Path != path || !strings.Contains(ns.Reason, tt.reason) {
			t.Errorf("%s: %q names %q and says %q; want %q and %q", tt.name, err, ns.Path, ns.Reason, path, tt.reason)
		}
	}
}
