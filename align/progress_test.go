package align

import (
	"context"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// TestProgress checks Options.Progress: called as the audio is decoded,
// never going back, ending at the audio's length, against its total.
func TestProgress(t *testing.T) {
	ep := synthetic(t, talk, 1)
	var dones, totals []time.Duration
	a := New(Options{Tier: TierPauses, Progress: func(done, total time.Duration) {
		dones = append(dones, done)
		totals = append(totals, total)
	}})
	if err := a.Time(context.Background(), ep.t, transcript.Audio{Path: ep.path}); err != nil {
		t.Fatal(err)
	}
	if len(dones) < 2 {
		t.Fatalf("%d progress calls, want one per second of audio", len(dones))
	}
	for i := 1; i < len(dones); i++ {
		if dones[i] < dones[i-1] || totals[i] != totals[0] {
			t.Fatalf("call %d: %v of %v after %v of %v", i, dones[i], totals[i], dones[i-1], totals[i-1])
		}
	}
	last, total := dones[len(dones)-1], totals[0]
	if total <= 0 || last < total-time.Second || last > total+time.Second {
		t.Errorf("ended at %v of %v, want the whole audio", last, total)
	}
}
